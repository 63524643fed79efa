"""Page objects for the pages that lead to articles: listings, sitemaps, RSS.

Pure over a response: no requests, no spider state. Each returns absolute URLs as the page
writes them (the spider decides what to follow and where to fetch it). Selectors are class
constants, ordered from the most stable source to the least.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar

from parsel import Selector
from protego import Protego
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from newscrawl.dates import as_utc, parse_iso


def parse_when(text: str | None) -> datetime | None:
    """An ISO 8601 or RFC 822 time as UTC; ``None`` when absent or unreadable."""
    if not text:
        return None
    moment = parse_iso(text)
    if moment is not None:
        return moment
    try:
        return as_utc(parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class DiscoveredLink:
    """A link a discovery page offers, with the date the page gives it (if any)."""

    url: str
    when: datetime | None = None
    title: str | None = None


class ListingPage:
    """Home, group, section, region, tag and author pages: cards, menus and pagination."""

    #: Article cards, most specific first; the first selector that finds cards wins.
    CARD_SELECTORS: ClassVar[tuple[str, ...]] = (
        "div.news-list div.news-card",
        ".news-card",
        "article.card",
    )
    CARD_LINK = "a[href]::attr(href)"
    CARD_TITLE = "h3 ::text, a ::attr(title)"
    CARD_TIME = "time::attr(datetime)"
    #: The page's next-page link: rel=next first, then the pagination block's "Next".
    NEXT_SELECTORS: ClassVar[tuple[str, ...]] = (
        "link[rel=next]::attr(href)",
        "a[rel~=next]::attr(href)",
        "nav.pagination a.next::attr(href)",
        ".pagination a[aria-label=Next]::attr(href)",
    )
    NEXT_TEXT = re.compile(r"^\s*(next|older|التالي|›|»)\s*$", re.IGNORECASE)
    PAGINATION_LINKS = "nav.pagination a, .pagination a"
    PAGE_IN_URL = re.compile(r"[?&]page=(\d+)")
    LOAD_MORE = "button.load-more, a.load-more, [data-load-more]"
    #: A "Load more" control known by its words alone (en, ar, es), for markup we did not see.
    LOAD_MORE_CONTROLS = "button, a[role=button], a[href^='#'], a:not([href])"
    LOAD_MORE_TEXT = re.compile(
        r"^\s*(load more|show more|more news|المزيد|تحميل المزيد|ver m[aá]s|cargar m[aá]s)\s*$",
        re.IGNORECASE,
    )
    #: Every link of the page: menus, tags, authors, cards, sidebars.
    ALL_LINKS = "a[href]::attr(href)"
    #: Feeds the page announces in its head.
    FEED_LINKS = (
        "link[rel~=alternate][type*=rss]::attr(href), link[rel~=alternate][type*=atom]::attr(href)"
    )

    def __init__(self, response: TextResponse) -> None:
        self.response = response
        self.sel: Selector = response.selector

    def _cards(self) -> list[Selector]:
        for css in self.CARD_SELECTORS:
            cards = self.sel.css(css)
            if cards:
                return list(cards)
        return []

    def cards(self) -> list[DiscoveredLink]:
        """The listing's own article cards, in page order (not sidebars or tickers)."""
        links: list[DiscoveredLink] = []
        for card in self._cards():
            href = card.css(self.CARD_LINK).get()
            if not href:
                continue
            title = " ".join(t.strip() for t in card.css(self.CARD_TITLE).getall() if t.strip())
            links.append(
                DiscoveredLink(
                    self.response.urljoin(href),
                    parse_when(card.css(self.CARD_TIME).get()),
                    title or None,
                )
            )
        return links

    def links(self) -> list[str]:
        """Every link on the page, absolute, in page order, without repeats."""
        seen: dict[str, None] = {}
        for href in self.sel.css(self.ALL_LINKS).getall():
            href = href.strip()
            if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
                seen.setdefault(self.response.urljoin(href), None)
        return list(seen)

    def feeds(self) -> list[str]:
        """The feeds the page announces (``<link rel="alternate" type="application/rss+xml">``),
        absolute, without repeats."""
        hrefs = (h.strip() for h in self.sel.css(self.FEED_LINKS).getall())
        return list(dict.fromkeys(self.response.urljoin(h) for h in hrefs if h))

    def next_page(self, current: int = 1) -> str | None:
        """The next (older) page of this listing, if the page links one: ``rel=next``, then a
        "Next" link of the pagination block, then its link to page ``current + 1``."""
        for css in self.NEXT_SELECTORS:
            href = self.sel.css(css).get()
            if href:
                return self.response.urljoin(href.strip())
        numbered: str | None = None
        for anchor in self.sel.css(self.PAGINATION_LINKS):
            text = " ".join(anchor.css("::text").getall())
            href = (anchor.attrib.get("href") or "").strip()
            if not href:
                continue
            if self.NEXT_TEXT.match(text):
                return self.response.urljoin(href)
            match = self.PAGE_IN_URL.search(href)
            if numbered is None and match and int(match.group(1)) == current + 1:
                numbered = self.response.urljoin(href)
        return numbered

    def load_more(self) -> bool:
        """Whether older cards only come through a JS "Load more" control: a control marked as
        such, else a button whose words say so."""
        if self.sel.css(self.LOAD_MORE):
            return True
        return any(
            self.LOAD_MORE_TEXT.match(" ".join(control.css("::text").getall()))
            for control in self.sel.css(self.LOAD_MORE_CONTROLS)
        )


