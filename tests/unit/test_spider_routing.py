"""The spider's routing, driven with saved responses through the project's spider middlewares:
which request each page kind leads to, when a listing stops paging, and what the date window
and the sections keep (no engine, no network, no subprocess)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from itemadapter import is_item
from scrapy import Request, signals
from scrapy.http import Response, XmlResponse

from newscrawl.discovery.meta import (
    LINK_DATE,
    LINK_KIND,
    LINK_LASTMOD,
    LISTING_PAGE,
    PREVIOUS_CARDS,
    LinkKind,
)
from newscrawl.items import ArticleItem
from newscrawl.schema import empty_record, fingerprint
from newscrawl.state import CrawlState

from .spider_run import BASE, SpiderRun, fixture_text

Run = Callable[..., SpiderRun]

LISTING = fixture_text("pages/listing-section.html")
ARTICLE = fixture_text("articles/en-2024-layout.html")  # published 2024-01-15T10:24:00Z
ARTICLE_PATH = "/articles/blog/skeletons-of-the-past--crimes-of-the-present"
CARD_2022 = BASE + "/news/politics/white-house-has-no-evidence-of-drone-sale-from-iran-to-russi"
CARD_2024 = BASE + "/news/politics/germany-plans-major-bunker-expansion-amid-fears-of-war-with-r"


def requests(output: list[Any]) -> list[Request]:
    return [entry for entry in output if isinstance(entry, Request)]


def items(output: list[Any]) -> list[ArticleItem]:
    return [entry for entry in output if is_item(entry)]


def by_kind(output: list[Any], kind: LinkKind) -> list[Request]:
    return [r for r in requests(output) if r.meta.get(LINK_KIND) == kind]


def sitemap_index(*months: tuple[int, int]) -> bytes:
    entries = "".join(
        f"<sitemap><loc>https://english.almayadeen.net/sitemaps/sitemap-{y}-{m}.xml</loc>"
        f"<lastmod>{y}-{m:02d}-28T00:00:00Z</lastmod></sitemap>"
        for y, m in months
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>"
    ).encode()


def urlset(*entries: tuple[str, str]) -> bytes:
    body = "".join(
        f"<url><loc>https://english.almayadeen.net{path}</loc><lastmod>{when}</lastmod></url>"
        for path, when in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    ).encode()


# -- each page kind ----------------------------------------------------------------------------


def test_a_listing_leads_to_its_cards_its_listings_and_its_next_page(spider_run: Run) -> None:
    run = spider_run()
    out = run.feed(run.response("/news/politics", LISTING))
    articles = by_kind(out, LinkKind.ARTICLE)
    assert [r.url for r in articles] == [CARD_2022, CARD_2024]
    assert all(r.callback == run.spider.parse_article for r in articles)
    assert articles[0].meta[LINK_DATE] == datetime(2022, 7, 29, 8, 49, tzinfo=UTC)
    assert {r.url for r in by_kind(out, LinkKind.LISTING)} == {BASE + "/", BASE + "/news"}
    (next_page,) = by_kind(out, LinkKind.NEXT_PAGE)
    assert next_page.url == BASE + "/news/politics?page=2"
    assert next_page.meta[LISTING_PAGE] == 2
    assert next_page.meta[PREVIOUS_CARDS] == [CARD_2022, CARD_2024]
    assert items(out) == []
    assert run.stats()["listing_pages"] == 1


def test_an_article_page_gives_one_complete_item_and_its_listings(spider_run: Run) -> None:
    run = spider_run()
    response = run.response(
        ARTICLE_PATH + "?utm_source=x",
        ARTICLE,
        callback=run.spider.parse_article,
        redirect_urls=[BASE + "/article/12345"],
    )
    out = run.feed(response)
    (item,) = items(out)
    assert item.url == "https://english.almayadeen.net" + ARTICLE_PATH
    assert item.fetched_url == BASE + ARTICLE_PATH + "?utm_source=x"
    # Other URLs that led here, on the production host like ``url``.
    assert item.alternate_urls == ["https://english.almayadeen.net/article/12345"]
    assert item.date_published == "2024-01-15T10:24:00Z" and item.fingerprint
    listings = {r.url for r in by_kind(out, LinkKind.ARTICLE_LISTING)}
    assert BASE + "/tags/Palestine" in listings and BASE + "/authors/karim-salem" in listings
    assert by_kind(out, LinkKind.ARTICLE) == []  # Related and Read Next are left to listings


def test_an_article_shaped_url_that_serves_a_listing_is_read_as_one(spider_run: Run) -> None:
    run = spider_run()
    response = run.response(
        "/news/politics/not-a-known-section", LISTING, callback=run.spider.parse_article
    )
    out = run.feed(response)
    assert items(out) == [] and len(by_kind(out, LinkKind.ARTICLE)) == 2
    assert run.stats()["not_article"] == 1


def test_a_listing_shaped_url_that_serves_an_article_gives_the_item(spider_run: Run) -> None:
    run = spider_run()
    (item,) = items(run.feed(run.response("/authors/some-slug", ARTICLE)))
    assert item.url == "https://english.almayadeen.net" + ARTICLE_PATH


def test_sitemaps_and_rss_lead_to_articles(spider_run: Run) -> None:
    run = spider_run()
    index = run.response(
        "/sitemaps/all.xml", sitemap_index((2024, 1)), run.spider.parse_sitemap, XmlResponse
    )
    (monthly,) = requests(run.feed(index))
    assert monthly.url == BASE + "/sitemaps/sitemap-2024-1.xml"
    assert monthly.meta[LINK_KIND] == LinkKind.SITEMAP
    assert monthly.meta[LINK_LASTMOD] == datetime(2024, 1, 28, tzinfo=UTC)
    month = run.response(
        "/sitemaps/sitemap-2024-1.xml",
        urlset(("/news/politics/a", "2024-01-03T10:00:00Z"), ("/tags/x", "2024-01-04T00:00:00Z")),
        run.spider.parse_sitemap,
        XmlResponse,
    )
    out = run.feed(month)
    # Every <loc> is an article candidate, a listing-shaped one too: the page decides.
    assert [r.url for r in out] == [BASE + "/news/politics/a", BASE + "/tags/x"]
    assert out[0].meta[LINK_LASTMOD] == datetime(2024, 1, 3, 10, tzinfo=UTC)
    rss = (
        "<rss><channel><item><title>A</title>"
        "<link>https://english.almayadeen.net/news/politics/a</link>"
        "<pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    (entry,) = run.feed(run.response("/rss.xml", rss, run.spider.parse_rss, XmlResponse))
    assert entry.url == BASE + "/news/politics/a" and entry.meta[LINK_KIND] == LinkKind.ARTICLE


def test_a_load_more_listing_is_learned_once_in_the_browser(spider_run: Run) -> None:
    run = spider_run()
    body = LISTING.replace("</main>", '<button class="load-more">Load more</button></main>')
    out = run.feed(run.response("/news/politics", body))
    (learn,) = [r for r in requests(out) if r.meta.get("playwright")]
    assert learn.url == BASE + "/news/politics" and learn.dont_filter
    assert learn.meta[LISTING_PAGE] == 2
    # A second JS listing waits for the first one's learning instead of starting another.
    again = run.feed(run.response("/news/economy", body))
    assert [r for r in requests(again) if r.meta.get("playwright")] == []


# -- pagination stops --------------------------------------------------------------------------


def test_paging_stops_on_an_empty_page(spider_run: Run) -> None:
    run = spider_run()
    empty = '<html><body><a rel="next" href="/news/politics?page=3">Next</a></body></html>'
    out = run.feed(run.response("/news/politics?page=2", empty, **{LISTING_PAGE: 2}))
    assert by_kind(out, LinkKind.NEXT_PAGE) == []
    assert run.stats()["listing_stop/empty"] == 1


def test_paging_stops_at_the_page_cap(spider_run: Run) -> None:
    run = spider_run(settings={"NEWSCRAWL_MAX_LISTING_PAGES": 2})
    out = run.feed(run.response("/news/politics?page=2", LISTING, **{LISTING_PAGE: 2}))
    assert by_kind(out, LinkKind.NEXT_PAGE) == []
    assert run.stats()["listing_stop/page_cap"] == 1


def test_paging_stops_on_a_page_that_repeats_the_previous_one(spider_run: Run) -> None:
    run = spider_run()
    meta = {LISTING_PAGE: 2, PREVIOUS_CARDS: [CARD_2022, CARD_2024]}
    out = run.feed(run.response("/news/politics?page=2", LISTING, **meta))
    assert by_kind(out, LinkKind.NEXT_PAGE) == []
    assert run.stats()["listing_stop/repeated_page"] == 1


def test_paging_stops_once_every_card_is_older_than_since(spider_run: Run) -> None:
    run = spider_run(since="2024-06-01")
    out = run.feed(run.response("/news/politics", LISTING))
    assert by_kind(out, LinkKind.NEXT_PAGE) == [] and by_kind(out, LinkKind.ARTICLE) == []
    assert run.stats()["listing_stop/before_since"] == 1
    assert run.stats()["filtered/window"] == 2
    # A card within a day of since (its time may be local) is still followed, and paging goes on.
    run = spider_run(since="2024-01-16")
    out = run.feed(run.response("/news/politics", LISTING))
    assert [r.url for r in by_kind(out, LinkKind.ARTICLE)] == [CARD_2024]
    assert len(by_kind(out, LinkKind.NEXT_PAGE)) == 1


# -- the date window and the sections ----------------------------------------------------------


def test_the_window_filters_cards_sitemap_months_and_items(spider_run: Run) -> None:
    run = spider_run(since="2023-01-01", until="2023-12-31")
    out = run.feed(run.response("/news/politics", LISTING))
    assert by_kind(out, LinkKind.ARTICLE) == []  # 2022 and 2024: both outside
    index = run.response(
        "/sitemaps/all.xml",
        sitemap_index((2022, 12), (2023, 6), (2024, 1), (2024, 2)),
        run.spider.parse_sitemap,
        XmlResponse,
    )
    months = [r.url.rsplit("/", 1)[1] for r in run.feed(index)]
    # December 2022 ends within a day of since, January 2024 starts within a day of until.
    assert months == ["sitemap-2022-12.xml", "sitemap-2023-6.xml", "sitemap-2024-1.xml"]
    assert run.stats()["filtered/sitemap_outside_window"] == 1
    # The item's own date is judged exactly; its listings are not followed either.
    article = run.response(ARTICLE_PATH, ARTICLE, callback=run.spider.parse_article)
    assert run.feed(article) == []
    assert run.stats()["filtered/window"] == 3


def test_a_sitemap_lastmod_bounds_the_publication_from_above(spider_run: Run) -> None:
    run = spider_run(since="2024-01-10")
    month = run.response(
        "/sitemaps/sitemap-2024-1.xml",
        urlset(
            ("/news/politics/old", "2024-01-03T10:00:00Z"), ("/news/politics/new", "2024-02-01")
        ),
        run.spider.parse_sitemap,
        XmlResponse,
    )
    assert [r.url for r in run.feed(month)] == [BASE + "/news/politics/new"]


def test_sections_filter_cards_listings_and_items(spider_run: Run) -> None:
    run = spider_run(sections="news/economy")
    out = run.feed(run.response("/news/politics", LISTING))
    assert by_kind(out, LinkKind.ARTICLE) == []
    assert by_kind(out, LinkKind.LISTING) == []  # with sections, only their own listings
    assert run.stats()["filtered/section"] == 2
    article = run.response(ARTICLE_PATH, ARTICLE, callback=run.spider.parse_article)
    assert items(run.feed(article)) == []
    run = spider_run(sections="articles/blog")
    (item,) = items(run.feed(run.response(ARTICLE_PATH, ARTICLE, run.spider.parse_article)))
    assert item.section == "Blog"


def test_the_start_requests_follow_the_sources_and_sections(spider_run: Run) -> None:
    run = spider_run(discover="listings,rss", sections="news/politics")
    starts = list(run.spider.start_requests_for_sources())
    # robots.txt for the feeds it names, the usual feed paths, then the listings.
    assert [r.url for r in starts] == [
        BASE + "/robots.txt",
        BASE + "/rss.xml",
        BASE + "/rss",
        BASE + "/news/politics",
    ]
    # Without listings, the home page is read for the feed it announces.
    run = spider_run(discover="rss")
    starts = list(run.spider.start_requests_for_sources())
    assert [r.url for r in starts] == [
        BASE + "/robots.txt",
        BASE + "/rss.xml",
        BASE + "/rss",
        BASE + "/",
    ]


def test_non_html_responses_are_counted_not_parsed(spider_run: Run) -> None:
    run = spider_run()
    assert run.feed(run.response("/image.bin", b"\x00\x01", cls=Response)) == []
    assert run.stats()["not_html"] == 1


# -- an incremental run ------------------------------------------------------------------------


def known_state(directory: Path, *urls: str, dates: tuple[str, ...]) -> None:
    """A crawl state whose last complete run knew ``urls`` (published at ``dates``)."""
    state = CrawlState(directory)
    run_id = state.start_run("full", 1)
    with state.transaction() as db:
        for url, date in zip(urls, dates, strict=True):
            record = {**empty_record(), "url": url, "version": 1, "date_published": date}
            state.absorb(db, {**record, "fingerprint": fingerprint(record)})
    state.finish_run(run_id, "finished", True, {})
    state.close()


def test_an_incremental_run_skips_known_articles_and_stops_paging(
    spider_run: Run, tmp_path: Path
) -> None:
    production = [c.replace(BASE, "https://english.almayadeen.net") for c in (CARD_2022, CARD_2024)]
    known_state(
        tmp_path / "state", *production, dates=("2022-07-29T08:49:00Z", "2024-01-15T09:24:00Z")
    )
    settings = {"NEWSCRAWL_STATE_ENABLED": True, "NEWSCRAWL_STATE_DIR": str(tmp_path / "state")}
    run = spider_run(settings=settings)
    try:
        out = run.feed(run.response("/news/politics", LISTING))
        # Both cards are known and a listing card gives no sign of a change: not fetched; the
        # page reaches back past the high-water mark: no next page.
        assert by_kind(out, LinkKind.ARTICLE) == [] and by_kind(out, LinkKind.NEXT_PAGE) == []
        assert run.stats()["incremental/unchanged_not_fetched"] == 2
        assert run.stats()["listing_stop/high_water"] == 1
        # After a complete run, article pages no longer lead on to their listings.
        article = run.response(ARTICLE_PATH, ARTICLE, callback=run.spider.parse_article)
        out = run.feed(article)
        assert len(items(out)) == 1 and by_kind(out, LinkKind.ARTICLE_LISTING) == []
    finally:
        run.crawler.signals.send_catch_log(signal=signals.engine_stopped)  # release the lock
    # Without a complete run behind it, the same page is followed whole.
    run = spider_run(settings={**settings, "NEWSCRAWL_STATE_DIR": str(tmp_path / "fresh")})
    try:
        out = run.feed(run.response("/news/politics", LISTING))
        assert (
            len(by_kind(out, LinkKind.ARTICLE)) == 2 and len(by_kind(out, LinkKind.NEXT_PAGE)) == 1
        )
    finally:
        run.crawler.signals.send_catch_log(signal=signals.engine_stopped)
