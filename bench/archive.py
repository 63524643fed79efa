"""Archive-scale back-fills: memory and pace as the archive grows, measured in one run.

    .venv/bin/python bench/archive.py [--sizes 1000,20000,100000] [--workers 2]

For each size, a replica of that many articles is started (its own process, ``--workers``
processes serving it), then one first crawl of it (``scrapy crawl almayadeen -s
NEWSCRAWL_PROFILE=replica``, listings and sitemaps, a fresh state directory), as a user's first
back-fill runs. The crawl is a child process of this script: its peak RSS is the kernel's
``ru_maxrss`` of that process alone (``os.wait4``), not of the replica.

Prints, per size: pages fetched, pages/s (pages / the crawl's own elapsed time), the ratio to
the first (smallest) size's pace, peak RSS, and the feed checked against the replica's sitemaps
(every article listed there, once). The goal at 100,000 articles: peak RSS at most 300 MB and
pages/s at least 0.9x the pace at 1,000, with every article exactly once.
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from newscrawl.editions import EDITIONS  # noqa: E402
from newscrawl_replica.testing import ReplicaServer  # noqa: E402
from tests.support.crawl import crawl_command  # noqa: E402
from tests.support.feeds import iter_jsonl  # noqa: E402

LOC = re.compile(r"<loc>([^<]+)</loc>")
RSS_GOAL_MB = 300.0
PACE_GOAL = 0.9


@dataclass
class Result:
    articles: int
    pages: int
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float
    emitted: int
    distinct: int
    missing: int
    duplicates: int
    exit_code: int

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def pages_per_cpu_s(self) -> float:
        """Pages per second of the crawler's own CPU time: its cost per page, whatever else
        the machine runs meanwhile."""
        return self.pages / self.cpu_seconds if self.cpu_seconds else 0.0


def sitemap_articles(replica: ReplicaServer, edition: str) -> set[str]:
    """Every article URL the replica's sitemaps list (production URLs, as feeds hold them)."""
    host = EDITIONS[edition].base_url
    index = replica.get("/sitemaps/all.xml").text
    urls: set[str] = set()
    for loc in LOC.findall(index):
        # Feeds hold URLs as IRIs (``inácio``), sitemaps percent-encoded (``in%C3%A1cio``).
        urls.update(unquote(url) for url in LOC.findall(replica.get(loc.removeprefix(host)).text))
    return urls


