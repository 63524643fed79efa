"""Workers of one shared crawl as real ``scrapy crawl`` processes, each with its own output
directory (its feeds, its local state), all on one redis-server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscrawl.frontier.testing import RedisServer
from tests.support.crawl import crawl_command, crawl_env
from tests.support.feeds import feed_files, files_under, read_jsonl
from tests.support.wait import wait_until

#: Short leases and a short idle grace, so a killed worker's requests come back quickly.
FAST = {
    "NEWSCRAWL_FRONTIER_LEASE_SECONDS": 4,
    "NEWSCRAWL_FRONTIER_HEARTBEAT": 0.5,
    "NEWSCRAWL_FRONTIER_IDLE_GRACE": 3,
}


@dataclass
class Fleet:
    base_url: str
    root: Path
    redis: RedisServer
    settings: dict[str, Any] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    procs: dict[int, subprocess.Popen[str]] = field(default_factory=dict)
    #: Every process started, in order: (worker number, pid).
    started: list[tuple[int, int]] = field(default_factory=list)
    #: Per worker, the unpublished feeds that were there when its current process started (a
    #: killed run's, which the new one recovers): not the current run's.
    earlier_parts: dict[int, set[Path]] = field(default_factory=dict)

    def out_dir(self, worker: int) -> Path:
        return self.root / f"worker-{worker}"

    def log_path(self, worker: int) -> Path:
        logs = self.out_dir(worker) / "logs"
        return logs / f"run-{len(list(logs.glob('run-*.log'))) if logs.is_dir() else 0:03d}.log"

    def start(self, worker: int) -> subprocess.Popen[str]:
        settings = {"NEWSCRAWL_FRONTIER": "redis", "REDIS_URL": self.redis.url, **FAST}
        settings.update(self.settings)
        log = self.log_path(worker)
        log.parent.mkdir(parents=True, exist_ok=True)
        self.earlier_parts[worker] = self.parts(worker)
        proc = subprocess.Popen(
            crawl_command(self.base_url, self.out_dir(worker), *self.args, settings=settings),
            env=crawl_env(), stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True,
        )  # fmt: skip
        self.procs[worker] = proc
        self.started.append((worker, proc.pid))
        return proc

    def start_all(self, workers: int) -> None:
        for worker in range(workers):
            self.start(worker)

    def kill(self, worker: int) -> int:
        proc = self.procs[worker]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return proc.pid

    def wait(self, timeout: float = 900) -> dict[int, int]:
        deadline = time.monotonic() + timeout
        codes = {}
        for worker, proc in self.procs.items():
            codes[worker] = proc.wait(max(deadline - time.monotonic(), 1))
        return codes

    def wait_for_log(self, worker: int, text: str, timeout: float = 120) -> None:
        log = max((self.out_dir(worker) / "logs").glob("run-*.log"))
        wait_until(lambda: text in log.read_text(), f"{text!r} in {log}",
                   timeout=timeout, proc=self.procs[worker])  # fmt: skip

    def parts(self, worker: int) -> set[Path]:
        """The worker's unpublished feeds (``*.jsonl.part``)."""
        return set(self.out_dir(worker).glob("almayadeen/*/*.jsonl.part"))

    def lines_written(self, worker: int) -> int:
        """Complete lines the worker's current process has written to its feed so far."""
        lines = 0
        for part in self.parts(worker) - self.earlier_parts.get(worker, set()):
            with contextlib.suppress(FileNotFoundError):  # published meanwhile: it is ending
                lines += part.read_bytes().count(b"\n")
        return lines

    def wait_for_lines(self, worker: int, lines: int, timeout: float = 300) -> None:
        """Wait until the worker's current process has written ``lines`` feed lines: it is
        crawling, with requests leased."""
        wait_until(lambda: self.lines_written(worker) >= lines,
                   f"{lines} lines from worker {worker}", timeout=timeout,
                   proc=self.procs[worker])  # fmt: skip

    def logs(self) -> str:
        runs = [p for p in files_under(self.root, "run-*.log") if p.parent.name == "logs"]
        return "\n".join(p.read_text() for p in runs)

    def feeds(self) -> list[Path]:
        return [path for worker in self.procs for path in feed_files(self.out_dir(worker))]

    def records(self, feeds: list[Path] | None = None) -> list[dict[str, Any]]:
        """Every line of the published feeds (a torn or bad line fails loudly)."""
        return [record for path in feeds or self.feeds() for record in read_jsonl(path)]

    def leftovers(self) -> list[Path]:
        """Files a finished crawl should not leave: unpublished feeds."""
        return files_under(self.root, "*.jsonl.part")


def duplicates(records: list[dict[str, Any]]) -> list[str]:
    counts = Counter((r["url"], r["version"]) for r in records)
    return sorted(url for (url, _), n in counts.items() if n > 1)


def status(redis: RedisServer) -> dict[str, str]:
    client = redis.client()
    keys = client.keys("newscrawl:*:status")
    assert len(keys) == 1, keys
    return {k.decode(): v.decode() for k, v in client.hgetall(keys[0]).items()}
