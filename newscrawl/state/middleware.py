"""What an incremental run does not fetch, decided where the spider's requests pass.

A spider middleware in the manner of zyte-spider-templates' incremental middleware: "seen
before?" lives here, with the crawl state, and the spider is the same with or without it. It
asks the run's incremental policy (:mod:`newscrawl.state.policy`, opened by the
:class:`~newscrawl.state.session.CrawlStateExtension`) about each request the spider yields,
by its meta (:mod:`newscrawl.discovery.meta`):

- an article link: fetched when unknown, or when its sitemap ``<lastmod>`` is later than the
  stored modified time (``newscrawl/incremental/unchanged_not_fetched`` otherwise);
- a monthly sitemap: read when its ``<lastmod>`` in the index moved since the last complete
  run, or its month reaches the high-water mark (``newscrawl/incremental/sitemaps_not_read``);
- a listing's next page: not once its cards reach back past the high-water mark
  (``newscrawl/listing_stop/high_water``);
- the listings an article page links: not followed once a complete run set a high-water mark
  (what is new tops the section listings and the current months' sitemaps).

The spider's entries are judged in batches of :data:`BATCH`, whose article links the policy
reads from the state at once (one ``HMGET`` in Redis rather than one ``HGET`` a link).

A monthly sitemap whose response is a ``urlset`` is reported read, so that its ``<lastmod>``
becomes its mark when the run completes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import islice
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.discovery.meta import LINK_KIND, LINK_LASTMOD, LINK_URL, LISTING_CARDS, LinkKind
from newscrawl.pages.listing import SitemapPage
from newscrawl.state.policy import IncrementalPolicy
from newscrawl.state.session import policy_for

#: Entries judged together: their links' state is read in one go (one round trip to a shared
#: state), and at most this many of a page's entries wait to be judged.
BATCH = 64


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawl_settings(crawler.settings).state_enabled:
            raise disabled(cls, "NEWSCRAWL_STATE_ENABLED is off")
        return cls(crawler)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}")

    def wants(self, policy: IncrementalPolicy, request: Request) -> bool:
        kind = request.meta.get(LINK_KIND)
        url = request.meta.get(LINK_URL) or request.url
        if kind == LinkKind.ARTICLE:
            if policy.wants_article(url, request.meta.get(LINK_LASTMOD)):
                return True
            self._count("incremental/unchanged_not_fetched")
            return False
        if kind == LinkKind.SITEMAP:
            lastmod = request.meta.get(LINK_LASTMOD)
            if policy.wants_sitemap(url, lastmod, SitemapPage.month_of(url)):
                return True
            self._count("incremental/sitemaps_not_read")
            return False
        if kind == LinkKind.NEXT_PAGE:
            if policy.wants_next_page(request.meta.get(LISTING_CARDS) or []):
                return True
            self._count("listing_stop/high_water")
            return False
        if kind == LinkKind.ARTICLE_LISTING:
            return policy.horizon is None
        return True

    def _read(self, policy: IncrementalPolicy, response: Response) -> None:
        if response.meta.get(LINK_KIND) == LinkKind.SITEMAP and SitemapPage(response).is_urlset:
            policy.sitemap_read(response.url)

    def _judged(self, policy: IncrementalPolicy, batch: list[Any]) -> list[Any]:
        """The entries of ``batch`` to pass on, its links' state read in one go."""
        policy.prefetch(_links(batch))
        return [e for e in batch if not isinstance(e, Request) or self.wants(policy, e)]

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        policy = policy_for(self.crawler)
        if policy is None:
            yield from result
            return
        self._read(policy, response)
        entries = iter(result)
        while batch := list(islice(entries, BATCH)):
            yield from self._judged(policy, batch)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        policy = policy_for(self.crawler)
        if policy is None:
            async for entry in result:
                yield entry
            return
        self._read(policy, response)
        batch: list[Any] = []
        async for entry in result:
            batch.append(entry)
            if len(batch) >= BATCH:
                for kept in self._judged(policy, batch):
                    yield kept
                batch = []
        for kept in self._judged(policy, batch):
            yield kept


def _links(batch: list[Any]) -> Iterator[str]:
    """The article URLs the policy will look up for ``batch``: article links and the cards a
    next-page link carries."""
    for entry in batch:
        if not isinstance(entry, Request):
            continue
        kind = entry.meta.get(LINK_KIND)
        if kind == LinkKind.ARTICLE:
            yield entry.meta.get(LINK_URL) or entry.url
        elif kind == LinkKind.NEXT_PAGE:
            yield from (url for url, _ in entry.meta.get(LISTING_CARDS) or [])
