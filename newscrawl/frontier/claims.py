"""Every article once across the feeds of all workers.

The shared state (:mod:`newscrawl.state.redis_store`) decides: a record's version belongs to the
feed that absorbed it first. This pipeline applies it while the crawl runs:

- before a record is written: a version another worker's feed already holds is dropped (the
  request was leased again after its worker died, or two URLs led two workers to one article);
- after it is written (``item_scraped``, once the feed exporter has put the line in the file):
  the version is claimed for this worker's feed. A claim lost to another worker in the meantime
  leaves a line that publishing the feed drops as a duplicate.

A worker killed between writing a line and claiming it claims the line when its feed is
recovered, or drops it if another worker holds that version by then: either way the line is in
exactly one published feed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.frontier.connection import frontier_enabled
from newscrawl.state.redis_store import RedisCrawlState
from newscrawl.state.session import session_for

STAT_PREFIX = "newscrawl/frontier"


class ClaimPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not frontier_enabled(crawler.settings):
            raise NotConfigured
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        return pipeline

    def _target(self) -> tuple[RedisCrawlState, Path] | None:
        session = session_for(self.crawler)
        if session is None or not isinstance(session.state, RedisCrawlState) or not session.feeds:
            return None
        return session.state, session.feeds[0]

    def process_item(self, item: Any) -> Any:
        target = self._target()
        record = ItemAdapter(item)
        if target is not None and "version" in record and record.get("url"):
            state, feed = target
            if state.claimed_elsewhere(record, feed):
                self._count("claimed_elsewhere")
                raise DropItem(
                    f"version {record['version']} of {record['url']} is in another worker's feed",
                    log_level="DEBUG",
                )
        return item

    def item_scraped(self, item: Any) -> None:
        target = self._target()
        record = ItemAdapter(item)
        if target is None or "version" not in record or not record.get("url"):
            return
        state, feed = target
        if state.absorb(None, record.asdict(), feed=feed):
            self._count("claimed")
        else:
            self._count("claim_lost")  # the line is dropped when the feed is published

    def _count(self, name: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STAT_PREFIX}/{name}")
