"""Run ``scrapy crawl almayadeen`` the way users do (a subprocess) and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonlines

PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class CrawlResult:
    returncode: int
    log: str
    records: list[dict[str, Any]]
    rejects: list[dict[str, Any]]
    summary: dict[str, Any]
    feed: Path | None
    seconds: float
    out_dir: Path = field(repr=False)

    def by_url(self) -> dict[str, dict[str, Any]]:
        return {r["url"]: r for r in self.records}


def _read_jsonl(path: Path | None) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    # jsonlines fails loudly, naming the line, on a partial or malformed line.
    with jsonlines.open(path) as reader:
        return list(reader.iter(type=dict, skip_empty=True))


def run_crawl(
    base_url: str,
    out_dir: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    edition: str = "en",
    timeout: float = 300,
) -> CrawlResult:
    """Crawl ``base_url`` with the real spider; ``args`` are extra ``-a name=value`` pairs."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"edition={edition}"]
    if base_url:
        cmd += ["-a", f"base_url={base_url}"]
    for arg in args:
        cmd += ["-a", arg]
    merged = {"NEWSCRAWL_PROFILE": "replica", "NEWSCRAWL_OUTPUT_DIR": str(out_dir)}
    merged.update(settings or {})
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    started = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    seconds = time.monotonic() - started
    summaries = sorted(out_dir.glob("almayadeen/*/*.summary.json"))
    summary: dict[str, Any] = json.loads(summaries[-1].read_text("utf-8")) if summaries else {}
    feed = Path(summary["feed"]) if summary.get("feed") else None
    rejects_file = Path(summary["rejects_file"]) if summary.get("rejects_file") else None
    return CrawlResult(
        returncode=proc.returncode,
        log=proc.stderr,
        records=_read_jsonl(feed),
        rejects=_read_jsonl(rejects_file),
        summary=summary,
        feed=feed,
        seconds=seconds,
        out_dir=out_dir,
    )


@dataclass
class Score:
    """How a crawl's records compare with the replica's truth, field by field."""

    expected: int
    found: int
    missing: list[str]
    unexpected: list[str]
    duplicates: list[str]
    values: int
    equal: int
    misses: list[tuple[str, str, Any, Any]]

    @property
    def accuracy(self) -> float:
        return self.equal / self.values if self.values else 0.0

    def report(self, limit: int = 40) -> str:
        lines = [
            f"articles: {self.found}/{self.expected} found, {len(self.missing)} missing, "
            f"{len(self.unexpected)} unexpected, {len(self.duplicates)} duplicated",
            f"field values: {self.equal}/{self.values} equal ({self.accuracy:.4%})",
        ]
        lines += [f"  missing: {url}" for url in self.missing[:limit]]
        lines += [f"  unexpected: {url}" for url in self.unexpected[:limit]]
        for url, name, got, want in self.misses[:limit]:
            lines.append(
                f"  miss {name} @ {url}\n      got:  {got!r:.300}\n      want: {want!r:.300}"
            )
        return "\n".join(lines)


def score(
    records: list[dict[str, Any]],
    truth: list[dict[str, Any]],
    keep: Any = None,
) -> Score:
    """Compare ``records`` with the truth lines (``keep(line)`` selects the expected ones;
    by default the reachable ones)."""
    select = keep or (lambda line: line.get("reachable", True))
    expected = {line["record"]["url"]: line["record"] for line in truth if select(line)}
    counts: dict[str, int] = {}
    for record in records:
        counts[record["url"]] = counts.get(record["url"], 0) + 1
    got = {r["url"]: r for r in records}
    values = equal = 0
    misses: list[tuple[str, str, Any, Any]] = []
    for url, want in expected.items():
        if url not in got:
            continue
        for name, value in want.items():
            values += 1
            if got[url].get(name) == value:
                equal += 1
            else:
                misses.append((url, name, got[url].get(name), value))
    return Score(
        expected=len(expected),
        found=len(set(expected) & set(got)),
        missing=sorted(set(expected) - set(got)),
        unexpected=sorted(set(got) - set(expected)),
        duplicates=sorted(u for u, n in counts.items() if n > 1),
        values=values,
        equal=equal,
        misses=misses,
    )
