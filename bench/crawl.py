"""Crawl throughput against ``scrapy bench``, measured in the same run.

    python bench/crawl.py [--articles 5000] [--edition en] [--bench-seconds 10]

1. ``scrapy bench`` (Scrapy's own local benchmark: a spider following links on a local server,
   default settings, run outside the project) gives the baseline pages/s on this machine now.
2. A replica of ``--articles`` articles is started on a free 127.0.0.1 port and crawled with
   ``scrapy crawl almayadeen -s NEWSCRAWL_PROFILE=replica`` (default discovery: listings and
   sitemaps), as users run it.

Prints articles/s, pages/s (responses received / crawl time) and peak memory of the crawl,
the baseline's pages/s, and the ratio crawl/baseline (the goal is at least 0.6).
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from newscrawl_replica.testing import ReplicaServer  # noqa: E402
from tests.support.crawl import run_crawl, scrapy_command  # noqa: E402

STATS_DUMP = re.compile(r"Dumping Scrapy stats:\n(\{.*?\})\n(?=\d{4}-\d\d-\d\d |\Z)", re.DOTALL)


def scrapy_stats(log: str) -> dict[str, Any]:
    """The stats dict Scrapy dumps at the end of a run's log."""
    match = STATS_DUMP.search(log)
    if not match:
        raise RuntimeError("no stats in the log:\n" + log[-2000:])
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", match.group(1))
    stats: dict[str, Any] = ast.literal_eval(text)
    return stats


def scrapy_bench(seconds: int) -> float:
    """Pages/s of ``scrapy bench`` (run in an empty folder: Scrapy's defaults, not ours)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        cmd = scrapy_command("bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}")
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=True)
    stats = scrapy_stats(proc.stderr)
    return float(stats["response_received_count"]) / float(stats["elapsed_time_seconds"])


def crawl(articles: int, edition: str) -> dict[str, Any]:
    with (
        ReplicaServer(edition=edition, articles=articles, truth=False) as replica,
        tempfile.TemporaryDirectory(prefix="bench-crawl-") as out,
    ):
        result = run_crawl(replica.base_url, Path(out), edition=edition, timeout=3600)
        if result.returncode != 0:
            raise RuntimeError("crawl failed:\n" + result.log[-3000:])
    summary, wall = result.summary, result.seconds
    stats = scrapy_stats(result.log)
    seconds = float(stats["elapsed_time_seconds"])
    return {
        "articles": summary["articles"],
        "pages": stats["response_received_count"],
        "seconds": seconds,
        "wall_seconds": wall,
        "articles_per_s": summary["articles"] / seconds,
        "pages_per_s": stats["response_received_count"] / seconds,
        "peak_memory_mb": (stats.get("memusage/max") or 0) / 1024 / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--edition", choices=("en", "ar"), default="en")
    parser.add_argument("--bench-seconds", type=int, default=10)
    args = parser.parse_args(argv)
    print(f"scrapy bench ({args.bench_seconds}s) ...", flush=True)
    baseline = scrapy_bench(args.bench_seconds)
    print(f"crawling a {args.articles}-article {args.edition} replica ...", flush=True)
    result = crawl(args.articles, args.edition)
    ratio = result["pages_per_s"] / baseline
    print(
        f"crawl: {result['articles']} articles, {result['pages']} pages in "
        f"{result['seconds']:.1f}s (process {result['wall_seconds']:.1f}s)\n"
        f"  articles/s        {result['articles_per_s']:8.1f}\n"
        f"  pages/s           {result['pages_per_s']:8.1f}\n"
        f"  peak memory       {result['peak_memory_mb']:8.1f} MB\n"
        f"scrapy bench pages/s {baseline:7.1f}\n"
        f"ratio crawl/bench   {ratio:8.2f}  (goal >= 0.60)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
