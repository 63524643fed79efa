"""The web archive: what archiving costs a crawl, what it takes on disk, how fast re-extraction is.

    python bench/archive_warc.py [--articles 1000] [--rounds 2]

1. A replica of ``--articles`` articles is crawled ``--rounds`` times without the archive and as
   many times with ``-s NEWSCRAWL_ARCHIVE=warc``, alternately, each a first crawl into an empty
   folder. The CPU time (user + system) of each crawl process is taken from the OS; the cost of
   archiving is the ratio of the two sums (the goal is at most 1.15).
2. The last archive is checked as the acceptance asks: ``warcio check`` passes, it holds one
   article response record per record, and every record's ``archive`` reference resolves.
3. With the replica stopped, the archive is re-extracted by the same reader (nothing may be
   emitted), then by a reader that keeps two keywords at most (``tests.archive.reader_change``):
   pages read per second, and the records it emits as version 2, which the dataset build
   (``python -m newscrawl.dataset build``) must take as the current version.
4. With ``--kill-after N`` (default 300): an archiving crawl of the same replica is killed with
   SIGKILL once its feed holds N lines, then run again to the end: every record in the feeds
   must resolve to its page in a published WARC file, and no published file may end in a torn
   record.

Prints the figures; the README's performance section quotes them.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from newscrawl.archive.warc import (  # noqa: E402
    LINK_KIND_HEADER,
    complete_length,
    iter_responses,
    read_record,
)
from newscrawl_replica.testing import ReplicaServer  # noqa: E402
from tests.support.crawl import (  # noqa: E402
    CrawlResult,
    kill_after_lines,
    run_crawl,
    start_crawl,
)
from tests.support.feeds import feed_files, iter_jsonl  # noqa: E402

ARCHIVE = {"NEWSCRAWL_ARCHIVE": "warc"}
READER_CHANGE = {"SCRAPY_SETTINGS_MODULE": "tests.archive.reader_change"}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(run: Callable[[], CrawlResult]) -> tuple[CrawlResult, float]:
    """The run's result and the CPU seconds of its process (a child that has ended)."""
    before = children_cpu()
    result = run()
    if result.returncode != 0:
        raise RuntimeError("run failed:\n" + result.log[-3000:])
    return result, children_cpu() - before


def check_archive(out: Path, records: list[dict[str, Any]]) -> dict[str, Any]:
    files = sorted(out.rglob("*.warc.gz"))
    warcio = Path(sys.executable).with_name("warcio")
    check = subprocess.run(
        [str(warcio), "check", *map(str, files)], capture_output=True, text=True, check=False
    )
    responses = {
        record.rec_headers.get_header("WARC-Record-ID")
        for path in files
        for _, record in iter_responses(path)
        if record.rec_headers.get_header(LINK_KIND_HEADER) == "article"
    }
    resolved = 0
    for feed in feed_files(out):
        for record in iter_jsonl(feed):
            ref = record["archive"]
            page = read_record(feed.parent / ref["file"], ref["offset"])
            resolved += page.rec_headers.get_header("WARC-Record-ID") == ref["record_id"]
    return {
        "files": len(files),
        "warcio_check": "pass" if check.returncode == 0 else f"FAIL {check.stdout[-500:]}",
        "article_responses": len(responses),
        "records": len(records),
        "references_resolved": resolved,
        "warc_bytes": sum(p.stat().st_size for p in files),
        "feed_bytes": sum(p.stat().st_size for p in feed_files(out)),
    }


def killed_and_rerun(base_url: str, out: Path, lines: int) -> str:
    """Kill an archiving crawl after ``lines`` feed lines, run it again, check what is left."""
    proc = start_crawl(base_url, out, settings=ARCHIVE)
    kill_after_lines(proc, out, lines, timeout=3600)
    parts = len(list(out.rglob("*.warc.gz.part")))
    rerun = run_crawl(base_url, out, settings=ARCHIVE, timeout=3600)
    if rerun.returncode != 0:
        raise RuntimeError("rerun failed:\n" + rerun.log[-3000:])
    files = sorted(out.rglob("*.warc.gz"))
    torn = [p for p in files if complete_length(p) != p.stat().st_size]
    records = unresolved = 0
    urls = set()
    for feed in feed_files(out):
        for record in iter_jsonl(feed):
            records += 1
            urls.add(record["url"])
            ref = record["archive"]
            page = read_record(feed.parent / ref["file"], ref["offset"])
            unresolved += page.rec_headers.get_header("WARC-Record-ID") != ref["record_id"]
    return (
        f"killed after {lines} feed lines with {parts} WARC file(s) being written; after the "
        f"rerun: {len(urls)} articles in {records} feed records, {unresolved} references not "
        f"resolved, {len(files)} published WARC files, {len(torn)} ending in a torn record, "
        f"{len(list(out.rglob('*.part')))} .part files left"
    )


