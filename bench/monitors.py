"""What the health monitors cost, against the crawl they judge, measured in the same run.

    python bench/monitors.py [--articles 3000]

A replica of ``--articles`` articles is crawled once (``scrapy crawl almayadeen -a mode=full``,
as users run it) with the project's settings, except that the health components (the
ReachStats downloader middleware, the CoveragePipeline, spidermon's extension with every monitor
and action at close) are timed subclasses (``bench/monitor_timing.py``) adding up the time spent
inside them. Prints that time, the crawl's time and the ratio (the goal is under 2%).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench.crawl import scrapy_stats  # noqa: E402
from newscrawl_replica.testing import ReplicaServer  # noqa: E402
from tests.support.crawl import crawl_command, crawl_env  # noqa: E402

COST = re.compile(r"Monitor cost: ([0-9.]+) s in (\d+) calls")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args(argv)
    print(f"crawling a {args.articles}-article replica with timed monitors ...", flush=True)
    with (
        ReplicaServer(articles=args.articles, truth=False) as replica,
        tempfile.TemporaryDirectory(prefix="bench-monitors-") as out,
    ):
        cmd = crawl_command(
            replica.base_url, Path(out), "mode=full",
            settings={"NEWSCRAWL_PROMETHEUS_FILE": f"{out}/newscrawl.prom"},
        )  # fmt: skip
        env = crawl_env(
            SCRAPY_SETTINGS_MODULE="monitor_timing",
            PYTHONPATH=os.pathsep.join([str(PROJECT / "bench"), str(PROJECT)]),
        )
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        health = json.loads(next(Path(out).glob("almayadeen/*/*.health.json")).read_text())
    match = COST.search(proc.stderr)
    if proc.returncode != 0 or match is None:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    stats = scrapy_stats(proc.stderr)
    crawl_seconds = float(stats["elapsed_time_seconds"])
    spent, calls = float(match.group(1)), int(match.group(2))
    ratio = spent / crawl_seconds
    print(
        f"crawl: {stats.get('newscrawl/coverage/records')} records, "
        f"{stats['response_received_count']} pages in {crawl_seconds:.1f}s "
        f"(process {wall:.1f}s); health {'all pass' if health['healthy'] else 'FAILED'}\n"
        f"monitors: {spent * 1000:.1f} ms in {calls} calls "
        f"({spent / max(calls, 1) * 1e6:.1f} µs a call)\n"
        f"ratio monitors/crawl {ratio:.4%}  (goal < 2%)"
    )
    return 0 if ratio < 0.02 and health["healthy"] else 1


if __name__ == "__main__":
    sys.exit(main())
