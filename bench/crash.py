"""Crash safety under load: a back-fill killed with SIGKILL at random moments, resumed each time.

    .venv/bin/python bench/crash.py [--articles 2000] [--kills 20] [--seed 1]

Starts a replica, then
1. the baseline: one uninterrupted crawl of it into its own output directory;
2. the trial: the same crawl into another directory, killed with SIGKILL after a random delay
   (between the process start and a fraction of the baseline's duration, so kills land in
   start-up, reconciliation and crawling alike), started again, ``--kills`` times; then one last
   run to the end. After every kill, every published ``*.jsonl`` must parse line by line.

Prints what the feeds hold (every article exactly once, no bad line, no ``.part`` left) and the
cost of the kills as ratios against the baseline measured in the same run: pages fetched and
wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import jsonlines

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' shared harness

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import start_crawl
from tests.support.feeds import feed_files, read_jsonl

LOGGING = {"LOG_LEVEL": "INFO", "LOGSTATS_INTERVAL": 0.5}


def start(base_url: str, out: Path) -> subprocess.Popen[str]:
    """Start one run, logging to its own file in ``out/logs``."""
    return start_crawl(base_url, out, settings=LOGGING)


def published_lines(out: Path) -> tuple[list[dict[str, Any]], int]:
    """Every record of every published feed, and how many feeds did not read whole (a torn or
    bad line: the shared reader refuses the file)."""
    records: list[dict[str, Any]] = []
    bad = 0
    for path in feed_files(out):
        try:
            records += read_jsonl(path)
        except (AssertionError, jsonlines.InvalidLineError):
            bad += 1
    return records, bad


def pages_fetched(log: str) -> int:
    """Pages the run logging ``log`` fetched: its last LogStats line (a killed run's last one
    is at most ``LOGSTATS_INTERVAL`` old, so this slightly undercounts killed runs)."""
    counts = re.findall(r"Crawled (\d+) pages", log)
    return int(counts[-1]) if counts else 0


def run_logs(directory: Path) -> list[str]:
    return [p.read_text("utf-8", "replace") for p in sorted(directory.glob("*.log"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-fraction", type=float, default=0.12,
        help="longest delay before a kill, as a share of the baseline's time",
    )  # fmt: skip
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    work = Path(tempfile.mkdtemp(prefix="newscrawl-crash-"))
    with ReplicaServer(articles=opts.articles, seed=opts.seed) as replica:
        expected = {t["record"]["url"] for t in replica.truth() if t["reachable"]}

        base_out = work / "baseline"
        base_logs = base_out / "logs"
        started = time.monotonic()
        if start(replica.base_url, base_out).wait() != 0:
            print(f"baseline crawl failed; see {base_logs}", file=sys.stderr)
            return 1
        base_seconds = time.monotonic() - started
        base_pages = sum(pages_fetched(log) for log in run_logs(base_logs))
        accepted = {r["url"] for r in published_lines(base_out)[0]}

        out = work / "trial"
        logs = out / "logs"
        kills = runs = torn_views = 0
        delays = []
        started = time.monotonic()
        while kills < opts.kills and runs < 3 * opts.kills:
            runs += 1
            delay = rng.uniform(0.2, max(0.5, opts.max_fraction * base_seconds))
            proc = start(replica.base_url, out)
            time.sleep(delay)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
                delays.append(delay)
            proc.wait()
            torn_views += published_lines(out)[1]  # what a reader globbing *.jsonl sees now
        final_rc = start(replica.base_url, out).wait()
        trial_seconds = time.monotonic() - started

    records, bad = published_lines(out)
    counts = Counter((r["url"], r["version"]) for r in records)
    urls = {url for url, _ in counts}
    trial_logs = run_logs(logs)
    salvaged = sum(len(p.read_bytes().splitlines()) for p in out.rglob("*.salvage"))
    recovered = sum(log.count("Recovered feed of an interrupted run") for log in trial_logs)
    trial_pages = sum(pages_fetched(log) for log in trial_logs)
    print(f"replica: {opts.articles} articles ({len(expected)} reachable); baseline crawl: "
          f"{len(accepted)} records, {base_pages} pages, {base_seconds:.1f}s")  # fmt: skip
    print(f"kills: {kills} SIGKILLs in {runs} runs (delays {min(delays, default=0):.1f}-"
          f"{max(delays, default=0):.1f}s), then one run to the end (exit {final_rc})")  # fmt: skip
    print(f"feeds: {len(feed_files(out))} published, {len(list(out.rglob('*.part')))} .part left, "
          f"{bad} unreadable feeds now, {torn_views} seen by readers between kills")  # fmt: skip
    duplicates = sum(counts.values()) - len(counts)
    print(f"articles: {len(urls)} distinct in feeds, {len(accepted - urls)} missing vs baseline, "
          f"{len(urls - accepted)} extra; lines per (url, version): max "
          f"{max(counts.values(), default=0)}, duplicates {duplicates}")  # fmt: skip
    print(f"recovery: {recovered} feeds of killed runs finished by the next run, "
          f"{salvaged} torn or bad lines moved to .salvage")  # fmt: skip
    print(f"cost vs baseline: pages fetched x{trial_pages / base_pages:.2f}, "
          f"wall time x{trial_seconds / base_seconds:.2f} ({trial_seconds:.1f}s)")  # fmt: skip
    print(f"work dir: {work}")
    ok = (
        final_rc == 0 and bad == 0 and torn_views == 0 and urls == accepted
        and max(counts.values(), default=0) == 1 and not list(out.rglob("*.part"))
    )  # fmt: skip
    print("exactly once: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
