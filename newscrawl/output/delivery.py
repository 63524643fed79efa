"""Did every record reach every feed? The run's account of its output, and exit status 5.

Scrapy's feed exporter logs a feed that fails to store and goes on; a line that cannot be
written (a disk that fills) or a feed that cannot be opened loses records with nothing but log
lines to show for it. This extension counts, for each feed, the records the run handed to the
feed exporter against the lines that reached the feed:

- a local feed (:class:`newscrawl.output.feeds.AtomicFileFeedStorage`) counts its lines on
  disk and the lines it could not write (a failed line is cut off the file, so the file holds
  whole lines);
- any other storage (stdout, a remote one) delivered all of its records or, when storing
  failed, none.

A feed whose lines are all on disk but whose ``.part`` file could not take its name (``-O`` names
a directory, say) is a failed output too: the run says where the lines are, and loses none.

When a feed misses records, the run logs how many and which file holds the others, sets
``newscrawl/output/not_written`` and ``newscrawl/exit/output_failed`` = 5 in the crawler stats
(the ``scrapy crawl`` exit status, :mod:`newscrawl.monitors.exit`). The crawl state, which
learns only from lines on disk, says what the next run will fetch again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.monitors.exit import EXIT_PREFIX, ExitStatus, record_exit
from newscrawl.output.feeds import AtomicFileFeedStorage

logger = logging.getLogger(__name__)

#: The exit reason this component records (``newscrawl.monitors.exit``).
EXIT_REASON = "output_failed"
EXIT_STAT = f"{EXIT_PREFIX}{EXIT_REASON}"
NOT_WRITTEN_STAT = "newscrawl/output/not_written"
DELIVERED_STAT = "newscrawl/output/delivered"
#: Lines written whole to a feed's ``.part`` file that could not take the feed's name.
UNPUBLISHED_STAT = "newscrawl/output/unpublished"
#: The local feed files the run published (a list).
FEEDS_STAT = "newscrawl/output/feeds"


@dataclass
class FeedAccount:
    uri: str
    written: int
    failed: int
    where: str | None
    error: str | None
    local: bool = False
    #: The lines are whole in this ``.part`` file, which could not take the feed's name.
    unpublished: str | None = None
    #: The crawl state keeps account of this feed (it learnt its lines).
    ledger: bool = False


class Delivery:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        #: One account per feed (``FEEDS`` entry), summed over the files a long run publishes
        #: it in (:mod:`newscrawl.output.rotation`).
        self.by_feed: dict[str, FeedAccount] = {}
        #: The local files published, in order.
        self.published: list[str] = []
        self._failed_seen: dict[str, int] = {}

    @property
    def accounts(self) -> list[FeedAccount]:
        return list(self.by_feed.values())

    def _account(self, template: str, account: FeedAccount) -> None:
        if account.local and account.where:
            self.published.append(account.where)
        known = self.by_feed.get(template)
        if known is None:
            self.by_feed[template] = account
            return
        known.written += account.written
        known.failed += account.failed
        known.error = known.error or account.error
        known.where = account.where or known.where

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return ext

    def _scraped(self) -> int:
        assert self.crawler.stats is not None
        return int(self.crawler.stats.get_value("item_scraped_count", 0))

    def feed_slot_closed(self, slot: Any) -> None:
        storage = slot.storage
        if isinstance(storage, AtomicFileFeedStorage) and storage.file is not None:
            file = storage.file
            stored = file.opened and not self._store_failed(storage)
            if storage.unpublished is not None:
                not_published = storage.unpublished
                self._account(
                    slot.uri_template,
                    FeedAccount(slot.uri, file.written, file.failed, str(not_published.part),
                                str(not_published.error), local=True,
                                unpublished=str(not_published.part),
                                ledger=storage.ledger is not None),
                )  # fmt: skip
                return
            self._account(
                slot.uri_template,
                FeedAccount(
                    uri=slot.uri,
                    written=file.written if stored else 0,
                    failed=file.failed,
                    where=str(storage.final)
                    if stored and storage.final and storage.final.exists()
                    else None,
                    error=str(file.error) if file.error else None,
                    local=True,
                ),
            )
            return
        if self._store_failed(storage):
            account = FeedAccount(slot.uri, 0, slot.itemcount, None, "storing failed")
        else:
            account = FeedAccount(slot.uri, slot.itemcount, 0, slot.uri, None)
        self._account(slot.uri_template, account)

    def _store_failed(self, storage: Any) -> bool:
        """Whether storing this slot failed: Scrapy counts the failure just before it signals."""
        assert self.crawler.stats is not None
        key = f"feedexport/failed_count/{type(storage).__name__}"
        count = int(self.crawler.stats.get_value(key, 0))
        failed = count > self._failed_seen.get(key, 0)
        self._failed_seen[key] = count
        return failed

    def feed_exporter_closed(self) -> None:
        stats = self.crawler.stats
        assert stats is not None
        scraped = self._scraped()
        delivered = min((a.written for a in self.accounts), default=scraped)
        stats.set_value(DELIVERED_STAT, delivered)
        stats.set_value(FEEDS_STAT, self.published)
        lost = 0
        unpublished = [a for a in self.accounts if a.unpublished]
        for account in self.accounts:
            missing = max(scraped - account.written, 0)
            if account.unpublished:
                logger.error(
                    "Output failed: the feed could not be published at %s (%s). Its %d lines "
                    "are whole in %s: move that file where it belongs%s.%s",
                    account.uri,
                    account.error,
                    account.written,
                    account.unpublished,
                    " (the crawl state knows them; if it is still there, the next run of this "
                    "job publishes it under a free name beside it)"
                    if account.ledger
                    else "",
                    f" {missing} of the {scraped} records are not in it." if missing else "",
                )
                lost = max(lost, missing)
                continue
            if not missing:
                continue
            lost = max(lost, missing)
            logger.error(
                "Output failed: %d of %d records were not written to %s (%s). %s",
                missing,
                scraped,
                account.uri,
                account.error or "see the errors above",
                f"The {account.written} written are in {account.where}."
                if account.where
                else "None of them reached it.",
            )
        if lost:
            stats.set_value(NOT_WRITTEN_STAT, lost)
        if unpublished:
            stats.set_value(UNPUBLISHED_STAT, sum(a.written for a in unpublished))
        if lost or unpublished:
            record_exit(stats, EXIT_REASON, ExitStatus.OUTPUT_FAILED)
