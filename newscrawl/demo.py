"""``make demo``: start the offline replica, crawl it with the real spider, show the result.

    python -m newscrawl.demo [--edition en|ar] [--articles 500] [--output-dir DIR]

Runs ``scrapy crawl almayadeen`` as a subprocess against a replica on a free 127.0.0.1 port,
with the replica profile (no politeness delays: the server is ours), then prints where the
feed, the rejects and the log are, and the run summary. The replica is stopped at the end,
also on Ctrl-C. The replica is its own package (``replica/``, installed by ``make``); the crawler
does not depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from newscrawl.output.runfiles import run_stamp
from newscrawl.output.summary import format_summary

PROJECT = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.demo", description=__doc__)
    parser.add_argument("--edition", choices=("en", "ar"), default="en")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="default: output/demo/{date}T{time}, fresh each run (the crawl state lives there "
        "too, so a second demo is a first crawl again rather than an incremental one)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        from newscrawl_replica.testing import ReplicaServer
    except ImportError:
        print(
            "The demo crawls the offline replica: install it with `pip install -e replica` "
            "(make demo does).",
            file=sys.stderr,
        )
        return 2
    out = (args.output_dir or Path("output") / "demo" / run_stamp()).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"Starting the replica ({args.edition}, {args.articles} articles) ...", flush=True)
    with ReplicaServer(edition=args.edition, articles=args.articles, truth=False) as replica:
        print(f"Replica serving on {replica.base_url}", flush=True)
        log_path = out / f"demo-{args.edition}.log"
        cmd = [
            sys.executable, "-m", "scrapy", "crawl", "almayadeen",
            "-a", f"edition={args.edition}", "-a", f"base_url={replica.base_url}",
            "-s", "NEWSCRAWL_PROFILE=replica", "-s", f"NEWSCRAWL_OUTPUT_DIR={out}",
            "-s", f"LOG_FILE={log_path}", "-s", "LOG_LEVEL=INFO",
        ]  # fmt: skip
        print("Crawling:", " ".join(cmd[2:]), flush=True)
        started = time.monotonic()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        code = subprocess.run(cmd, cwd=PROJECT, env=env, check=False).returncode
        seconds = time.monotonic() - started
    print(f"Replica stopped. Crawl exited with {code} after {seconds:.1f}s; log: {log_path}")
    summaries = sorted((out / "almayadeen" / args.edition).glob("*.summary.json"))
    if code != 0 or not summaries:
        print("The crawl failed: see the log above.", file=sys.stderr)
        return code or 1
    summary = json.loads(summaries[-1].read_text("utf-8"))
    print(f"\nFeed:    {summary['feed']}")
    rejects = summary["rejects_file"] if summary["rejects"] else "none"
    print(f"Rejects: {rejects} ({summary['rejects']} records)")
    print("\nRun summary:\n" + format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