def current_versions(out: Path) -> dict[int, int]:
    """Build the dataset of ``out``; how many articles its current table holds per version."""
    subprocess.run(
        [sys.executable, "-m", "newscrawl.dataset", "build", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    import pyarrow.parquet as pq

    versions = pq.read_table(out / "dataset" / "current", columns=["version"]).column("version")
    counts: dict[int, int] = {}
    for version in versions.to_pylist():
        counts[version] = counts.get(version, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--kill-after", type=int, default=300)
    args = parser.parse_args(argv)
    cpu: dict[str, list[float]] = {"off": [], "warc": []}
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        root = Path(tmp)
        with ReplicaServer(articles=args.articles, seed=7, truth=False) as replica:
            base_url = replica.base_url
            for round_ in range(args.rounds):
                settings: dict[str, str]
                for name, settings in (("off", {}), ("warc", ARCHIVE)):
                    out = root / f"{name}-{round_}"
                    result, seconds = timed(
                        partial(run_crawl, base_url, out, settings=settings, timeout=3600)
                    )
                    cpu[name].append(seconds)
                    print(
                        f"crawl {name:4} round {round_}: {len(result.records)} records, "
                        f"{seconds:.1f} s CPU, {result.seconds:.1f} s wall",
                        flush=True,
                    )
            killed = (
                killed_and_rerun(base_url, root / "killed", args.kill_after)
                if args.kill_after
                else "not run"
            )
        # The replica is stopped: re-extraction cannot fetch anything.
        archived = root / f"warc-{args.rounds - 1}"
        facts = check_archive(archived, result.records)
        same, same_cpu = timed(
            lambda: run_crawl(base_url, archived, f"reextract={archived}", timeout=3600)
        )
        changed, _ = timed(
            lambda: run_crawl(
                base_url, archived, f"reextract={archived}", env=READER_CHANGE, timeout=3600
            )
        )
        dataset = current_versions(archived)
    articles = facts["records"]
    ratio = sum(cpu["warc"]) / sum(cpu["off"])
    print()
    print(f"archive: {facts['files']} WARC file(s), warcio check {facts['warcio_check']}, "
          f"{facts['article_responses']} article response records for {articles} records, "
          f"{facts['references_resolved']} references resolved")  # fmt: skip
    print(f"disk: {facts['warc_bytes'] / articles / 1024:.1f} KiB of WARC per article "
          f"({facts['warc_bytes'] / 1024 / 1024:.1f} MiB for {articles}); the feed "
          f"{facts['feed_bytes'] / articles / 1024:.1f} KiB per article")  # fmt: skip
    print(f"crawl CPU: {sum(cpu['off']):.1f} s without the archive, {sum(cpu['warc']):.1f} s "
          f"with it ({args.rounds} round(s) each): ratio {ratio:.3f} (goal <= 1.15)")  # fmt: skip
    said = "says so" if "no record changed" in same.log else "DOES NOT SAY SO"
    crawl_rate = articles * len(cpu["off"]) / sum(cpu["off"])
    print(f"re-extraction, same reader: {len(same.records)} records emitted ({said}); "
          f"{articles} pages in {same.seconds:.1f} s wall ({articles / same.seconds:.0f} "
          f"pages/s), {same_cpu:.1f} s CPU ({articles / same_cpu:.0f} pages per CPU second, "
          f"start-up included; the crawl without archive: {crawl_rate:.0f} articles per CPU "
          f"second, ratio {articles / same_cpu / crawl_rate:.2f})")  # fmt: skip
    print(f"kill -9: {killed}")
    versions = sorted({r["version"] for r in changed.records})
    print(f"re-extraction, reader change: {len(changed.records)} records emitted as version "
          f"{versions}, {articles / changed.seconds:.0f} pages/s wall; the dataset's current "
          f"table then: {dict(sorted(dataset.items()))} articles by version")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
