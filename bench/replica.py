"""How fast the replica serves article pages on loopback, so it never limits a crawl benchmark.

    .venv/bin/python bench/replica.py [--articles 20000] [--requests 6000] [--concurrency 32]

Starts a replica, collects article URLs from its sitemaps, then a separate load-generating process
(aiohttp client, bounded in requests and time) fetches each once. The baseline, measured in the
same run with the same load generator, is a bare aiohttp server answering a fixed page of the same
size: the ratio says how close page rendering comes to serving static bytes. Rounds alternate
replica and baseline (the best of each is printed) and the server's CPU time per page is printed
too, since other work on a shared machine can hold the measured rate back.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newscrawl_replica.testing import ReplicaServer, fetch

BASELINE_SERVER = r"""
import sys
from aiohttp import web
size = int(sys.argv[1])
page = (b"<!DOCTYPE html><html><body>" + b"x" * size + b"</body></html>")[:size]
async def handle(request):
    return web.Response(body=page, content_type="text/html", charset="utf-8")
app = web.Application()
app.router.add_get("/{tail:.*}", handle)
async def main():
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    import asyncio
    await asyncio.Event().wait()
import asyncio
asyncio.run(main())
"""


class BaselineServer:
    """A bare aiohttp server answering a fixed page (started once the page size is known)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, size: int) -> None:
        cmd = [sys.executable, "-c", BASELINE_SERVER, str(size)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> BaselineServer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


async def load(urls: list[str], concurrency: int, time_limit: float) -> dict[str, Any]:
    import aiohttp

    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    done = errors = size = 0
    deadline = time.monotonic() + time_limit
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal done, errors, size
            while not queue.empty() and time.monotonic() < deadline:
                url = queue.get_nowait()
                async with session.get(url) as resp:
                    body = await resp.read()
                if resp.status == 200:
                    done += 1
                    size += len(body)
                else:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {"pages": done, "errors": errors, "seconds": elapsed, "bytes": size}


def run_load(urls: list[str], concurrency: int, time_limit: float) -> dict[str, Any]:
    """Run ``load`` in a separate process so the client does not share the server's core."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(urls))
    cmd = [sys.executable, __file__, "load", fh.name, str(concurrency), str(time_limit)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=time_limit + 60)
    Path(fh.name).unlink()
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def article_urls(replica: ReplicaServer, limit: int) -> list[str]:
    index = fetch(replica.base_url, "/sitemaps/all.xml").text
    host = "https://english.almayadeen.net"
    urls: list[str] = []
    for loc in re.findall(r"<loc>([^<]+)</loc>", index):
        month = fetch(replica.base_url, loc.removeprefix(host)).text
        urls += [
            replica.base_url + u.removeprefix(host)
            for u in re.findall(r"<loc>([^<]+)</loc>", month)
        ]
        if len(urls) >= limit:
            break
    return urls[:limit]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        urls = Path(sys.argv[2]).read_text().split("\n")
        print(json.dumps(asyncio.run(load(urls, int(sys.argv[3]), float(sys.argv[4])))))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=20000)
    p.add_argument("--requests", type=int, default=6000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=1, help="replica processes (--workers)")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best counts")
    args = p.parse_args()

    started = time.monotonic()
    extra = ["--workers", str(args.workers)]
    with (
        ReplicaServer(articles=args.articles, truth=False, extra_args=extra) as replica,
        BaselineServer() as base,
    ):
        print(
            f"replica with {args.articles} articles, {args.workers} worker(s), "
            f"up in {time.monotonic() - started:.1f}s; load average {os.getloadavg()[0]:.1f}"
        )
        urls = article_urls(replica, args.requests * args.rounds)
        base.start(len(fetch(replica.base_url, urls[0].removeprefix(replica.base_url)).body))
        assert replica.process is not None
        pids = [replica.process.pid, *children(replica.process.pid)]
        # Rounds alternate replica and baseline, so both meet the same background load; each
        # replica round fetches pages not fetched before. The best round of each counts.
        article = baseline = {"pages": 0, "seconds": 1.0, "errors": 0, "bytes": 0}
        server_cpu = base_cpu = 0.0
        for n in range(args.rounds):
            chunk = urls[n * args.requests : (n + 1) * args.requests]
            before = sum(cpu_seconds(pid) for pid in pids)
            got = run_load(chunk, args.concurrency, args.time_limit)
            cpu = sum(cpu_seconds(pid) for pid in pids) - before
            if got["pages"] / got["seconds"] > article["pages"] / article["seconds"]:
                article, server_cpu = got, cpu
            base_urls = [f"{base.url}/{i}" for i in range(len(chunk))]
            before = cpu_seconds(base.pid)
            got = run_load(base_urls, args.concurrency, args.time_limit)
            cpu = cpu_seconds(base.pid) - before
            if got["pages"] / got["seconds"] > baseline["pages"] / baseline["seconds"]:
                baseline, base_cpu = got, cpu

    rate = article["pages"] / article["seconds"]
    base_rate = baseline["pages"] / baseline["seconds"]
    print(
        f"article pages: {article['pages']} distinct, {article['errors']} errors, "
        f"{article['bytes'] / article['pages'] / 1024:.1f} KiB each, {article['seconds']:.2f}s"
    )
    print(f"replica article pages/s:          {rate:8.0f}")
    print(f"baseline static pages/s (aiohttp): {base_rate:8.0f}")
    print(f"ratio replica/baseline:           {rate / base_rate:8.2f}")
    print(f"ratio replica/1000 pages/s target: {rate / 1000:8.2f}")
    # The machine may be shared: CPU time per page says what one free core would sustain.
    per_page = server_cpu / article["pages"]
    base_per_page = base_cpu / baseline["pages"]
    print(
        f"replica CPU per article page:      {per_page * 1e6:8.0f} us "
        f"(= {1 / per_page:.0f} pages/s per free core)"
    )
    print(f"baseline CPU per page:             {base_per_page * 1e6:8.0f} us")
    print(f"ratio CPU replica/baseline:        {per_page / base_per_page:8.2f}")
    capacity = 1 / per_page
    verdict = "above" if min(rate, capacity) > 1000 else "BELOW"
    if rate <= 1000 < capacity:
        verdict = "above per free core; measured rate held back by other load on this machine"
    print(f"target 1000 article pages/s: {verdict}")
    return 0 if article["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
