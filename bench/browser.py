"""Benchmark: pages rendered in Chromium, against plain HTTP on the same pages.

    .venv/bin/python bench/browser.py [--pages 1000] [--pages-per-context N]

Starts a replica, then crawls the same article pages three times: with Scrapy's own HTTP handler
(the baseline), with newscrawl's browser settings but plain requests (newscrawl's handler must
keep Scrapy's pace), and with every request rendered in Chromium (``meta["playwright"]``). Each
crawl runs in its own process; a sampler reads the memory of the whole process tree (Python,
Playwright's driver, every Chromium process) from /proc. Printed per phase (first, middle and
last tenth of the pages): pages/s and peak memory, the paces as ratios, and the browser's memory
at the end as a ratio of its memory at the start. Flat memory and pace is the goal.

This file is also the spider the crawls run (``scrapy runspider bench/browser.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newscrawl.browser import settings as browser_settings  # noqa: E402
from tests.support.crawl import crawl_env, scrapy_command  # noqa: E402

PHASES = (("start", 0.0, 0.1), ("middle", 0.45, 0.55), ("end", 0.9, 1.0))


class RenderBenchSpider(Spider):
    """Fetches a list of URLs, in the browser or not; records when each page arrived."""

    name = "bench-browser"
    custom_settings: ClassVar[dict[str, Any]] = {
        **browser_settings.as_dict(),
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": 8,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, urls: str = "", out: str = "", browser: str = "0", **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = Path(urls).read_text().split()
        self.out = Path(out)
        self.browser = browser == "1"
        self.arrivals: list[float] = []

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, meta={"playwright": self.browser}, dont_filter=True)

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        self.arrivals.append(time.time())
        yield from ()

    def closed(self, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        self.out.write_text(
            json.dumps(
                {
                    "arrivals": self.arrivals,
                    "reason": reason,
                    "pages_closed": stats.get("playwright/page_count/closed", 0),
                    "pages_opened": stats.get("playwright/page_count", 0),
                    "max_pages": stats.get("playwright/page_count/max_concurrent", 0),
                }
            )
        )


# -- memory of a process tree, from /proc ---------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _field_kib(path: str, field: str) -> int | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _memory_kib(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them)."""
    pss = _field_kib(f"/proc/{pid}/smaps_rollup", "Pss:")
    if pss is None:
        pss = _field_kib(f"/proc/{pid}/status", "VmRSS:")
    return pss or 0


def tree_memory_mib(root: int) -> tuple[float, int]:
    """Memory of ``root`` and every descendant (MiB), and how many processes that is."""
    tree = _children()
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(tree.get(pid, []))
    return sum(_memory_kib(p) for p in pids) / 1024, len(pids)


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            mib, count = tree_memory_mib(self.pid)
            self.samples.append((time.time(), mib, count))
            self.stopped.wait(self.every)


# -- the benchmark ----------------------------------------------------------------------------


