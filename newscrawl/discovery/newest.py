"""A capped run (``max_articles``) fetches the newest articles of the selection first, and no
link that can only lead to older ones than the newest ``max_articles`` it already holds.

Which records a capped run emits is decided by :mod:`newscrawl.output.cap`: exactly the newest N
of the selection, whatever order pages arrive in. This middleware keeps what that costs small:

- Listings show the newest articles first, and their article requests go before further
  listing pages. Monthly sitemaps list old months as well as new: in a capped run the sitemaps
  and the article requests they give (which carry its ``lastmod``) wait behind the listings,
  newest first by their month or that date.
- Once the run holds N records, the date of the N-th newest is the *bar*
  (:class:`NewestBar`, set by the cap's pipeline). A link that can only lead to articles
  published before it is not followed: an article whose card, RSS item or sitemap ``lastmod``
  (the modification time: at or after publication) is older, a monthly sitemap of an older
  month, a listing's next page once every card of the page is older (listings are newest
  first). A link at the bar's own time is followed: ties are broken by URL.
- The tag and author listings article pages link are not followed: every article is on its
  section's listing and in a sitemap, and what those listings add is mostly old.

What it leaves out is counted as ``newscrawl/filtered/max_articles``.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.dates import as_utc, month_span
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.meta import (
    LINK_DATE,
    LINK_KIND,
    LINK_LASTMOD,
    LINK_URL,
    LISTING_CARDS,
    LinkKind,
)
from newscrawl.pages.listing import SitemapPage

#: Below every listing page (priority 0 and up), by one step per day of age.
PRIORITY_SITEMAP_ARTICLE = -1
PRIORITY_UNDATED = PRIORITY_SITEMAP_ARTICLE - 1_000_000

FILTERED_STAT = "newscrawl/filtered/max_articles"


@dataclass
class NewestBar:
    """The publication time of the N-th newest record a capped run holds (``None`` until it
    holds N): nothing published before it can be among the newest N."""

    moment: datetime | None = None

    def excludes(self, request: Request) -> bool:
        """Whether ``request`` can only lead to articles published before the bar."""
        if self.moment is None:
            return False
        kind = request.meta.get(LINK_KIND)
        if kind == LinkKind.ARTICLE:
            latest = request.meta.get(LINK_DATE) or request.meta.get(LINK_LASTMOD)
            return isinstance(latest, datetime) and as_utc(latest) < self.moment
        if kind == LinkKind.SITEMAP:
            end = _month_end(request)
            return end is not None and end < self.moment
        if kind == LinkKind.NEXT_PAGE:
            cards = request.meta.get(LISTING_CARDS) or []
            # Newest first: what follows a card was published at or before it.
            return bool(cards) and all(
                isinstance(when, datetime) and as_utc(when) < self.moment for _, when in cards
            )
        return False


_BARS: weakref.WeakKeyDictionary[Crawler, NewestBar] = weakref.WeakKeyDictionary()


def bar_for(crawler: Crawler) -> NewestBar:
    """The capped run's bar, shared by this middleware and the cap's pipeline."""
    return _BARS.setdefault(crawler, NewestBar())


def _month_end(request: Request) -> datetime | None:
    """The last instant of a monthly sitemap's month; ``None`` for any other sitemap."""
    month = SitemapPage.month_of(request.meta.get(LINK_URL) or request.url)
    if month is None:
        return None
    return month_span(*month)[1] - timedelta(microseconds=1)


def _age_days(moment: datetime) -> int:
    return max((datetime.now(UTC) - as_utc(moment)).days, 0)


class NewestFirstMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.bar = bar_for(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not CrawlArgs.from_settings(crawler.settings).max_articles:
            raise disabled(cls, "no max_articles")
        return cls(crawler)

    def judge(self, entry: Any) -> Any | None:
        """``entry`` as it is to be scheduled, or ``None`` when it is not followed."""
        if not isinstance(entry, Request):
            return entry
        if entry.meta.get(LINK_KIND) == LinkKind.ARTICLE_LISTING or self.bar.excludes(entry):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(FILTERED_STAT)
            return None
        return self.reorder(entry)

    @staticmethod
    def reorder(entry: Request) -> Request:
        kind = entry.meta.get(LINK_KIND)
        if kind == LinkKind.SITEMAP:
            end = _month_end(entry)
            if end is None:
                return entry  # the index, or a sitemap robots.txt names
            return entry.replace(priority=PRIORITY_SITEMAP_ARTICLE - _age_days(end))
        if kind != LinkKind.ARTICLE or LINK_LASTMOD not in entry.meta:
            return entry  # a listing card or an RSS item: newest first already
        when = entry.meta[LINK_LASTMOD]
        if not isinstance(when, datetime):
            return entry.replace(priority=PRIORITY_UNDATED)
        return entry.replace(priority=PRIORITY_SITEMAP_ARTICLE - _age_days(when))

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return (kept for entry in result if (kept := self.judge(entry)) is not None)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            if (kept := self.judge(entry)) is not None:
                yield kept
