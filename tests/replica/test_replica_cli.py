"""Bad command lines get a clear error and no server."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--articles", "3"], "needs at least 10 articles"),
        (["--edition", "ar", "--articles", "0"], "at least 1"),
        (["--truth", "/nonexistent-dir/truth.jsonl"], "no directory"),
        (["--faults", "chaos"], "invalid choice"),
    ],
)
def test_bad_arguments(args: list[str], message: str) -> None:
    cmd = [sys.executable, "-m", "newscrawl.replica", "serve", "--port", "0", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