def crawl(
    urls_file: Path, browser: bool, workdir: Path, settings: list[str] | None = None
) -> dict[str, Any]:
    out = workdir / f"{'browser' if browser else 'plain'}.json"
    command = scrapy_command(
        "runspider", __file__,
        "-a", f"urls={urls_file}", "-a", f"out={out}", "-a", f"browser={int(browser)}",
    )  # fmt: skip
    for setting in settings or []:
        command += ["-s", setting]
    env = crawl_env(PYTHONPATH=str(ROOT))
    started = time.time()
    proc = subprocess.Popen(command, cwd=workdir, env=env, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    _, log = proc.communicate()
    sampler.stopped.set()
    sampler.join()
    if proc.returncode or not out.exists():
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{log[-3000:]}")
    result: dict[str, Any] = json.loads(out.read_text())
    result["samples"] = sampler.samples
    result["started"] = started
    return result


def phases(result: dict[str, Any]) -> list[tuple[str, float, float, int]]:
    """(phase, pages/s, peak MiB, processes) for the first, middle and last tenth of pages."""
    arrivals: list[float] = sorted(result["arrivals"])
    rows = []
    for name, lo, hi in PHASES:
        first, last = int(lo * (len(arrivals) - 1)), int(hi * (len(arrivals) - 1))
        t0, t1 = arrivals[first], arrivals[last]
        pace = (last - first) / (t1 - t0) if t1 > t0 else float("inf")
        window = [s for s in result["samples"] if t0 - 0.5 <= s[0] <= t1 + 0.5] or result["samples"]
        peak = max(window, key=lambda s: s[1])
        rows.append((name, pace, peak[1], peak[2]))
    return rows


def tenths(result: dict[str, Any]) -> list[float]:
    """Peak memory in each tenth of the run's pages."""
    arrivals: list[float] = sorted(result["arrivals"])
    peaks = []
    for k in range(10):
        t0 = arrivals[k * (len(arrivals) - 1) // 10]
        t1 = arrivals[(k + 1) * (len(arrivals) - 1) // 10]
        window = [mib for t, mib, _ in result["samples"] if t0 <= t <= t1]
        peaks.append(max(window, default=0.0))
    return peaks


def main() -> None:
    from newscrawl_replica.testing import ReplicaServer

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument(
        "--pages-per-context",
        type=int,
        default=None,
        help="NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT for the browser crawl (0: never recycle)",
    )
    options = parser.parse_args()
    with ReplicaServer(edition="en", articles=options.pages, seed=7) as replica:
        paths = [urlsplit(row["record"]["url"]).path for row in replica.truth()]
        urls = [replica.url(p) for p in paths][: options.pages]
        with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
            workdir = Path(tmp)
            urls_file = workdir / "urls.txt"
            urls_file.write_text("\n".join(urls))
            # Baseline: Scrapy's own HTTP handler, no newscrawl.browser handler in the way.
            scrapy = crawl(urls_file, False, workdir, ["DOWNLOAD_HANDLERS={}"])
            plain = crawl(urls_file, False, workdir)
            extra = []
            if options.pages_per_context is not None:
                extra = [f"NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT={options.pages_per_context}"]
            browser = crawl(urls_file, True, workdir, extra)
    report(len(urls), scrapy, plain, browser)


def pace(result: dict[str, Any]) -> float:
    return len(result["arrivals"]) / (max(result["arrivals"]) - result["started"])


def report(
    pages: int, scrapy: dict[str, Any], plain: dict[str, Any], browser: dict[str, Any]
) -> None:
    print(f"{pages} article pages of the replica, 8 concurrent requests")
    print("scrapy: Scrapy's HTTP handler; plain: newscrawl's handler, no browser; "
          "browser: every page rendered in Chromium")  # fmt: skip
    print(f"{'phase':8} {'scrapy p/s':>10} {'plain p/s':>10} {'browser p/s':>12} "
          f"{'plain/scrapy':>12} {'browser/plain':>13} {'plain MiB':>10} {'browser MiB':>12} "
          f"{'procs':>6}")  # fmt: skip
    browser_rows = phases(browser)
    for (name, s_pace, _, _), (_, p_pace, p_mem, _), (_, b_pace, b_mem, procs) in zip(
        phases(scrapy), phases(plain), browser_rows, strict=True
    ):
        print(f"{name:8} {s_pace:10.1f} {p_pace:10.1f} {b_pace:12.1f} {p_pace / s_pace:12.3f} "
              f"{b_pace / p_pace:13.3f} {p_mem:10.0f} {b_mem:12.0f} {procs:6d}")  # fmt: skip
    print(f"overall pages/s: scrapy {pace(scrapy):.1f}, plain {pace(plain):.1f}, "
          f"browser {pace(browser):.1f}; plain/scrapy {pace(plain) / pace(scrapy):.3f}, "
          f"browser/plain {pace(browser) / pace(plain):.3f}")  # fmt: skip
    print("browser MiB by tenth of the run (peak):", " ".join(f"{m:.0f}" for m in tenths(browser)))
    mem_start, mem_end = browser_rows[0][2], browser_rows[-1][2]
    print(f"browser memory end/start: {mem_end / mem_start:.3f} "
          f"({mem_start:.0f} MiB -> {mem_end:.0f} MiB); pages opened {browser['pages_opened']}, "
          f"closed {browser['pages_closed']}, at most {browser['max_pages']} open")  # fmt: skip


if __name__ == "__main__":
    main()
