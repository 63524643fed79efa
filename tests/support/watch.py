"""Following a watch (``-a mode=watch``) from outside, as a reader of its feed folder does.

    seen = PublishedLines(out_dir)
    seen.refresh()                      # reads what new published feeds hold
    seen.first_seen[(url, version)]     # when each version was first seen published
    expected_versions(replica.truth())  # what a watch that saw every edit publishes

One reader for the tests and ``bench/watch.py``.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .feeds import feed_files, read_jsonl

Version = tuple[str, int]


def expected_versions(truth: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Each reachable article's version in the feeds of a watch that saw each of its edits."""
    return {
        line["record"]["url"]: int(line.get("edits") or 0) + 1
        for line in truth
        if line.get("reachable", True)
    }


class PublishedLines:
    """Every line of every published feed (``*.jsonl``) under a folder, read once per file
    (published feeds never change), with the moment each (url, version) was first seen."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.read: set[Path] = set()
        self.counts: Counter[Version] = Counter()
        self.first_seen: dict[Version, float] = {}
        self.records: dict[Version, dict[str, Any]] = {}

    def refresh(self) -> int:
        """Read the feeds published since the last call; how many lines they held."""
        added = 0
        for path in feed_files(self.out_dir):
            if path in self.read:
                continue
            now = time.time()
            self.read.add(path)
            for record in read_jsonl(path):
                key = (record["url"], int(record["version"]))
                self.counts[key] += 1
                self.first_seen.setdefault(key, now)
                self.records[key] = record
                added += 1
        return added

    def latest(self) -> dict[str, int]:
        """The highest version published of each article."""
        out: dict[str, int] = {}
        for url, version in self.counts:
            out[url] = max(out.get(url, 0), version)
        return out

    def duplicates(self) -> list[Version]:
        return [key for key, count in self.counts.items() if count > 1]

    def gaps(self) -> list[str]:
        """Articles whose published versions are not 1, 2, … n without a hole."""
        versions: dict[str, set[int]] = {}
        for url, version in self.counts:
            versions.setdefault(url, set()).add(version)
        return [url for url, seen in versions.items() if seen != set(range(1, max(seen) + 1))]

    def wait_for(
        self,
        expected: Mapping[str, int],
        proc: subprocess.Popen[str] | None = None,
        timeout: float = 90.0,
    ) -> None:
        """Wait until each article of ``expected`` is published at its version (or later)."""
        deadline = time.monotonic() + timeout
        while True:
            self.refresh()
            latest = self.latest()
            missing = {u: v for u, v in expected.items() if latest.get(u, 0) < v}
            if not missing:
                return
            assert proc is None or proc.poll() is None, f"the watch ended ({proc.returncode})"
            assert time.monotonic() < deadline, f"not published in time: {list(missing)[:5]}"
            time.sleep(0.1)


def wait_until(done: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Wait until ``done()`` holds (checked every 0.1 s), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
