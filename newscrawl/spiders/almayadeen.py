"""The ``almayadeen`` spider: routes home → listings → pagination, sitemap index → monthly
sitemaps, and RSS to article pages, and turns each article page into its record.

It only routes: page objects (``newscrawl.pages``) read the pages, URLs are classified by
``newscrawl.discovery``, and every request says in its meta what the linking page said about
the link (``newscrawl.discovery.meta``). What to keep is decided by spider middlewares that
read the settings and that meta, never the spider: the date window and sections
(``newscrawl.discovery.scope``), what an incremental run skips (``newscrawl.state.middleware``)
and how a "Load more" listing goes on (``newscrawl.browser.loadmore``). The spider's checked
arguments become settings (``NEWSCRAWL_EDITION``, ``NEWSCRAWL_SINCE``, …) for them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from newscrawl.archive import archived_at
from newscrawl.archive.replay import archived_pages
from newscrawl.config import crawl_settings
from newscrawl.discovery.args import ArgumentError, CrawlArgs, Source
from newscrawl.discovery.classify import classify, page_number, request_url
from newscrawl.discovery.failures import failure_kind
from newscrawl.discovery.meta import (
    LINK_DATE,
    LINK_KIND,
    LINK_LASTMOD,
    LINK_URL,
    LISTING_CARDS,
    LISTING_PAGE,
    LOAD_MORE,
    MORE_CARDS,
    MORE_NEXT,
    PREVIOUS_CARDS,
    LinkKind,
)
from newscrawl.discovery.rules import FEED_PATHS, ROBOTS_PATH, SITEMAP_INDEX_PATH, UrlKind
from newscrawl.frontier.hashes import UrlSet
from newscrawl.pages.article import ArticlePage
from newscrawl.pages.listing import (
    DiscoveredLink,
    ListingPage,
    RssPage,
    SitemapPage,
    robots_sitemaps,
    robots_urls,
)
from newscrawl.stopping import StopRequested

logger = logging.getLogger(__name__)

#: Request priorities: finish articles before opening more listings, so the frontier stays
#: small and records flow from the first seconds.
PRIORITY_ARTICLE = 20
PRIORITY_SITEMAP = 10
PRIORITY_LISTING = 0
#: A listing's next page goes before listings not yet opened: pagination is a chain, one page
#: at a time, and a chain left to the end of the crawl would run with nothing beside it.
PRIORITY_NEXT_PAGE = 5


class AlmayadeenSpider(Spider):
    name = "almayadeen"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Scrapyd and other schedulers pass private ``_job``-style arguments; they are not ours.
        raw = {k: v for k, v in kwargs.items() if not k.startswith("_")}
        try:
            self.args = CrawlArgs.parse(raw)
        except ArgumentError as exc:
            # One clear line in the log before Scrapy's traceback; the run exits non-zero.
            logger.error("%s", exc)
            raise
        super().__init__(*args, **{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.site = self.args.site
        host = urlsplit(self.site.base_url).hostname or self.site.edition.host
        self.allowed_domains = [host]
        #: Links already judged, on listing pages (cards aside) and on article pages (where
        #: only listings are followed): menus and sidebars repeat from page to page.
        #: (As 64-bit hashes: they grow with the archive's articles and listings.)
        self.listing_links_seen = UrlSet()
        self.article_links_seen = UrlSet()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        # Arguments given as settings (-s NEWSCRAWL_MODE=full) count as arguments too.
        try:
            given = CrawlArgs.from_settings(crawler.settings).model_dump(exclude_defaults=True)
        except ArgumentError as exc:
            logger.error("%s", exc)
            raise
        spider = super().from_crawler(crawler, *args, **{**given, **kwargs})
        # Settings are not frozen yet: the checked arguments become settings, which every
        # component (and the add-on that wires them) reads.
        spider.args.to_settings(crawler.settings)
        return spider

    # -- start -------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests_for_sources():
            yield request

    def start_requests_for_sources(self) -> Iterator[Request]:
        if self.args.reextract:
            # Re-extraction: the archived article pages, read from the archive (the replay
            # handler answers them; newscrawl.archive.replay).
            for url in archived_pages(Path(self.args.reextract), self.site.base_url):
                yield self._request(
                    url, self.parse_article, PRIORITY_ARTICLE, **{LINK_KIND: LinkKind.ARTICLE}
                )
            return
        sources = self.args.discover
        if Source.SITEMAPS in sources:
            yield self._request(
                self.site.url(SITEMAP_INDEX_PATH),
                self.parse_sitemap,
                PRIORITY_SITEMAP,
                **{LINK_KIND: LinkKind.SITEMAP},
            )
        if Source.SITEMAPS in sources or Source.RSS in sources:
            # Sitemaps and feeds robots.txt names besides the known ones (none is refetched).
            yield self._request(self.site.url(ROBOTS_PATH), self.parse_robots, PRIORITY_SITEMAP)
        if Source.RSS in sources:
            # The feed the pages announce is followed from the home page; the usual paths are
            # tried too, and a path with no feed (404) is no error.
            for path in FEED_PATHS:
                yield from self._follow_feed(self.site.url(path), probe=True)
            if Source.LISTINGS not in sources:
                yield self._request(self.site.url("/"), self.parse_feed_links, PRIORITY_SITEMAP)
        if Source.LISTINGS in sources:
            starts = [f"/{s}" for s in self.args.sections] or ["/"]
            for path in starts:
                yield self._request(
                    self.site.url(path), self.parse_listing, PRIORITY_LISTING, **{LISTING_PAGE: 1}
                )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Any page, read as what its URL says it is (``scrapy parse URL`` calls this): a
        sitemap, the RSS feed, robots.txt; anything else as a listing or, when the page is one,
        an article."""
        kind = classify(response.url, self.site)
        if kind is UrlKind.SITEMAP:
            yield from self.parse_sitemap(response)
        elif kind is UrlKind.FEED:
            yield from self.parse_rss(response)
        elif kind is UrlKind.ROBOTS:
            yield from self.parse_robots(response)
        else:
            yield from self.parse_listing(response)

    # -- listings ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self._count("not_html")
            return
        page = ArticlePage(response, self.site, crawled_at=archived_at(response.meta) or _now())
        if page.is_article():
            yield from self._article(page)
            return
        yield from self._listing(response)

    def _listing(self, response: TextResponse) -> Iterator[Any]:
        self._count("listing_pages")
        page = ListingPage(response)
        for url in page.feeds():
            if self.listing_links_seen.add(url):
                yield from self._follow_feed(url)
        cards = page.cards()
        for card in cards:
            yield from self._follow_article(card)
        carded = {card.url for card in cards}
        links = page.links()
        for url in links:
            # A card's link was judged with its date above; other links (menus, sidebars) repeat
            # from page to page and are judged once per crawl.
            if url not in carded and self.listing_links_seen.add(url):
                yield from self._follow_link(url)
        if not cards:
            # Card markup not recognised: judge the paging on the page's article links.
            cards = [DiscoveredLink(u) for u in links if classify(u, self.site) is UrlKind.ARTICLE]
        current = response.meta.get(LISTING_PAGE) or page_number(response.url) or 1
        next_url = page.next_page(current)
        if next_url and self.pages_on(response, cards, current):
            yield from self._follow_listing(next_url, current + 1, cards)
        # A "Load more" listing goes on through the JSON request behind its button, or rendered
        # in a browser (newscrawl.browser.loadmore turns this request into those).
        more = page.load_more() and not response.meta.get(LOAD_MORE)
        if more and self.pages_on(response, cards, current):
            meta = self._next_page_meta(current + 1, cards)
            del meta[PREVIOUS_CARDS]  # the first answer continues the page, not repeats it
            yield self._request(
                response.url, self.parse_more, PRIORITY_LISTING, **meta, **{LOAD_MORE: True}
            )

    def parse_more(self, response: Response) -> Iterator[Any]:
        """The continuation of a "Load more" listing: a JSON answer whose cards were read into
        the meta (with the request for the next answer), or the listing rendered to the end."""
        cards: list[DiscoveredLink] | None = response.meta.get(MORE_CARDS)
        if cards is None:
            yield from self.parse_listing(response)
            return
        self._count("listing_api_pages")
        for card in cards:
            yield from self._follow_article(card)
        current = response.meta[LISTING_PAGE]
        follow: Request | None = response.meta.get(MORE_NEXT)
        if follow is not None and self.pages_on(response, cards, current):
            yield follow.replace(meta={**follow.meta, **self._next_page_meta(current + 1, cards)})

    def pages_on(self, response: Response, cards: list[DiscoveredLink], page: int) -> bool:
        """Whether a listing whose page ``page`` shows ``cards`` has a next page worth asking.

        Stops on an empty page, at the page cap (``NEWSCRAWL_MAX_LISTING_PAGES``) and on a page
        that repeats the previous page's cards (a pagination trap). The date window and the
        last run's high-water mark are judged on the next page's request by the middlewares.
        """
        if not cards:
            self._count("listing_stop/empty")
            return False
        if page >= crawl_settings(self.crawler.settings).max_listing_pages:
            self._count("listing_stop/page_cap")
            logger.warning("Listing page cap (%d) reached at %s", page, response.url)
            return False
        previous = response.meta.get(PREVIOUS_CARDS)
        if previous is not None and previous == [c.url for c in cards]:
            self._count("listing_stop/repeated_page")
            return False
        return True

    # -- sitemaps and RSS --------------------------------------------------------------------

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        page = SitemapPage(response)
        if page.is_index:
            self._count("sitemap_indexes")
            for entry in page.entries():
                yield from self._follow(
                    entry.url,
                    self.parse_sitemap,
                    PRIORITY_SITEMAP,
                    **{LINK_KIND: LinkKind.SITEMAP, LINK_URL: entry.url, LINK_LASTMOD: entry.when},
                )
        elif page.is_urlset:
            self._count("sitemaps")
            for entry in page.entries():
                # lastmod is the modification time: at or after publication.
                yield from self._follow_article(DiscoveredLink(entry.url), lastmod=entry.when)
        else:
            self._count("errors/bad_sitemap")
            logger.error("Not a sitemap: %s", response.url)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        text = response.text if isinstance(response, TextResponse) else ""
        if Source.SITEMAPS in self.args.discover:
            for url in robots_sitemaps(text):
                yield from self._follow(
                    url, self.parse_sitemap, PRIORITY_SITEMAP, **{LINK_KIND: LinkKind.SITEMAP}
                )
        for url in robots_urls(text):
            if classify(url, self.site) is UrlKind.FEED:
                yield from self._follow_feed(url)

    def parse_feed_links(self, response: Response) -> Iterator[Request]:
        """The home page, read for the feeds it announces only (a run that reads no listing)."""
        if isinstance(response, TextResponse):
            for url in ListingPage(response).feeds():
                yield from self._follow_feed(url)

    def _follow_feed(self, url: str, probe: bool = False) -> Iterator[Request]:
        if Source.RSS not in self.args.discover:
            return
        meta: dict[str, Any] = {LINK_KIND: LinkKind.FEED}
        if probe:
            meta["handle_httpstatus_list"] = [404, 410]
        yield from self._follow(url, self.parse_rss, PRIORITY_SITEMAP, **meta)

    def parse_rss(self, response: Response) -> Iterator[Request]:
        if response.status in (404, 410):
            self._count("feed_paths_missing")
            return
        entries = RssPage(response).entries()
        if not entries:
            self._count("errors/bad_feed")
            logger.error("No items in feed: %s", response.url)
        self._count("feeds")
        for entry in entries:
            yield from self._follow_article(entry)

    # -- articles ----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self._count("not_html")
            return
        page = ArticlePage(response, self.site, crawled_at=archived_at(response.meta) or _now())
        if not page.is_article():
            # An article-shaped URL that serves a listing (a section the URL rules do not know,
            # a writer's page a sitemap lists): read as a listing when listings are a source.
            self._count("not_article")
            if Source.LISTINGS in self.args.discover:
                yield from self._listing(response)
            return
        yield from self._article(page)

    def _article(self, page: ArticlePage) -> Iterator[Any]:
        yield page.to_item(stats=self.crawler.stats if self.crawler else None)
        if crawl_settings(self.crawler.settings).follow_article_listings:
            # The tag and author listings an article links (its section's too): more ways to
            # every article than the section listings and sitemaps alone. Menus and tags repeat
            # from page to page: each link is judged once per crawl.
            for url in ListingPage(page.response).links():
                if not self.article_links_seen.add(url):
                    continue
                if classify(url, self.site) is UrlKind.LISTING:
                    yield from self._follow_listing_link(url, LinkKind.ARTICLE_LISTING)

    # -- following links ---------------------------------------------------------------------

    def _follow_article(
        self, link: DiscoveredLink, lastmod: datetime | None = None
    ) -> Iterator[Request]:
        """Follow a link a page presents as an article: a card, a sitemap or RSS entry.

        A listing-shaped URL presented so is fetched as an article candidate too (the Arabic
        sitemaps list writers' pages, /authors/{name}, beside the articles); the page decides,
        and a real listing is read as one, never emitted.
        """
        kind = classify(link.url, self.site)
        if kind not in (UrlKind.ARTICLE, UrlKind.LISTING):
            self._count_link(kind)
            return
        meta: dict[str, Any] = {LINK_KIND: LinkKind.ARTICLE, LINK_URL: link.url}
        if link.when is not None:
            meta[LINK_DATE] = link.when
        if lastmod is not None:
            meta[LINK_LASTMOD] = lastmod
        yield from self._follow(link.url, self.parse_article, PRIORITY_ARTICLE, **meta)

    def _follow_link(self, url: str) -> Iterator[Request]:
        """Follow any link a listing shows: articles, and (crawling everything) listings."""
        kind = classify(url, self.site)
        if kind is UrlKind.ARTICLE:
            yield from self._follow_article(DiscoveredLink(url))
        elif kind is UrlKind.LISTING:
            yield from self._follow_listing_link(url, LinkKind.LISTING)
        else:
            self._count_link(kind)

    def _follow_listing_link(self, url: str, kind: LinkKind) -> Iterator[Request]:
        if page_number(url) is not None:
            return  # pagination is followed one page at a time, by pages_on
        if self.args.sections or Source.LISTINGS not in self.args.discover:
            return
        yield from self._follow_listing(url, 1, kind=kind)

    def _follow_listing(
        self,
        url: str,
        page: int,
        cards: list[DiscoveredLink] | None = None,
        kind: LinkKind = LinkKind.LISTING,
    ) -> Iterator[Request]:
        if page > 1:
            meta = self._next_page_meta(page, cards or [])
            yield from self._follow(url, self.parse_listing, PRIORITY_NEXT_PAGE, **meta)
        else:
            meta = {LINK_KIND: kind, LISTING_PAGE: 1}
            yield from self._follow(url, self.parse_listing, PRIORITY_LISTING, **meta)

    @staticmethod
    def _next_page_meta(page: int, cards: list[DiscoveredLink]) -> dict[str, Any]:
        return {
            LINK_KIND: LinkKind.NEXT_PAGE,
            LISTING_PAGE: page,
            LISTING_CARDS: [(c.url, c.when) for c in cards],
            PREVIOUS_CARDS: [c.url for c in cards],
        }

    def _follow(self, url: str, callback: Any, priority: int, **meta: Any) -> Iterator[Request]:
        target = request_url(url, self.site)
        if target is None:
            self._count_link(UrlKind.OFFSITE)
            return
        yield self._request(target, callback, priority, **meta)

    def _request(self, url: str, callback: Any, priority: int, **meta: Any) -> Request:
        return Request(url, callback=callback, priority=priority, meta=meta, errback=self.on_error)

    def on_error(self, failure: Any) -> None:
        """Failed requests are counted by kind in the run summary (``newscrawl.output``); a
        request a stop cut off is no failure (``newscrawl.stopping``, counted there)."""
        if isinstance(failure.value, StopRequested):
            return
        kind = failure_kind(failure.value)
        self._count(f"errors/{kind}")
        request = getattr(failure, "request", None)
        logger.info("Request failed (%s): %s: %s", kind, request, failure.value)

    # -- stats -------------------------------------------------------------------------------

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}", count)

    def _count_link(self, kind: UrlKind) -> None:
        if kind in (UrlKind.OFFSITE, UrlKind.DISALLOWED, UrlKind.OTHER):
            self._count(f"links/{kind.value}")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
