"""Scaling out: 1, 2 and 3 workers of one shared crawl (``NEWSCRAWL_FRONTIER=redis``), measured
in the same run against one worker, plus what the frontier costs in Redis memory.

    python bench/scale.py [--articles 5000] [--replica-workers 2] [--workers 1,2,3]

A replica of ``--articles`` articles (served by ``--replica-workers`` processes) and a
redis-server are started on free 127.0.0.1 ports. For each worker count the Redis keys are
flushed and that many ``scrapy crawl almayadeen`` workers crawl the whole replica together.
A crawl's time runs from the first worker's start to the last worker's end (all start at once);
pages/s is the pages all workers fetched over that time; the workers' own CPU time (``os.wait4``)
shows what each page costs them. Printed: pages/s and articles of each
count, the ratio to one worker, and Redis memory per 1,000 queued requests (the leased priority
queue holding real article requests) and per 1,000 dupefilter fingerprints.

The machine's cores are shared by the workers, the replica and Redis: on 2 cores, the replica's
own CPU is part of what the figures measure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from scrapy import Request, Spider  # noqa: E402
from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402

from newscrawl.frontier.connection import Keys  # noqa: E402
from newscrawl.frontier.leases import LeasedQueue  # noqa: E402
from newscrawl.frontier.testing import RedisServer  # noqa: E402
from newscrawl_replica.testing import ReplicaServer  # noqa: E402

SETTINGS = {
    "NEWSCRAWL_PROFILE": "replica",
    "NEWSCRAWL_FRONTIER": "redis",
    "NEWSCRAWL_FRONTIER_IDLE_GRACE": 1,
    "NEWSCRAWL_FRONTIER_HEARTBEAT": 0.5,
    "LOG_LEVEL": "INFO",
}


def crawl(replica: ReplicaServer, redis: RedisServer, workers: int, root: Path) -> dict[str, Any]:
    redis.client().flushall()
    procs = []
    for number in range(workers):
        out = root / f"{workers}-workers" / f"worker-{number}"
        out.mkdir(parents=True)
        cmd = [sys.executable, "-m", "scrapy", "crawl", "almayadeen",
               "-a", f"base_url={replica.base_url}"]  # fmt: skip
        settings = {**SETTINGS, "REDIS_URL": redis.url, "NEWSCRAWL_OUTPUT_DIR": str(out)}
        for key, value in settings.items():
            cmd += ["-s", f"{key}={value}"]
        log = (out / "crawl.log").open("w")
        procs.append(subprocess.Popen(cmd, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=log))
    started = time.monotonic()
    codes, cpu = [], 0.0
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)  # this worker's own CPU time
        proc.returncode = os.waitstatus_to_exitcode(status)
        codes.append(proc.returncode)
        cpu += usage.ru_utime + usage.ru_stime
    wall = time.monotonic() - started
    if any(codes):
        raise RuntimeError(f"a worker failed ({codes}); logs in {root}")
    stats = [json.loads(p.read_text()) for p in (root / f"{workers}-workers").rglob("*.stats.json")]
    begin = min(datetime.fromisoformat(s["started_at"]) for s in stats)
    end = max(datetime.fromisoformat(s["finished_at"]) for s in stats)
    seconds = (end - begin).total_seconds() or wall
    pages = sum(s["pages_fetched"] for s in stats)
    return {
        "workers": workers,
        "pages": pages,
        "articles": sum(s["new"] for s in stats),
        "seconds": round(seconds, 1),
        "pages_per_s": round(pages / seconds, 1),
        "worker_cpu_seconds": round(cpu, 1),
        "per_worker_pages": [s["pages_fetched"] for s in stats],
    }


class _Spider(Spider):
    name = "almayadeen"

    def parse(self, response: object) -> None:
        pass


def redis_memory(redis: RedisServer, count: int = 10_000) -> dict[str, float]:
    """Bytes of Redis memory per 1,000 queued requests and per 1,000 seen fingerprints."""
    client = redis.client()
    client.flushall()
    keys = Keys("newscrawl:bench")
    spider = _Spider()
    queue = LeasedQueue(client, spider, keys, worker="bench", lease_seconds=30)
    dupefilter = RFPDupeFilter(client, key=keys.dupefilter)
    base = "https://english.almayadeen.net/news/politics/"
    before = redis.memory_used()
    for n in range(count):
        request = Request(f"{base}a-story-headline-of-some-length-{n}", priority=20,
                          meta={"listing_page": 3})  # fmt: skip
        queue.push(request)
    queued = redis.memory_used()
    for n in range(count):
        dupefilter.request_seen(Request(f"{base}a-story-headline-of-some-length-{n}"))
    seen = redis.memory_used()
    return {
        "queue_bytes_per_1000": round((queued - before) / count * 1000),
        "dupefilter_bytes_per_1000": round((seen - queued) / count * 1000),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--replica-workers", type=int, default=2)
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    extra = ["--workers", str(args.replica_workers)] if args.replica_workers > 1 else []
    results = []
    with (
        RedisServer(appendonly=False) as redis,
        ReplicaServer(articles=args.articles, truth=False, extra_args=extra) as replica,
        tempfile.TemporaryDirectory(prefix="bench-scale-") as folder,
    ):
        for workers in counts:
            result = crawl(replica, redis, workers, Path(folder))
            results.append(result)
            print(json.dumps(result), flush=True)
        memory = redis_memory(redis)
    one = next((r for r in results if r["workers"] == 1), results[0])
    print(f"\nreplica: {args.articles} articles, {args.replica_workers} server process(es)")
    for result in results:
        ratio = result["pages_per_s"] / one["pages_per_s"]
        print(f"{result['workers']} worker(s): {result['pages_per_s']:7.1f} pages/s "
              f"({result['pages']} pages, {result['articles']} articles, "
              f"{result['seconds']} s, {result['worker_cpu_seconds']} worker CPU-s)  "
              f"x{ratio:.2f} of one")  # fmt: skip
    print(f"Redis memory: {memory['queue_bytes_per_1000'] / 1024:.0f} KiB per 1,000 queued "
          f"requests, {memory['dupefilter_bytes_per_1000'] / 1024:.0f} KiB per 1,000 "
          "dupefilter fingerprints")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
