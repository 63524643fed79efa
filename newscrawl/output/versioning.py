"""Emit an article only when it is new or changed, with its version number.

Runs after validation and de-duplication (rejects and duplicates never reach the state, and
nothing is versioned that is not kept) and asks the run's incremental policy:
a new article gets ``version`` 1, a changed one (new fingerprint or later modified time) the
next version, an unchanged one is dropped quietly and counted. Counts are in the stats as
``newscrawl/state/new``, ``…/updated`` and ``…/unchanged`` once the item is scraped (a later
pipeline may still drop it).
"""

from __future__ import annotations

from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.components import disabled
from newscrawl.state.policy import Change
from newscrawl.state.session import CrawlSession, policy_for, run_plan, session_for

STAT_PREFIX = "newscrawl/state"


class VersioningPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._changes: dict[int, Change] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        plan = run_plan(crawler)
        if plan.mode is None:
            raise disabled(cls, plan.reason)
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def process_item(self, item: Any) -> Any:
        policy = policy_for(self.crawler)
        if policy is None:
            raise RuntimeError("VersioningPipeline needs newscrawl.state.CrawlStateExtension")
        adapter = ItemAdapter(item)
        decision = policy.decide(adapter.asdict())
        if not decision.emit:
            self._count(Change.UNCHANGED)
            raise DropItem(f"unchanged since version {decision.version}", log_level="DEBUG")
        adapter["version"] = decision.version
        self._changes[id(item)] = decision.change
        return item

    def item_scraped(self, item: Any) -> None:
        change = self._changes.pop(id(item), None)
        session = session_for(self.crawler)
        if session is not None:
            _settle(session, item)
        if change is not None:
            self._count(change)
            if session is not None:
                session.note_scraped(ItemAdapter(item))

    def item_dropped(self, item: Any) -> None:
        self._changes.pop(id(item), None)
        session = session_for(self.crawler)
        if session is not None:
            _settle(session, item)

    def _count(self, change: Change) -> None:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"{STAT_PREFIX}/{change.value}")


def _settle(session: CrawlSession, item: Any) -> None:
    """The article request behind ``item`` came to an end, under any of its URLs."""
    if session.policy is None:
        return
    adapter = ItemAdapter(item)
    alternates = adapter.get("alternate_urls") or []
    session.policy.settled([adapter.get("url"), adapter.get("fetched_url"), *alternates])