def run_crawl(cmd: list[str], log: Path, progress: float) -> tuple[int, float, float]:
    """Run ``cmd``; its exit code, peak RSS in MB (``ru_maxrss`` of that process) and CPU
    seconds (user + system). Every ``progress`` seconds (0: never) prints how far it got."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    started = time.monotonic()
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=sink, stderr=sink)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if progress else 0)
            if pid:
                break
            time.sleep(progress)
            print_progress(proc.pid, log, time.monotonic() - started)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def print_progress(pid: int, log: Path, seconds: float) -> None:
    """Pages so far (the last LogStats line), current and peak RSS (``/proc``) of a crawl."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return
    memory = {
        name: int(kb) / 1024
        for name, kb in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE)
    }
    with log.open("rb") as fh:
        fh.seek(max(0, log.stat().st_size - 200_000))
        counts = re.findall(rb"Crawled (\d+) pages", fh.read())
    pages = int(counts[-1]) if counts else 0
    print(
        f"    {seconds:7.0f}s: {pages:>8,} pages ({pages / seconds:5.1f}/s since start); RSS "
        f"{memory.get('VmRSS', 0.0):6.1f} MB, peak {memory.get('VmHWM', 0.0):6.1f} MB; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def crawl(size: int, opts: argparse.Namespace, work: Path) -> Result:
    extra = ["--workers", str(opts.workers)]
    with ReplicaServer(
        edition=opts.edition, articles=size, seed=opts.seed, truth=False, extra_args=extra
    ) as replica:
        expected = sitemap_articles(replica, opts.edition)
        out = work / f"crawl-{size}"
        profile = ["-m", "cProfile", "-o", str(work / f"crawl-{size}.prof")] if opts.profile else []
        cmd = crawl_command(
            replica.base_url, out, edition=opts.edition,
            settings={"DOWNLOAD_TIMEOUT": opts.timeout},
        )  # fmt: skip
        cmd[1:1] = profile  # python [-m cProfile -o FILE] -m scrapy crawl ...
        cmd += [arg for setting in opts.set for arg in ("-s", setting)]
        code, peak, cpu = run_crawl(cmd, work / f"crawl-{size}.log", opts.progress)
    stats_files = sorted(out.glob("almayadeen/*/*.stats.json"))
    stats = json.loads(stats_files[-1].read_text("utf-8")) if stats_files else {}
    counts: Counter[str] = Counter()
    for feed in out.glob("almayadeen/*/*.jsonl"):
        for record in iter_jsonl(feed):  # streamed: an archive's feeds hold 100,000 records
            counts[unquote(record["url"])] += 1
    return Result(
        articles=size,
        pages=int(stats.get("pages_fetched") or 0),
        seconds=float(stats.get("elapsed_seconds") or 0.0),
        peak_rss_mb=peak,
        cpu_seconds=cpu,
        emitted=sum(counts.values()),
        distinct=len(counts.keys() & expected),
        missing=len(expected - counts.keys()),
        duplicates=sum(counts.values()) - len(counts),
        exit_code=code,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,20000,100000", help="article counts, first = base")
    parser.add_argument("--edition", choices=("en", "ar"), default="en")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="replica processes")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="extra -s setting"
    )
    parser.add_argument(
        "--profile", action="store_true", help="run each crawl under cProfile (work dir/*.prof)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="DOWNLOAD_TIMEOUT: on a loaded machine, a crawler busy reading a month's sitemap "
        "can leave responses unread longer than the replica profile's 10 s",
    )
    parser.add_argument(
        "--progress", type=float, default=60.0, help="seconds between progress lines (0: none)"
    )
    parser.add_argument("--work", type=Path, default=None, help="keep feeds and logs here")
    opts = parser.parse_args(argv)
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    work = opts.work or Path(tempfile.mkdtemp(prefix="newscrawl-archive-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work dir: {work}; load average {os.getloadavg()[0]:.1f}", flush=True)
    results: list[Result] = []
    for size in sizes:
        started = time.monotonic()
        result = crawl(size, opts, work)
        results.append(result)
        pace, cpu_pace = results[0].pages_per_s or 1.0, results[0].pages_per_cpu_s or 1.0
        print(
            f"{size:>8,} articles: {result.pages:>8,} pages in {result.seconds:8.1f}s "
            f"= {result.pages_per_s:6.1f} pages/s (x{result.pages_per_s / pace:.2f} of "
            f"{sizes[0]:,}); {result.pages_per_cpu_s:6.1f} pages per CPU-second (x"
            f"{result.pages_per_cpu_s / cpu_pace:.2f}); peak RSS {result.peak_rss_mb:6.1f} MB; "
            f"load average {os.getloadavg()[0]:.1f}; feed {result.emitted:,} "
            f"lines, {result.distinct:,}/{size:,} articles, {result.missing} missing, "
            f"{result.duplicates} duplicates; exit {result.exit_code} "
            f"({time.monotonic() - started:.0f}s with the replica)",
            flush=True,
        )
    base, last = results[0], max(results, key=lambda r: r.articles)
    pace = last.pages_per_s / base.pages_per_s if base.pages_per_s else 0.0
    cpu_pace = last.pages_per_cpu_s / base.pages_per_cpu_s if base.pages_per_cpu_s else 0.0
    ok = all(r.exit_code == 0 and r.missing == 0 and r.duplicates == 0 for r in results)
    print(
        f"largest ({last.articles:,}): peak RSS {last.peak_rss_mb:.1f} MB (goal <= "
        f"{RSS_GOAL_MB:.0f}); pace x{pace:.2f} of {base.articles:,} (goal >= {PACE_GOAL}; "
        f"per CPU-second x{cpu_pace:.2f}); "
        f"every article exactly once: {'yes' if ok else 'NO'}"
    )
    met = ok and last.peak_rss_mb <= RSS_GOAL_MB and pace >= PACE_GOAL
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
