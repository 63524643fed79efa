"""The crawl's scope (date window, sections) applied to what the spider yields.

A spider middleware in the manner of Scrapy's ``DepthMiddleware``: it reads the scope from the
settings (``NEWSCRAWL_SINCE``, ``NEWSCRAWL_UNTIL``, ``NEWSCRAWL_SECTIONS``, copied there from
the spider's arguments) and judges each request by its meta (:mod:`newscrawl.discovery.meta`)
and each item by its own date and URL, all through the one check :meth:`Scope.excludes`:

- an article link: the date its page gave (a card's or RSS item's publication time; a
  sitemap's modification time bounds the publication from above) and its section;
- a monthly sitemap: its month;
- a listing's next page: not once every card of the page is older than ``since`` (listings
  are newest first);
- an item: its ``date_published``, exactly, and its section (canonical or fetched path).

What it drops is counted in the run's stats (``newscrawl/filtered/…``,
``newscrawl/listing_stop/before_since``) and reported by the run summary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import timedelta
from typing import Any, Self
from urllib.parse import urlsplit

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.dates import month_span, parse_iso
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.classify import site_path
from newscrawl.discovery.meta import (
    LINK_DATE,
    LINK_KIND,
    LINK_LASTMOD,
    LINK_URL,
    LISTING_CARDS,
    LinkKind,
)
from newscrawl.pages.listing import SitemapPage


class ScopeMiddleware:
    def __init__(self, crawler: Crawler, args: CrawlArgs) -> None:
        self.crawler = crawler
        self.scope = args.scope
        self.site = args.site

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        args = CrawlArgs.from_settings(crawler.settings)
        if not args.scope.limited:
            raise disabled(cls, "no date window and no sections")
        return cls(crawler, args)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}")

    def judge(self, entry: Any) -> bool:
        """Whether ``entry`` (a request or an item) is kept."""
        if isinstance(entry, Request):
            return self._judge_request(entry)
        if is_item(entry):
            return self._judge_item(ItemAdapter(entry))
        return True

    def _judge_request(self, request: Request) -> bool:
        kind = request.meta.get(LINK_KIND)
        if kind == LinkKind.ARTICLE:
            url = request.meta.get(LINK_URL) or request.url
            date = request.meta.get(LINK_DATE)
            latest = date or request.meta.get(LINK_LASTMOD)
            outside = self.scope.excludes(
                site_path(url, self.site) or "/", earliest=date, latest=latest
            )
            if outside:
                self._count(f"filtered/{outside}")
                return False
        elif kind == LinkKind.SITEMAP:
            month = SitemapPage.month_of(request.meta.get(LINK_URL) or request.url)
            if month is not None:
                start, end = month_span(*month)
                last = end - timedelta(microseconds=1)
                if self.scope.excludes(earliest=start, latest=last):
                    self._count("filtered/sitemap_outside_window")
                    return False
        elif kind == LinkKind.NEXT_PAGE:
            cards = request.meta.get(LISTING_CARDS) or []
            # Newest first: what follows a card was published at or before it.
            if cards and all(
                when is not None and self.scope.excludes(latest=when) for _, when in cards
            ):
                self._count("listing_stop/before_since")
                return False
        return True

    def _judge_item(self, item: ItemAdapter) -> bool:
        published = parse_iso(item.get("date_published"))
        if self.scope.excludes(earliest=published, latest=published, exact=True):
            self._count("filtered/window")
            return False
        if self.scope.sections:
            fetched = site_path(item.get("fetched_url") or "", self.site)
            canonical = urlsplit(item.get("url") or "").path or fetched or "/"
            if self.scope.excludes(canonical) and self.scope.excludes(fetched or ""):
                self._count("filtered/section")
                return False
        return True

    def _keeps(self, entry: Any, state: list[bool]) -> bool:
        # An article outside the scope does not lead on to the listings it links.
        if state[0] and isinstance(entry, Request):
            return entry.meta.get(LINK_KIND) != LinkKind.ARTICLE_LISTING and self.judge(entry)
        kept = self.judge(entry)
        if not kept and not isinstance(entry, Request):
            state[0] = True
        return kept

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        state = [False]
        return (entry for entry in result if self._keeps(entry, state))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        state = [False]
        async for entry in result:
            if self._keeps(entry, state):
                yield entry
