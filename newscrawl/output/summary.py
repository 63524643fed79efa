"""The run summary: what a crawl found, dropped and failed on, logged at the end and saved as
JSON beside the feed (``…summary.json``, replaced atomically).

Articles are counted by content type and section as they reach the feed; rejects, duplicates
and listing stops come from the pipelines' and the spider's ``newscrawl/…`` stats; failed
requests are counted by kind (HTTP status, timeout, too large, robots.txt, off-site, redirect
limit, …) by the spider's errback through ``newscrawl.discovery.failures.failure_kind``.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.output.feeds import write_text_atomic
from newscrawl.output.runfiles import RUN_FEED, RUN_REJECTS, RUN_SUMMARY

logger = logging.getLogger(__name__)


def _prefixed(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}


class RunSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.by_type: Counter[str] = Counter()
        self.by_section: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        self.by_type[adapter.get("content_type") or "(unknown)"] += 1
        self.by_section[adapter.get("section") or "(no section)"] += 1

    def build(self, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
        settings = self.crawler.settings
        start = stats.get("start_time")
        finish = stats.get("finish_time")
        elapsed = (
            (finish - start).total_seconds()
            if isinstance(start, datetime) and isinstance(finish, datetime)
            else stats.get("elapsed_time_seconds")
        )
        return {
            "finish_reason": reason,
            "feed": settings.get(RUN_FEED),
            # Named only when there is one: a run that rejected nothing writes no rejects file.
            "rejects_file": _existing(settings.get(RUN_REJECTS)),
            "articles": sum(self.by_type.values()),
            "by_type": dict(self.by_type.most_common()),
            "by_section": dict(self.by_section.most_common()),
            "rejects": stats.get("newscrawl/rejects", 0),
            "rejects_by_reason": _prefixed(stats, "newscrawl/rejects/"),
            "duplicates": stats.get("newscrawl/duplicates", 0),
            "duplicates_by_key": _prefixed(stats, "newscrawl/duplicates/"),
            "errors": _prefixed(stats, "newscrawl/errors/"),
            "retries": _prefixed(stats, "retry/reason_count/"),
            "waits": {
                "retry_after": stats.get("newscrawl/retry_after/waits", 0),
                "retry_after_seconds": stats.get("newscrawl/retry_after/seconds", 0),
                "crawl_delay_seconds": stats.get("newscrawl/crawl_delay"),
            },
            "links_not_followed": _prefixed(stats, "newscrawl/links/"),
            "filtered": _prefixed(stats, "newscrawl/filtered/"),
            "disagreements": _prefixed(stats, "newscrawl/extract/disagree/"),
            "listing_stops": _prefixed(stats, "newscrawl/listing_stop/"),
            "pages": {
                "listing": stats.get("newscrawl/listing_pages", 0),
                "listing_api": stats.get("newscrawl/listing_api_pages", 0),
                "sitemap": stats.get("newscrawl/sitemaps", 0),
                "sitemap_index": stats.get("newscrawl/sitemap_indexes", 0),
                "feed": stats.get("newscrawl/feeds", 0),
            },
            "requests": stats.get("downloader/request_count", 0),
            # Where requests were downloaded: Scrapy's HTTP handler or Chromium (newscrawl.browser).
            "requests_by_handler": {
                "plain": stats.get("newscrawl/requests/plain", 0),
                "browser": stats.get("newscrawl/requests/browser", 0),
            },
            "challenges": _prefixed(stats, "newscrawl/challenge/"),
            "responses": stats.get("downloader/response_count", 0),
            "response_bytes": stats.get("downloader/response_bytes", 0),
            "status_counts": _prefixed(stats, "downloader/response_status_count/"),
            "dupefilter_filtered": stats.get("dupefilter/filtered", 0),
            # The web archive (-s NEWSCRAWL_ARCHIVE=warc): pages kept, bytes, files published.
            "archive": _prefixed(stats, "newscrawl/archive/"),
            "elapsed_seconds": round(float(elapsed or 0.0), 2),
            "max_memory_bytes": stats.get("memusage/max"),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        summary = self.build(reason)
        logger.info("Run summary:\n%s", format_summary(summary))
        path = self.crawler.settings.get(RUN_SUMMARY)
        if path:
            write_text_atomic(Path(path), json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def _existing(path: str | None) -> str | None:
    return path if path and Path(path).exists() else None


def _line(name: str, counts: dict[str, Any]) -> str:
    if not counts:
        return f"  {name}: none"
    return f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items())


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as the log shows it: one line per part."""
    lines = [
        f"  finished: {summary['finish_reason']} in {summary['elapsed_seconds']}s, "
        f"{summary['requests']} requests, {summary['response_bytes']} bytes",
        f"  articles: {summary['articles']}",
        _line("by type", summary["by_type"]),
        _line("by section", summary["by_section"]),
        f"  rejects: {summary['rejects']}"
        + "".join(f"; {k} {v}" for k, v in summary["rejects_by_reason"].items()),
        f"  duplicates dropped: {summary['duplicates']}",
        _line("downloaded by", summary.get("requests_by_handler", {})),
        _line("challenges", summary.get("challenges", {})),
        _line("errors", summary["errors"]),
        _line("retries", summary["retries"]),
        _line("waits", {k: v for k, v in summary.get("waits", {}).items() if v}),
        _line("links not followed", summary["links_not_followed"]),
        _line("filtered", summary["filtered"]),
        _line("listing stops", summary["listing_stops"]),
        _line("web archive", summary.get("archive", {})),
        f"  feed: {summary['feed'] or '(as given by -o/-O)'}",
        f"  rejects file: {summary['rejects_file'] or 'none (nothing rejected)'}",
    ]
    return "\n".join(lines)
