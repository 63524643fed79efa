"""The ``almayadeen`` spider: routes home → listings → pagination, sitemap index → monthly
sitemaps, and RSS to article pages, and hands each article page to the item loader.

It holds no selector and no URL pattern: pages are read by page objects
(``newscrawl.pages``), URLs are classified by ``newscrawl.discovery``. Extension points for
other crawl modes: ``follow_next_page`` (whether to go on paging a listing) and
``wants_article`` (whether to request an article link).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from newscrawl.browser.loadmore import LISTING_META as JS_LISTING_META
from newscrawl.browser.loadmore import JsListings
from newscrawl.dates import month_span, parse_iso
from newscrawl.discovery.args import ArgumentError, CrawlArgs, Source
from newscrawl.discovery.classify import (
    classify,
    page_number,
    production_url,
    request_url,
    site_path,
)
from newscrawl.discovery.failures import failure_kind
from newscrawl.discovery.rules import ROBOTS_PATH, RSS_PATH, SITEMAP_INDEX_PATH, UrlKind
from newscrawl.normalize.loader import load_article
from newscrawl.pages.article import ArticlePage
from newscrawl.pages.listing import Link, ListingPage, RssPage, SitemapPage, robots_sitemaps
from newscrawl.state.session import policy_for

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
        self.scope = self.args.scope
        host = urlsplit(self.site.base_url).hostname or self.site.edition.host
        self.allowed_domains = [host]
        #: Links already judged, on listing pages (cards aside) and on article pages (where
        #: only listings are followed, see ``follows_article_listings``).
        self.listing_links_seen: set[str] = set()
        self.article_links_seen: set[str] = set()
        # -- newscrawl.browser: "Load more" listings, their JSON request learned in the browser --
        self.js_listings = JsListings(
            on_api=self.parse_listing_api,
            on_learned=self.parse_listing_learned,
            on_rendered=self.parse_listing,
            on_learn_failed=self.listing_learn_failed,
            errback=self.on_error,
            priority=PRIORITY_LISTING,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Settings are not frozen yet: the checked arguments become settings, which every
        # component (and the add-on that wires them) reads.
        spider.args.to_settings(crawler.settings)
        return spider

    # -- start -------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests_for_sources():
            yield request

    def start_requests_for_sources(self) -> Iterator[Request]:
        sources = self.args.discover
        if Source.SITEMAPS in sources:
            yield self._request(
                self.site.url(SITEMAP_INDEX_PATH), self.parse_sitemap, PRIORITY_SITEMAP
            )
            # Sitemaps robots.txt names besides the known index (the same one is not refetched).
            yield self._request(self.site.url(ROBOTS_PATH), self.parse_robots, PRIORITY_SITEMAP)
        if Source.RSS in sources:
            yield self._request(self.site.url(RSS_PATH), self.parse_rss, PRIORITY_SITEMAP)
        if Source.LISTINGS in sources:
            starts = [f"/{s}" for s in self.args.sections] or ["/"]
            for path in starts:
                yield self._request(
                    self.site.url(path), self.parse_listing, PRIORITY_LISTING, listing_page=1
                )

    # -- listings ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self._count("not_html")
            return
        if self._is_article(response):
            yield from self._article(response)
            return
        yield from self._listing(response)

    def _listing(self, response: TextResponse) -> Iterator[Any]:
        self._count("listing_pages")
        page = ListingPage(response)
        cards = page.cards()
        for card in cards:
            yield from self._follow_article(card)
        carded = {card.url for card in cards}
        links = page.links()
        for url in links:
            # A card's link was judged with its date above; other links (menus, sidebars) repeat
            # from page to page and are judged once per crawl.
            if url not in carded and url not in self.listing_links_seen:
                self.listing_links_seen.add(url)
                yield from self._follow_link(url)
        if not cards:
            # Card markup not recognised: judge the paging on the page's article links.
            cards = [Link(u) for u in links if classify(u, self.site) is UrlKind.ARTICLE]
        current = response.meta.get("listing_page") or page_number(response.url) or 1
        next_url = page.next_page(current)
        if next_url and self.follow_next_page(response, cards, current):
            yield from self._follow_listing(next_url, current + 1, previous=cards)
        # -- newscrawl.browser: a "Load more" listing goes on through its learned JSON request
        # (or, when none can be learned, is rendered with the button clicked to the end).
        rendered = response.meta.get(JS_LISTING_META)
        if page.load_more() and not rendered and self.follow_next_page(response, cards, current):
            yield from self.js_listings.requests_for(response.url, listing_page=current + 1)

    def parse_listing_learned(self, response: Response) -> Iterator[Request]:
        """The listing rendered once to learn its "Load more" request (``newscrawl.browser``)."""
        yield from self.js_listings.learned(response)

    def listing_learn_failed(self, failure: Any) -> Iterator[Request]:
        """The learning render failed: listings fall back to rendering (``newscrawl.browser``)."""
        yield from self.js_listings.failed(failure)

    def parse_listing_api(self, response: Response) -> Iterator[Any]:
        api_page, follow = self.js_listings.read(response)
        self._count("listing_api_pages")
        cards = api_page.cards
        for card in cards:
            yield from self._follow_article(card)
        current = response.meta["listing_page"]
        if follow is not None and self.follow_next_page(response, cards, current):
            follow.meta.update(listing_page=current + 1, previous_cards=[c.url for c in cards])
            yield follow

    def follow_next_page(self, response: Response, cards: list[Link], page: int) -> bool:
        """Whether to fetch the page after ``page`` of a listing whose cards are ``cards``.

        Stops on an empty page, at the page cap, on a page that repeats the previous page's
        cards (a pagination trap), and once every card is older than ``since``.
        """
        if not cards:
            self._count("listing_stop/empty")
            return False
        if page >= self.crawler.settings.getint("NEWSCRAWL_MAX_LISTING_PAGES"):
            self._count("listing_stop/page_cap")
            logger.warning("Listing page cap (%d) reached at %s", page, response.url)
            return False
        previous = response.meta.get("previous_cards")
        if previous is not None and previous == [c.url for c in cards]:
            self._count("listing_stop/repeated_page")
            return False
        # Listings are newest first: what follows a card was published at or before it.
        if all(c.when is not None and self.scope.excludes(latest=c.when) for c in cards):
            self._count("listing_stop/before_since")
            return False
        # -- incremental crawling (newscrawl.state): stop at the last run's high-water mark --
        policy = policy_for(self.crawler)
        if policy is not None and not policy.wants_next_page((c.url, c.when) for c in cards):
            self._count("listing_stop/high_water")
            return False
        return True

    # -- sitemaps and RSS --------------------------------------------------------------------

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        page = SitemapPage(response)
        if page.is_index:
            self._count("sitemap_indexes")
            for entry in page.entries():
                if not self._month_in_window(entry.url):
                    self._count("filtered/sitemap_outside_window")
                elif self._wants_sitemap(entry.url, entry.when):
                    yield from self._follow(
                        entry.url, self.parse_sitemap, PRIORITY_SITEMAP, expect=UrlKind.SITEMAP
                    )
        elif page.is_urlset:
            self._count("sitemaps")
            if (policy := policy_for(self.crawler)) is not None:  # incremental crawling
                policy.sitemap_read(response.url)
            for entry in page.entries():
                # lastmod is the modification time: at or after publication.
                if self.scope.excludes(latest=entry.when):
                    self._count("filtered/window")
                    continue
                yield from self._follow_article(Link(entry.url), lastmod=entry.when)
        else:
            self._count("errors/bad_sitemap")
            logger.error("Not a sitemap: %s", response.url)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in robots_sitemaps(response.text if isinstance(response, TextResponse) else ""):
            yield from self._follow(url, self.parse_sitemap, PRIORITY_SITEMAP, UrlKind.SITEMAP)

    def parse_rss(self, response: Response) -> Iterator[Request]:
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
        if not self._is_article(response):
            # An article-shaped URL that serves a listing: a section the URL rules do not know.
            self._count("not_article")
            yield from self._listing(response)
            return
        yield from self._article(response)

    def _article(self, response: TextResponse) -> Iterator[Any]:
        item = load_article(response, self.site.edition, crawled_at=_now())
        requested = response.request.url if response.request else response.url
        seen = [*response.meta.get("redirect_urls", ()), requested]
        # On the production host like ``url``: a record does not depend on where it was fetched.
        alternates = {production_url(u, self.site) for u in seen if u != response.url}
        item.alternate_urls = sorted(alternates - {item.url})
        published = parse_iso(item.date_published)
        if self.scope.excludes(earliest=published, latest=published, exact=True):
            self._count("filtered/window")
            return
        path = site_path(response.url, self.site)
        canonical_path = urlsplit(item.url or "").path or path or "/"
        if self.scope.excludes(canonical_path) and self.scope.excludes(path or ""):
            self._count("filtered/section")
            return
        yield item
        if self.follows_article_listings():
            # The tag and author listings an article links (its section's too): more ways to
            # every article than the section listings and sitemaps alone.
            # Menus and tags repeat from page to page: each link is judged once per crawl.
            for url in ListingPage(response).links():
                if url in self.article_links_seen:
                    continue
                self.article_links_seen.add(url)
                if classify(url, self.site) is UrlKind.LISTING:
                    yield from self._follow_link(url)

    def follows_article_listings(self) -> bool:
        """Whether to follow the listings an article page links. A crawl with no high-water
        mark does, for completeness; an incremental run after a complete one does not: what is
        new tops the section listings and the current months' sitemaps."""
        if not self.crawler.settings.getbool("NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS", True):
            return False
        policy = policy_for(self.crawler)
        return policy is None or policy.horizon is None

    def wants_article(self, url: str, when: datetime | None) -> bool:
        """Whether to request an article link (the window and the sections)."""
        outside = self.scope.excludes(site_path(url, self.site) or "/", earliest=when, latest=when)
        if outside:
            self._count(f"filtered/{outside}")
            return False
        return True

    # -- incremental crawling (newscrawl.state) -----------------------------------------------

    def _changed_since_last_run(self, url: str, lastmod: datetime | None) -> bool:
        """Whether an article link may hold something new (``lastmod``: the sitemap's)."""
        policy = policy_for(self.crawler)
        if policy is None or policy.wants_article(url, lastmod):
            return True
        self._count("incremental/unchanged_not_fetched")
        return False

    def _wants_sitemap(self, url: str, lastmod: datetime | None) -> bool:
        """Whether a monthly sitemap may list something new since the last complete run."""
        policy = policy_for(self.crawler)
        if policy is None or policy.wants_sitemap(url, lastmod, SitemapPage.month_of(url)):
            return True
        self._count("incremental/sitemaps_not_read")
        return False

    # -- helpers -----------------------------------------------------------------------------

    def _is_article(self, response: TextResponse) -> bool:
        return bool(ArticlePage(response).is_article())

    def _follow_article(self, link: Link, lastmod: datetime | None = None) -> Iterator[Request]:
        """Follow a link a page presents as an article: a card, a sitemap or RSS entry.

        A listing-shaped URL presented so is fetched as an article candidate too (the Arabic
        edition publishes some articles under /authors/{slug}); the page decides, and a real
        listing is read as one.
        """
        kind = classify(link.url, self.site)
        if kind not in (UrlKind.ARTICLE, UrlKind.LISTING):
            self._count_link(kind)
            return
        if self.wants_article(link.url, link.when) and self._changed_since_last_run(
            link.url, lastmod
        ):
            yield from self._follow(
                link.url, self.parse_article, PRIORITY_ARTICLE, expect=UrlKind.ARTICLE
            )

    def _follow_link(self, url: str) -> Iterator[Request]:
        """Follow any link a listing shows: articles, and (crawling everything) listings."""
        kind = classify(url, self.site)
        if kind is UrlKind.ARTICLE:
            yield from self._follow_article(Link(url))
        elif kind is UrlKind.LISTING:
            if page_number(url) is not None:
                return  # pagination is followed one page at a time, by follow_next_page
            if self.args.sections or Source.LISTINGS not in self.args.discover:
                return
            yield from self._follow_listing(url, 1)
        else:
            self._count_link(kind)

    def _follow_listing(
        self, url: str, page: int, previous: list[Link] | None = None
    ) -> Iterator[Request]:
        meta: dict[str, Any] = {"listing_page": page}
        if previous is not None:
            meta["previous_cards"] = [c.url for c in previous]
        priority = PRIORITY_NEXT_PAGE if page > 1 else PRIORITY_LISTING
        yield from self._follow(url, self.parse_listing, priority, expect=UrlKind.LISTING, **meta)

    def _follow(
        self, url: str, callback: Any, priority: int, expect: UrlKind, **meta: Any
    ) -> Iterator[Request]:
        target = request_url(url, self.site)
        if target is None:
            self._count_link(UrlKind.OFFSITE)
            return
        yield self._request(target, callback, priority, **meta)

    def _request(self, url: str, callback: Any, priority: int, **meta: Any) -> Request:
        return Request(url, callback=callback, priority=priority, meta=meta, errback=self.on_error)

    def on_error(self, failure: Any) -> None:
        """Failed requests are counted by kind in the run summary (``newscrawl.extensions``)."""
        kind = failure_kind(failure.value)
        self._count(f"errors/{kind}")
        request = getattr(failure, "request", None)
        logger.info("Request failed (%s): %s: %s", kind, request, failure.value)

    def _month_in_window(self, url: str) -> bool:
        month = SitemapPage.month_of(url)
        if month is None:
            return True
        start, end = month_span(*month)
        return not self.scope.excludes(earliest=start, latest=end - timedelta(microseconds=1))

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}", count)

    def _count_link(self, kind: UrlKind) -> None:
        if kind in (UrlKind.OFFSITE, UrlKind.DISALLOWED, UrlKind.OTHER):
            self._count(f"links/{kind.value}")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
