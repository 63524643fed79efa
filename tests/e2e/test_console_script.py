"""The installed package crawls from any directory: ``newscrawl crawl`` (``[project.scripts]``)
runs Scrapy's command line with the package's settings where no ``scrapy.cfg`` is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newscrawl.__main__ import command_line
from newscrawl_replica.testing import ReplicaServer
from tests.support.feeds import read_jsonl
from tests.support.score import assert_matches_truth

SCRIPT = Path(sys.executable).with_name("newscrawl")


def test_command_line_fills_in_the_spider() -> None:
    assert command_line(["crawl"]) == ["scrapy", "crawl", "almayadeen"]
    assert command_line(["crawl", "-a", "edition=ar"])[:3] == ["scrapy", "crawl", "almayadeen"]
    assert command_line(["crawl", "almayadeen", "-O", "x.jsonl"]) == [
        "scrapy", "crawl", "almayadeen", "-O", "x.jsonl",
    ]  # fmt: skip
    assert command_line(["parse", "URL"]) == ["scrapy", "parse", "URL"]


def test_the_console_script_crawls_from_a_directory_outside_the_project(tmp_path: Path) -> None:
    assert SCRIPT.is_file(), f"{SCRIPT} missing: reinstall the package (make .venv/.installed)"
    assert not any((d / "scrapy.cfg").exists() for d in (tmp_path, *tmp_path.parents))
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "PYTHONPATH")}
    with ReplicaServer(articles=30, seed=5) as replica:
        done = subprocess.run(
            [str(SCRIPT), "crawl", "-a", f"base_url={replica.base_url}",
             "-s", "NEWSCRAWL_PROFILE=replica", "-O", "out.jsonl"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        truth = replica.truth()
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Overridden settings" in done.stderr and "'BOT_NAME': 'newscrawl'" in done.stderr
    assert_matches_truth(read_jsonl(tmp_path / "out.jsonl"), truth, base_url=replica.base_url)
