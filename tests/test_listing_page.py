"""Listing, sitemap and RSS page objects over saved markup (MARKUP.md's shapes and variants)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from newscrawl.pages.listing import ListingPage, RssPage, SitemapPage, robots_sitemaps

BASE = "http://127.0.0.1:8765"


def html(path: str, body: str) -> HtmlResponse:
    return HtmlResponse(BASE + path, body=f"<html><body>{body}</body></html>", encoding="utf-8")


CARDS = """
<div class="news-list">
  <div class="news-card"><a href="/news/politics/a?utm_source=home"><img src="x.jpg"><h3>A</h3></a>
    <span class="card-section">Politics</span>
    <time datetime="2024-01-15T09:24:00Z">15 Jan</time></div>
  <div class="news-card"><a href="/news/politics/b"><h3>B</h3></a></div>
</div>
<aside class="most-read"><a href="/news/economy/c">C</a></aside>
"""


def test_cards_and_links() -> None:
    page = ListingPage(html("/news/politics", CARDS))
    cards = page.cards()
    assert [c.url for c in cards] == [
        BASE + "/news/politics/a?utm_source=home",
        BASE + "/news/politics/b",
    ]
    assert cards[0].when == datetime(2024, 1, 15, 9, 24, tzinfo=UTC)
    assert cards[0].title == "A" and cards[1].when is None
    assert BASE + "/news/economy/c" in page.links()


@pytest.mark.parametrize(
    ("nav", "current", "expected"),
    [
        ('<nav class="pagination"><a href="?page=1">1</a>'
         '<a rel="next" href="?page=3">Next</a></nav>', 2, "/news/politics?page=3"),
        ('<nav class="pagination"><a href="/news/politics?page=4">Next</a></nav>',
         3, "/news/politics?page=4"),
        ('<nav class="pagination"><a href="/news/politics?page=1">1</a>'
         '<a href="/news/politics?page=2">2</a><a href="/news/politics?page=3">3</a></nav>',
         2, "/news/politics?page=3"),
        ('<div class="pagination"><a href="?page=2">التالي</a></div>', 1, "/news/politics?page=2"),
        ('<nav class="pagination"><a href="?page=1">1</a><a href="?page=2">2</a></nav>', 2, None),
        ("", 1, None),
    ],
)  # fmt: skip
def test_next_page(nav: str, current: int, expected: str | None) -> None:
    page = ListingPage(html("/news/politics?page=" + str(current), CARDS + nav))
    assert page.next_page(current) == (BASE + expected if expected else None)


@pytest.mark.parametrize(
    ("control", "expected"),
    [
        ('<button class="load-more" data-section="/news/politics">Load more</button>', True),
        ("<button>Load more</button>", True),
        ('<a role="button" class="btn">  Show more </a>', True),
        ("<button type=button>المزيد</button>", True),
        ("<button>Ver más</button>", True),
        ("<div data-load-more></div>", True),
        ("", False),
        ("<button>Subscribe</button>", False),
        ('<a href="/news/politics/more-news-from-gaza">More news</a>', False),
    ],
)  # fmt: skip
def test_load_more_control(control: str, expected: bool) -> None:
    assert ListingPage(html("/news/politics", CARDS + control)).load_more() is expected


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://english.almayadeen.net/sitemaps/all/sitemap-2024-7.xml</loc>
<lastmod>2024-07-31T10:00:00Z</lastmod></sitemap>
<sitemap><loc>https://english.almayadeen.net/sitemaps/all/sitemap-2024-12.xml</loc></sitemap>
</sitemapindex>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.almayadeen.net/news/politics/غزة-اليوم</loc>
<lastmod>2024-08-16T02:32:00+03:00</lastmod></url>
</urlset>""".encode()


def test_sitemap_index_and_urlset() -> None:
    index = SitemapPage(XmlResponse(BASE + "/sitemaps/all.xml", body=INDEX))
    assert index.is_index and not index.is_urlset
    entries = index.entries()
    assert [SitemapPage.month_of(e.url) for e in entries] == [(2024, 7), (2024, 12)]
    assert entries[0].when == datetime(2024, 7, 31, 10, tzinfo=UTC)
    urlset = SitemapPage(XmlResponse(BASE + "/sitemaps/all/sitemap-2024-8.xml", body=URLSET))
    assert urlset.is_urlset
    [entry] = urlset.entries()
    assert entry.url == "https://www.almayadeen.net/news/politics/غزة-اليوم"
    assert entry.when == datetime(2024, 8, 15, 23, 32, tzinfo=UTC)


def test_not_a_sitemap() -> None:
    page = SitemapPage(TextResponse(BASE + "/sitemaps/all.xml", body=b"<html>oops</html>"))
    assert not page.is_index and not page.is_urlset and page.entries() == []


def test_rss_items() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>A</title><link>https://english.almayadeen.net/news/politics/a</link>
    <pubDate>Mon, 15 Jan 2024 09:24:00 GMT</pubDate></item>
    <item><title>No link</title></item></channel></rss>"""
    [entry] = RssPage(XmlResponse(BASE + "/rss.xml", body=body)).entries()
    assert entry.url == "https://english.almayadeen.net/news/politics/a"
    assert entry.when == datetime(2024, 1, 15, 9, 24, tzinfo=UTC)
    assert entry.title == "A"


def test_robots_sitemaps() -> None:
    text = (
        "User-agent: *\nDisallow: /search\nCrawl-delay: 1\n\n"
        "Sitemap: https://english.almayadeen.net/sitemaps/all.xml\n"
        "Sitemap: https://english.almayadeen.net/sitemaps/news.xml\n"
    )
    assert robots_sitemaps(text) == [
        "https://english.almayadeen.net/sitemaps/all.xml",
        "https://english.almayadeen.net/sitemaps/news.xml",
    ]
    assert robots_sitemaps("") == []
