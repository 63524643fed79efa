"""A capped run (``max_articles``) takes the newest articles of the selection first.

Listings show the newest articles first, and their article requests go before further listing
pages; a monthly sitemap lists a month's articles, old months as well as new. Left as they are,
a capped run would fill its cap with whatever sitemap month answered first. In a capped run this
middleware moves the article requests a sitemap gave (they carry its ``lastmod``) behind the
listings, and orders them newest first by that date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.meta import LINK_KIND, LINK_LASTMOD, LinkKind

#: Below every listing page (priority 0 and up), by one step per day of age.
PRIORITY_SITEMAP_ARTICLE = -1
PRIORITY_UNDATED = PRIORITY_SITEMAP_ARTICLE - 1_000_000


class NewestFirstMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not CrawlArgs.from_settings(crawler.settings).max_articles:
            raise disabled(cls, "no max_articles")
        return cls()

    def reorder(self, entry: Any) -> Any:
        if not isinstance(entry, Request) or entry.meta.get(LINK_KIND) != LinkKind.ARTICLE:
            return entry
        if LINK_LASTMOD not in entry.meta:
            return entry  # a listing card or an RSS item: newest first already
        when = entry.meta[LINK_LASTMOD]
        if not isinstance(when, datetime):
            return entry.replace(priority=PRIORITY_UNDATED)
        moment = when if when.tzinfo else when.replace(tzinfo=UTC)
        age_days = max((datetime.now(UTC) - moment).days, 0)
        return entry.replace(priority=PRIORITY_SITEMAP_ARTICLE - age_days)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return (self.reorder(entry) for entry in result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            yield self.reorder(entry)