class SitemapPage:
    """A sitemap index or a monthly ``urlset`` (plain or gzipped)."""

    MONTHLY = re.compile(r"sitemap-(\d{4})-(\d{1,2})\.xml", re.IGNORECASE)

    def __init__(self, response: Response) -> None:
        self.response = response
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=50 * 1024 * 1024)
        try:
            self.sitemap: Sitemap | None = Sitemap(body)
        except Exception:  # lxml raises several kinds on junk; all mean "not a sitemap"
            self.sitemap = None

    @property
    def is_index(self) -> bool:
        return self.sitemap is not None and self.sitemap.type == "sitemapindex"

    @property
    def is_urlset(self) -> bool:
        return self.sitemap is not None and self.sitemap.type == "urlset"

    def entries(self) -> list[DiscoveredLink]:
        """``<loc>`` and ``<lastmod>`` of every entry, in document order."""
        if self.sitemap is None:
            return []
        return [
            DiscoveredLink(entry["loc"].strip(), parse_when(entry.get("lastmod")))
            for entry in self.sitemap
            if entry.get("loc")
        ]

    @classmethod
    def month_of(cls, url: str) -> tuple[int, int] | None:
        """``(year, month)`` of a monthly sitemap URL (``sitemap-2024-7.xml``)."""
        match = cls.MONTHLY.search(url)
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
        return (year, month) if 1 <= month <= 12 else None


class RssPage:
    """An RSS 2.0 feed: item links and their publication dates."""

    def __init__(self, response: Response) -> None:
        self.response = response
        try:
            self.sel: Selector | None = Selector(text=response.text, type="xml")
        except (AttributeError, ValueError):
            self.sel = None

    def entries(self) -> list[DiscoveredLink]:
        if self.sel is None:
            return []
        links: list[DiscoveredLink] = []
        for item in self.sel.xpath("//*[local-name()='item']"):
            href = item.xpath("./*[local-name()='link']/text()").get()
            if not href:
                continue
            when = parse_when(item.xpath("./*[local-name()='pubDate']/text()").get())
            title = item.xpath("./*[local-name()='title']/text()").get()
            links.append(DiscoveredLink(href.strip(), when, title))
        return links


def robots_sitemaps(text: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order."""
    return list(Protego.parse(text).sitemaps)


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")


def robots_urls(text: str) -> list[str]:
    """Every absolute URL a robots.txt names (``Sitemap:`` lines, comments), in order: the
    spider keeps the ones its URL rules call feeds."""
    return list(dict.fromkeys(_URL_IN_TEXT.findall(text)))
