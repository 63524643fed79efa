"""Building the dataset from 100,000 records against the time a crawl takes to emit them.

    python bench/dataset.py [--records 100000] [--articles 2000]

1. A replica of ``--articles`` articles is crawled as users run it (``bench/crawl.py``'s
   crawl); its pace, scaled to ``--records``, estimates how long the crawl of those records
   takes on this machine now.
2. ``--records`` records are written as hourly feeds of ``--articles`` records each, made from
   the replica's ground truth (what a perfect crawl emits; the URLs of each feed are its own),
   the last feed re-emitting ``--articles`` of them as version 2 with an edited title.
3. ``python -m newscrawl.dataset build`` runs on them (a subprocess: its own wall time and peak
   memory), then once more after one more feed (incremental), once with nothing new, and the
   report is written.

Prints each figure and the ratio build time / estimated crawl time (goal: well under 1), and
the build's peak memory (goal: under 1 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from crawl import crawl  # noqa: E402

from newscrawl.schema import fingerprint  # noqa: E402
from newscrawl_replica.testing import ReplicaServer  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def truth_records(articles: int) -> list[dict[str, Any]]:
    with ReplicaServer(articles=articles, seed=1) as replica:
        return [line["record"] for line in replica.truth()]


def copy_of(base: dict[str, Any], copy: int, run: int, version: int = 1) -> dict[str, Any]:
    record = dict(base)
    if copy:
        record["url"] = f"{base['url']}-{copy}"
        record["post_id"] = str(int(base["post_id"] or 0) + copy * 10_000_000)
    if version > 1:
        record["title"] = f"{base['title']} (updated)"
    record.update(
        fetched_url=record["url"], alternate_urls=[], version=version,
        crawled_at=stamp(START + timedelta(hours=run)),
    )  # fmt: skip
    record["fingerprint"] = fingerprint(record)
    return record


def write_feed(job: Path, run: int, records: list[dict[str, Any]]) -> None:
    folder = job / "almayadeen" / "en"
    folder.mkdir(parents=True, exist_ok=True)
    name = (START + timedelta(hours=run)).strftime("%Y-%m-%dT%H-%M-%SZ")
    with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    stats = {"mode": "incremental", "finish_reason": "finished", "complete": True,
             "new": sum(r["version"] == 1 for r in records),
             "updated": sum(r["version"] > 1 for r in records), "errors": 0, "rejects": 0,
             "started_at": stamp(START + timedelta(hours=run))}  # fmt: skip
    (folder / f"{name}.stats.json").write_text(json.dumps(stats), "utf-8")


def run_measured(command: str, job: Path) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and output of ``python -m newscrawl.dataset COMMAND JOB``."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.dataset", command, str(job)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise RuntimeError(f"{command} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)

    print(f"crawling a {args.articles}-article replica ...", flush=True)
    measured = crawl(args.articles, "en")
    crawl_seconds = measured["seconds"] * args.records / measured["articles"]
    print(f"  {measured['articles']} articles in {measured['seconds']:.1f} s "
          f"({measured['articles_per_s']:.1f}/s): {args.records:,} records would take "
          f"{crawl_seconds:,.0f} s", flush=True)  # fmt: skip

    base = truth_records(args.articles)
    with tempfile.TemporaryDirectory(prefix="bench-dataset-") as folder:
        job = Path(folder)
        runs = args.records // len(base) - 1
        for run in range(runs):
            write_feed(job, run, [copy_of(record, run, run) for record in base])
        edits = args.records - runs * len(base)
        write_feed(job, runs, [copy_of(base[i % len(base)], i // len(base), runs, 2)
                               for i in range(edits)])  # fmt: skip
        size = sum(p.stat().st_size for p in job.glob("almayadeen/*/*.jsonl"))
        print(f"{args.records:,} records in {runs + 1} feeds ({size / 2**20:,.0f} MiB)")

        full, full_mb, out = run_measured("build", job)
        print(f"build from nothing  {full:8.1f} s  peak {full_mb:6.0f} MB   {out}")
        write_feed(job, runs + 1, [copy_of(record, runs + 1, runs + 1) for record in base[:1000]]
                   + [copy_of(record, 0, runs + 1, 3) for record in base[1000:1100]])  # fmt: skip
        more, more_mb, out = run_measured("build", job)
        print(f"one more feed       {more:8.1f} s  peak {more_mb:6.0f} MB   {out}")
        again, again_mb, out = run_measured("build", job)
        print(f"nothing new         {again:8.1f} s  peak {again_mb:6.0f} MB   {out}")
        report, report_mb, out = run_measured("report", job)
        print(f"report              {report:8.1f} s  peak {report_mb:6.0f} MB")
        on_disk = sum(p.stat().st_size for p in (job / "dataset").rglob("*.parquet"))
        print(f"dataset on disk: {on_disk / 2**20:,.0f} MiB of Parquet (both tables)")

    ratio = full / crawl_seconds
    print(f"ratio build / crawl of the same records {ratio:.4f}  (goal: well under 1)")
    print(f"peak memory of a build {max(full_mb, more_mb):.0f} MB  (goal: under 1024)")
    return 0 if ratio < 1 and max(full_mb, more_mb) < 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
