"""The run's outcome for schedulers: one summary line in the log and ``X.stats.json`` beside the
feed ``X.jsonl`` (the run's stem, settled before the feed opened; replaced atomically).

Written when the engine stops, after the feed is published and the state closed, so the file
says what actually reached the feed. Keys (all present in every file):

``mode``, ``finish_reason``, ``complete`` (the run ran to its end), ``new``, ``updated``,
``unchanged_skipped`` (known articles not emitted: seen unchanged in a sitemap or a listing
without a fetch, or fetched and found unchanged), ``unchanged_fetched`` (the second kind),
``pages_fetched`` (responses received), ``rejects``, ``errors`` (error log lines),
``errors_by_kind``, ``high_water_mark`` (the one this run started from), ``state_dir``, ``feeds``
(the files this run published), ``recovered_feeds`` (feeds of an interrupted run this run
finished), ``started_at``, ``finished_at``, ``elapsed_seconds``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.output.feeds import write_text_atomic
from newscrawl.output.runfiles import RUN_FEED, RUN_STATS, RUN_SUMMARY
from newscrawl.output.versioning import STAT_PREFIX
from newscrawl.state.session import CrawlSession, session_for

logger = logging.getLogger(__name__)


def stats_path(beside: Path) -> Path:
    """``X.stats.json`` for the feed ``X.jsonl`` (or the summary ``X.summary.json``)."""
    name = beside.name
    for suffix in (".part", ".jsonl", ".summary.json"):
        name = name.removesuffix(suffix)
    return beside.with_name(f"{name}.stats.json")


class RunStats:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.session: CrawlSession | None = None
        self.reason = "unknown"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.session = session_for(self.crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def build(self) -> dict[str, Any]:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        policy = self.session.policy if self.session else None
        unchanged_fetched = stats.get(f"{STAT_PREFIX}/unchanged", 0)
        start, finish = stats.get("start_time"), stats.get("finish_time")
        elapsed = (finish - start).total_seconds() if start and finish else None
        return {
            "mode": self.session.mode.value if self.session else None,
            "finish_reason": self.reason,
            "complete": self.reason == "finished",
            "new": stats.get(f"{STAT_PREFIX}/new", 0),
            "updated": stats.get(f"{STAT_PREFIX}/updated", 0),
            "unchanged_skipped": policy.seen_unchanged_count if policy else 0,
            "unchanged_fetched": unchanged_fetched,
            "pages_fetched": stats.get("response_received_count", 0),
            "rejects": stats.get("newscrawl/rejects", 0),
            "errors": stats.get("log_count/ERROR", 0),
            "errors_by_kind": {
                key.removeprefix("newscrawl/errors/"): value
                for key, value in sorted(stats.items())
                if key.startswith("newscrawl/errors/")
            },
            "high_water_mark": _iso(policy.high_water) if policy else None,
            "state_dir": str(self.session.dir) if self.session else None,
            "feeds": [str(path) for path in (self.session.feeds if self.session else [])],
            "recovered_feeds": [
                str(report.path) for report in (self.session.recovered if self.session else [])
            ],
            "started_at": _iso(start),
            "finished_at": _iso(finish),
            "elapsed_seconds": round(elapsed, 3) if elapsed is not None else None,
        }

    def target(self) -> Path | None:
        settings = self.crawler.settings
        if not settings.get(RUN_FEED) and self.session and self.session.feeds:
            # A templated feed (-o 'out/%(time)s.jsonl') named itself when it opened.
            return stats_path(self.session.feeds[0])
        if settings.get(RUN_STATS):  # the run's settled stem (newscrawl.output.runfiles)
            return Path(settings[RUN_STATS])
        beside = settings.get(RUN_FEED) or settings.get(RUN_SUMMARY)
        return stats_path(Path(beside)) if beside else None

    def engine_stopped(self) -> None:
        summary = self.build()
        target = self.target()
        logger.info(
            "Run stats: %s run %s: %d new, %d updated, %d unchanged skipped, %d pages fetched, "
            "%d rejects, %d errors%s",
            summary["mode"] or "stateless",
            summary["finish_reason"],
            summary["new"],
            summary["updated"],
            summary["unchanged_skipped"],
            summary["pages_fetched"],
            summary["rejects"],
            summary["errors"],
            f"; stats in {target}" if target else "",
        )
        if target is not None:
            write_text_atomic(target, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def _iso(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
