"""Bad command lines get a clear error and no server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl_replica.testing import fetch


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--articles", "3"], "needs at least 10 articles"),
        (["--edition", "ar", "--articles", "0"], "at least 1"),
        (["--truth", "/nonexistent-dir/truth.jsonl"], "no directory"),
        (["--faults", "chaos"], "invalid choice"),
        (["--faults", "damaged", "--damaged-share", "1.5"], "--damaged-share must be between"),
        (["--latency", "-1"], "--latency: from 0 to 3600 seconds"),
    ],
)
def test_bad_arguments(args: list[str], message: str) -> None:
    cmd = [sys.executable, "-m", "newscrawl_replica", "serve", "--port", "0", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr


def test_console_script_serves_with_the_same_options() -> None:
    script = Path(sys.executable).with_name("newscrawl-replica")
    cmd = [str(script), "serve", "--port", "0", "--articles", "10", "--seed", "2"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            ready = proc.stdout.readline()
            port = re.search(r"on http://127\.0\.0\.1:(\d+) ", ready)
            assert port, ready
            health = fetch(f"http://127.0.0.1:{port.group(1)}", "/__replica__/health")
            assert json.loads(health.body) == {"ok": True, "articles": 10, "edition": "en"}
        finally:
            proc.terminate()
    assert proc.returncode == 0


def test_console_script_names_itself_in_errors() -> None:
    script = Path(sys.executable).with_name("newscrawl-replica")
    done = subprocess.run([str(script), "serve", "--faults", "chaos"], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert "usage: newscrawl-replica serve" in done.stderr
