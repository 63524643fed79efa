"""Keep Python's cyclic garbage collector off the objects a crawl builds before it starts.

By the time the spider opens, the process holds some 150,000 container objects (modules,
classes, Scrapy's and lxml's machinery, settings) that live as long as the crawl. Each full
collection walks all of them again; measured on the replica profile, collections took most of
a crawler's time (``docs/performance.md``). ``gc.freeze()`` moves them to a permanent
generation once, when the spider opens, so collections walk only what the crawl itself creates
(``NEWSCRAWL_GC_FREEZE``, on by default).
"""

from __future__ import annotations

import gc
import logging
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.components import disabled
from newscrawl.config import crawl_settings

logger = logging.getLogger(__name__)


class FreezeStartupObjects:
    """Scrapy extension: ``gc.collect()`` then ``gc.freeze()`` when the spider opens."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawl_settings(crawler.settings).gc_freeze:
            raise disabled(cls, "NEWSCRAWL_GC_FREEZE is off")
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        gc.collect()
        gc.freeze()
        logger.debug("%d objects kept out of garbage collection", gc.get_freeze_count())

    def spider_closed(self, spider: Spider) -> None:
        gc.unfreeze()
