"""The run's outcome for schedulers: one summary line in the log and ``X.stats.json`` beside the
feed ``X.jsonl`` (the run's stem, settled before the feed opened; replaced atomically).

Written when the engine stops, after the feed is published and the state closed, so the file
says what actually reached the feed. Keys (all present in every file) are defined in
``docs/scheduling.md`` ("Run stats"); in short: ``mode``, ``finish_reason``, ``complete``,
``new``, ``updated``, ``repeated``, ``not_written``, ``unchanged_skipped``,
``unchanged_fetched``, ``pages_fetched``, ``rejects``, ``errors`` (the sum of
``errors_by_kind``), ``errors_by_kind``, ``high_water_mark`` (after the run), ``state_dir``,
``feeds``, ``recovered_feeds``, ``started_at``, ``finished_at``, ``elapsed_seconds``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.monitors.checks import RunFigures
from newscrawl.output.delivery import DELIVERED_STAT, EXIT_STAT, FEEDS_STAT, NOT_WRITTEN_STAT
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
        errors_by_kind = {
            key.removeprefix("newscrawl/errors/"): value
            for key, value in sorted(stats.items())
            if key.startswith("newscrawl/errors/")
        }
        return {
            "mode": self.session.mode.value if self.session else None,
            "finish_reason": self.reason,
            "complete": self.reason == "finished",
            **self.written(stats),
            "not_written": stats.get(NOT_WRITTEN_STAT, 0),
            "unchanged_skipped": policy.seen_unchanged_count if policy else 0,
            "unchanged_fetched": unchanged_fetched,
            "pages_fetched": stats.get("response_received_count", 0),
            "rejects": stats.get("newscrawl/rejects", 0),
            "errors": sum(errors_by_kind.values()),
            "errors_by_kind": errors_by_kind,
            "exceptions": RunFigures.from_stats(stats, "").raised,
            "high_water_mark": self.session.high_water_after if self.session else None,
            "state_dir": str(self.session.dir) if self.session else None,
            "feeds": (
                [str(path) for path in self.session.feeds]
                if self.session
                else list(stats.get(FEEDS_STAT, []))
            ),
            "recovered_feeds": [
                str(report.path) for report in (self.session.recovered if self.session else [])
            ],
            "started_at": _iso(start),
            "finished_at": _iso(finish),
            "elapsed_seconds": round(elapsed, 3) if elapsed is not None else None,
        }

    def written(self, stats: dict[str, Any]) -> dict[str, int]:
        """``new``, ``updated`` and ``repeated``: records that reached the feed, by kind."""
        session = self.session
        if session is not None and session.feed_key is not None:
            # The job's JSON Lines feed: the lines the state absorbed from disk.
            absorbed = sum(r.absorbed for r in session.published)
            new = sum(r.absorbed_new for r in session.published)
            repeated = sum(r.repeated for r in session.published)
            return {"new": new, "updated": absorbed - new, "repeated": repeated}
        if stats.get(EXIT_STAT) is not None:
            return {"new": 0, "updated": 0, "repeated": 0}  # not all delivered: none counted
        if session is not None:  # no local feed (stdout, remote): what the feeds took
            return {
                key: stats.get(f"{STAT_PREFIX}/{key}", 0) for key in ("new", "updated", "repeated")
            }
        # No crawl state: every record the feeds hold is new to them.
        delivered = stats.get(DELIVERED_STAT, stats.get("item_scraped_count", 0))
        return {"new": delivered, "updated": 0, "repeated": 0}

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
            "Run stats: %s run %s: %d new, %d updated, %d repeated, %d not written, "
            "%d unchanged skipped, %d pages fetched, %d rejects, %d errors%s",
            summary["mode"] or "stateless",
            summary["finish_reason"],
            summary["new"],
            summary["updated"],
            summary["repeated"],
            summary["not_written"],
            summary["unchanged_skipped"],
            summary["pages_fetched"],
            summary["rejects"],
            summary["errors"],
            f"; stats in {target}" if target else "",
        )
        if summary["not_written"] and self.session is None:
            logger.error(
                "This run kept no crawl state: run it again once the output is fixed to write "
                "the %d records that are missing",
                summary["not_written"],
            )
        if target is not None:
            write_text_atomic(target, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def _iso(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
