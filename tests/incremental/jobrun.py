"""Run the crawler as users and schedulers do (``scrapy crawl`` in a subprocess) against one job's
output directory, and read back every feed the job has published."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]


def crawl_command(
    base_url: str, out_dir: Path, *args: str, settings: dict[str, Any] | None = None
) -> list[str]:
    """``-a`` for each ``name=value`` of ``args``; an arg starting with ``-`` is passed as is."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={base_url}"]
    for arg in args:
        cmd += [arg] if arg.startswith("-") else ["-a", arg]
    merged = {"NEWSCRAWL_PROFILE": "replica", "NEWSCRAWL_OUTPUT_DIR": str(out_dir)}
    merged.update(settings or {})
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def crawl_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


def start_crawl(
    base_url: str, out_dir: Path, *args: str, settings: dict[str, Any] | None = None
) -> subprocess.Popen[str]:
    log = (out_dir / "logs").resolve()
    log.mkdir(parents=True, exist_ok=True)
    stderr = (log / f"run-{len(list(log.iterdir())):03d}.log").open("w")
    return subprocess.Popen(
        crawl_command(base_url, out_dir, *args, settings=settings),
        cwd=PROJECT, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=stderr, text=True,
    )  # fmt: skip


def wait_until_crawling(proc: subprocess.Popen[str], out_dir: Path, timeout: float = 90) -> None:
    """Wait until the run started last holds its job and has opened the state."""
    log = max((out_dir / "logs").glob("run-*.log"))
    deadline = time.monotonic() + timeout
    while "Crawl state" not in log.read_text():
        assert proc.poll() is None, f"the run ended before it started crawling: {log}"
        assert time.monotonic() < deadline, f"the run did not start crawling: {log}"
        time.sleep(0.1)


@dataclass
class Run:
    returncode: int
    log: str
    stats: dict[str, Any]
    stdout: str = ""


def run_crawl(
    base_url: str,
    out_dir: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    timeout: float = 300,
) -> Run:
    before = set(stats_files(out_dir))
    proc = subprocess.run(
        crawl_command(base_url, out_dir, *args, settings=settings),
        cwd=PROJECT, env=crawl_env(), capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    new = [path for path in stats_files(out_dir) if path not in before]
    stats = json.loads(new[-1].read_text("utf-8")) if new else {}
    return Run(proc.returncode, proc.stderr, stats, proc.stdout)


def stats_files(out_dir: Path) -> list[Path]:
    return sorted(out_dir.rglob("*.stats.json"), key=lambda p: p.stat().st_mtime_ns)


def feed_files(out_dir: Path) -> list[Path]:
    """Published article feeds: every ``*.jsonl`` (rejects files are ``*.rejects.jl``)."""
    return sorted(out_dir.rglob("*.jsonl"))


def read_feed(path: Path) -> list[dict[str, Any]]:
    """Every line of a feed, each parsed (a partial or bad line fails loudly)."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path} ends in a partial line"
    records = []
    for number, line in enumerate(data.splitlines(), 1):
        try:
            records.append(json.loads(line))
        except ValueError as exc:
            raise AssertionError(f"{path}:{number} is not JSON: {line[:80]!r}") from exc
    return records


def read_feeds(out_dir: Path) -> list[dict[str, Any]]:
    """Every line of every published feed of the job."""
    return [record for path in feed_files(out_dir) for record in read_feed(path)]


def versions(records: list[dict[str, Any]]) -> Counter[tuple[str, int]]:
    return Counter((r["url"], r["version"]) for r in records)
