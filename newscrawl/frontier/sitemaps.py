"""One monthly sitemap at a time: its own download slot, one request at a time.

Articles go before sitemaps (request priorities), so a back-fill reads the next months'
sitemaps whenever the articles it knows of run out, and then all the free download slots take
a sitemap at once: up to ``CONCURRENT_REQUESTS`` sitemaps of thousands of entries each come back
together, and while their entries become requests (tens of thousands at a time), the crawler
holds them all in memory and fetches nothing (measured: a 100,000-article back-fill stalled for
minutes at each such wave and its RSS rose by 50 MB; ``docs/performance.md``).

:class:`SitemapSlotMiddleware` gives the requests for sitemaps (``meta[LINK_KIND]`` is
``sitemap``) the download slot ``NEWSCRAWL_SITEMAP_SLOT``, whose concurrency is 1
(``DOWNLOAD_SLOTS``): sitemaps are read one after the other, beside the article downloads, and
their entries go to the request queue on disk a sitemap at a time. On the live site this is at
most one request to the host beside those of its own slot, which keeps its delay.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, Self

from scrapy import Request
from scrapy.core.downloader import Downloader
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.discovery.meta import LINK_KIND, LinkKind

#: The download slot of sitemap requests (its settings: ``DOWNLOAD_SLOTS``).
SITEMAP_SLOT = "newscrawl-sitemaps"


class SitemapSlotMiddleware:
    """Spider middleware: see the module doc."""

    def __init__(self, slot: str) -> None:
        self.slot = slot

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        slot = crawl_settings(crawler.settings).sitemap_slot
        if not slot:
            raise disabled(cls, "NEWSCRAWL_SITEMAP_SLOT is empty")
        return cls(str(slot))

    def _slotted(self, entry: Any) -> Any:
        if isinstance(entry, Request) and entry.meta.get(LINK_KIND) == LinkKind.SITEMAP:
            entry.meta.setdefault(Downloader.DOWNLOAD_SLOT, self.slot)
        return entry

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for entry in result:
            yield self._slotted(entry)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            yield self._slotted(entry)
