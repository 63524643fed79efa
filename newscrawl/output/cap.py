"""The ``max_articles`` cap: a capped run emits exactly the newest N records of its selection.

Newest by ``date_published``, ties broken by URL (the smaller first), whatever order the pages
happen to arrive in. :class:`MaxArticlesPipeline` runs last, so only records that would reach
the feed take part (not rejects, duplicates or, in an incremental run, unchanged articles), and
it holds each record back until the crawl has nothing else left to do: then the newest N go on
to the feed, newest first, and the crawl ends with the finish reason ``max_articles``. A record
that falls out of the newest N on the way is dropped at once, so at most N + 1 are held.

A dropped record (``newscrawl/dropped/max_articles``) is not written and the crawl state does
not record it as known: a later run still finds it new. While the run goes on, the date of the
N-th newest record held is the bar below which :mod:`newscrawl.discovery.newest` follows no
link, so a capped run reads the listings' first pages and little else.

A held record must not hold its page: the page's body would stay in memory, and Scrapy stops
downloading once the pages being processed pass ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` (5 MB), which
N held article pages would reach. :class:`DetachedRecordsMiddleware`, the spider middleware
nearest the engine, sends each record to the pipelines on its own (Scrapy's
``Scraper.start_itemproc_async``, as for a record that comes from no response), so its page is
done with once its links are scheduled.

"Nothing else left to do" is the engine's own idle test less the records held here: no start
request, scheduled request, download or response left, and no item in the pipelines but these,
seen twice in a row (:data:`CHECK_EVERY` apart) with nothing moving in between. A run that is
stopped (a signal, a close from elsewhere) lets what it holds go the same way.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from itemadapter import ItemAdapter, is_item
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from newscrawl.components import disabled
from newscrawl.dates import parse_iso
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.newest import bar_for

logger = logging.getLogger(__name__)

DROPPED_STAT = "newscrawl/dropped/max_articles"
#: Seconds between two looks at whether the crawl has anything left to do but the held records.
CHECK_EVERY = 0.2


@dataclass(order=True)
class Held:
    #: Newest first, then by URL: ``(-published timestamp, url)``.
    rank: tuple[float, str]
    item: Any = field(compare=False)
    outcome: Deferred[Any] = field(compare=False, default_factory=Deferred)


def rank(item: Any) -> tuple[float, str]:
    """Where a record stands in a capped run: newest first, ties by URL (an undated record
    last)."""
    adapter = ItemAdapter(item)
    published = parse_iso(adapter.get("date_published"))
    return (-published.timestamp() if published else math.inf, str(adapter.get("url") or ""))


class MaxArticlesPipeline:
    """Keeps the newest ``max_articles`` records (``NEWSCRAWL_MAX_ARTICLES``)."""

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.bar = bar_for(crawler)
        #: The records held back, best first (at most ``limit``).
        self.held: list[Held] = []
        self.released = False
        self.emitted = 0
        self._last_look: tuple[int, ...] | None = None
        self._check = LoopingCall(self._look)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = CrawlArgs.from_settings(crawler.settings).max_articles
        if limit is None:
            raise disabled(cls, "no max_articles")
        pipeline = cls(crawler, limit)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self) -> None:
        self._check.start(CHECK_EVERY, now=False)

    def spider_closed(self) -> None:
        if self._check.running:
            self._check.stop()
        self._release()

    def spider_idle(self) -> None:
        if self.released and self.emitted >= self.limit:
            raise CloseSpider("max_articles")

    async def process_item(self, item: Any) -> Any:
        if self.released:  # the run is being stopped: what it still finishes goes by count
            if self.emitted >= self.limit:
                self._drop(item)
            self.emitted += 1
            return item
        held = Held(rank(item), item)
        bisect.insort(self.held, held)
        if len(self.held) > self.limit:
            self._dropped(self.held.pop())
        if len(self.held) >= self.limit:
            self.bar.moment = parse_iso(ItemAdapter(self.held[-1].item).get("date_published"))
        return await maybe_deferred_to_future(held.outcome)

    def _drop(self, item: Any) -> None:
        self.crawler.stats.inc_value(DROPPED_STAT)
        url = ItemAdapter(item).get("url")
        raise DropItem(f"not among the newest {self.limit}: {url}", log_level="DEBUG")

    def _dropped(self, held: Held) -> None:
        try:
            self._drop(held.item)
        except DropItem as exc:
            held.outcome.errback(exc)

    def _release(self) -> None:
        if self.released:
            return
        self.released = True
        held, self.held = self.held, []
        if held:
            logger.info("The newest %d records of the selection go to the feed", len(held))
        for entry in held:  # best first: the feed lists them newest first
            self.emitted += 1
            entry.outcome.callback(entry.item)

    # -- when the crawl has nothing else left to do ------------------------------------------

    def _look(self) -> None:
        engine = self.crawler.engine
        scraper = engine.scraper.slot if engine is not None else None
        slot = engine._slot if engine is not None else None
        if engine is None or scraper is None or slot is None or slot.closing is not None:
            self._check.stop()
            self._release()  # the crawl is closing: it waits for these records
            return
        idle = (
            engine._start is None
            and not engine.downloader.active
            and not scraper.queue
            and scraper.itemproc_size == len(self.held)
            and not slot.scheduler.has_pending_requests()
        )
        # What moves while the crawl works: pages downloaded, records held or dropped.
        look = (
            (
                len(self.held),
                len(scraper.active),
                int(self.crawler.stats.get_value("downloader/request_count", 0)),
                int(self.crawler.stats.get_value(DROPPED_STAT, 0)),
            )
            if idle
            else None
        )
        if look is not None and look == self._last_look:
            self._check.stop()
            self._release()
        self._last_look = look


class DetachedRecordsMiddleware:
    """Spider middleware of a capped run: each record goes to the item pipelines on its own, not
    as a part of its page's processing (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        #: Records on their way through the pipelines (a reference keeps each one running).
        self.pending: set[Deferred[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not CrawlArgs.from_settings(crawler.settings).max_articles:
            raise disabled(cls, "no max_articles")
        return cls(crawler)

    def detach(self, entry: Any) -> bool:
        """Send ``entry`` to the pipelines if it is a record; whether it was one."""
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        if not is_item(entry) or engine is None or slot is None:
            return False
        # Counted at once, as Scrapy counts a record start() yields: the engine never looks idle
        # between its page being done and the record reaching the pipelines.
        slot.itemproc_size += 1

        async def process() -> None:
            slot.itemproc_size -= 1  # start_itemproc_async counts it from here
            await engine.scraper.start_itemproc_async(entry, response=None)

        done = deferred_from_coro(process())
        self.pending.add(done)
        done.addBoth(self._finished, done)
        return True

    def _finished(self, result: Any, done: Deferred[None]) -> Any:
        self.pending.discard(done)
        return result

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return (entry for entry in result if not self.detach(entry))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            if not self.detach(entry):
                yield entry
