"""URL classification and request URLs: a table of both editions' URL shapes."""

from __future__ import annotations

import gzip
import json

import pytest

from newscrawl.discovery.classify import (
    CrawlSite,
    classify,
    page_number,
    production_url,
    request_url,
    site_path,
)
from newscrawl.discovery.rules import UrlKind
from newscrawl_replica.arabic import DATASET as ARABIC_DATASET

A, L, X, D = UrlKind.ARTICLE, UrlKind.LISTING, UrlKind.OFFSITE, UrlKind.DISALLOWED
S, F, R, O = UrlKind.SITEMAP, UrlKind.FEED, UrlKind.ROBOTS, UrlKind.OTHER  # noqa: E741

EN_PROD = "https://english.almayadeen.net"
AR_PROD = "https://www.almayadeen.net"
REPLICA = "http://127.0.0.1:8765"

EN_TABLE: list[tuple[str, UrlKind]] = [
    # articles [en]
    ("/news/politics/drone-hits-bahrain-airport-as-gulf-states-intercept-iranian", A),
    ("/news/politics/white-house-has-no-evidence-of-drone-sale-from-iran-to-russi", A),
    ("/articles/blog/gaza-seized-the-initiative:-might-vs-willpower", A),
    ("/articles/opinion/the-west--the-rest-and-a-new-order", A),
    ("/articles/some-rare-article-without-section", A),
    ("/news/economy/oil-prices-jump-5%25-after-strike", A),
    ("/news/arts-culture/film-festival-opens", A),
    ("/videos/newsfeed/rockets-over-haifa", A),
    ("/videos/tv/the-interview-episode-12", A),
    ("/infographs/the-toll-of-the-war-in-numbers", A),
    ("/in-pictures/gaza-in-the-rain", A),
    ("/news/politics/slug/", A),
    ("/article/1234567", A),
    # listings
    ("/", L),
    ("/news", L),
    ("/articles", L),
    ("/videos", L),
    ("/infographs", L),
    ("/in-pictures", L),
    ("/live", L),
    ("/news/politics", L),
    ("/news/technology", L),
    ("/articles/opinion", L),
    ("/articles/analysis", L),
    ("/articles/features", L),
    ("/videos/newsfeed", L),
    ("/videos/digital-series", L),
    ("/regions/mena", L),
    ("/regions/us-canada", L),
    ("/regions/latin-america", L),
    ("/tags/Drone%20sale", L),
    ("/tags/Iran", L),
    ("/authors/roqayah-chamseddine", L),
    ("/authors/al-mayadeen-english", L),
    ("/news/politics?page=2", L),
    ("/tags/Iran?page=40", L),
    # feeds and sitemaps
    ("/sitemaps/all.xml", S),
    ("/sitemaps/all/sitemap-2024-7.xml", S),
    ("/sitemaps/all/sitemap-2022-12.xml", S),
    ("/rss.xml", F),
    ("/robots.txt", R),
    # disallowed by robots.txt
    ("/search", D),
    ("/search?q=gaza", D),
    ("/print/news/politics/some-slug", D),
    # other: assets, APIs, unknown shapes
    ("/static/site.css", O),
    ("/media/image/2024/7/1/abc.jpg", O),
    ("/api/listing?path=/news/politics&page=2", O),
    ("/news/politics/slug/comments/extra", O),
    ("/news/politics/some-slug?page=2", O),
    ("/about-us/contact/team/x", O),
]

AR_TABLE: list[tuple[str, UrlKind]] = [
    ("/news/politics/المقاومة-تتصدى-لقوات-الاحتلال-في-خان-يونس-ورفح---وتقصف-تمركز", A),
    ("/news/economic/أسعار-النفط-ترتفع", A),
    ("/newscast/2024/8/15/نشرة-السادسة", A),
    ("/newscast/2023/1/30/نشرة-الخامسة", A),
    ("/tv-reports/هجوم-أوكرانيا-على-كورسك-الروسية--مغامرة-غير-محسوبة-النتائج", A),
    ("/articles/مصر-بين-دور-الوسيط-والمسؤولية-القومية", A),
    ("/video/أبو-شجاع---قائد-كتيبة-طولكرم-في-سرايا-القدس", A),
    ("/press/-فورين-أفيرز---أوروبا-ما-بعد-أميركا", A),
    ("/misc/ما-مصير-رواد--ناسا--العالقين-في-المحطة-الفضائية", A),
    ("/reports/تقرير", A),
    ("/research-papers/لماذا-ينبغي-إعادة-النظر-بقراءة-استعمار-فلسطين", A),
    ("/podcasts/حلقة", A),
    ("/infograph/طائرة-أباتشي-هل-نجحت-في-الميدان", A),
    ("/analysis/تحليل", A),
    ("/health/صحة", A),
    ("/article/998877", A),
    ("/", L),
    ("/news", L),
    ("/news/politics", L),
    ("/news/economic", L),
    ("/tv-reports", L),
    ("/articles", L),
    ("/newscast", L),
    ("/authors/تمارا-حداد", L),
    ("/tags/غزة", L),
    ("/tv-reports?page=3", L),
    ("/sitemaps/all.xml", S),
    ("/sitemaps/all/sitemap-2024-8.xml", S),
    ("/rss.xml", F),
    ("/search?q=غزة", D),
    ("/print/news/politics/x", D),
    ("/newscast/2024/8/نشرة", O),
    ("/unknown-group/slug", O),
]


#: (edition, production base, path, kind) for both editions.
TABLE: list[tuple[str, str, str, UrlKind]] = [
    *(("en", EN_PROD, path, kind) for path, kind in EN_TABLE),
    *(("ar", AR_PROD, path, kind) for path, kind in AR_TABLE),
]


@pytest.mark.parametrize(
    ("edition", "prod", "path", "kind"),
    TABLE,
    ids=[f"{e}-{k.value}:{p}" for e, _, p, k in TABLE],
)
@pytest.mark.parametrize("on_replica", [False, True], ids=["production", "replica"])
def test_paths(edition: str, prod: str, path: str, kind: UrlKind, on_replica: bool) -> None:
    base = REPLICA if on_replica else prod
    site = CrawlSite.of(edition, base if on_replica else None)
    assert classify(base + path, site) is kind
    # A production URL seen while crawling a replica is on-site, with the same kind.
    assert classify(prod + path, site) is kind


def test_percent_encoded_arabic_path_is_classified_decoded() -> None:
    site = CrawlSite.of("ar", REPLICA)
    url = REPLICA + "/tv-reports/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1"
    assert classify(url, site) is A
    assert site_path(url, site) == "/tv-reports/تقرير"


def test_every_real_arabic_record_url_is_an_article() -> None:
    """The real Arabic records' URLs (2,262, merged by post id into the replica's shipped
    dataset): every one an article (author pages aside)."""
    with gzip.open(ARABIC_DATASET, "rt", encoding="utf-8") as lines:
        urls = {json.loads(line)["url"] for line in lines}
    assert len(urls) > 2000
    site = CrawlSite.of("ar", REPLICA)
    kinds = {url: classify(url, site) for url in urls}
    wrong = [u for u, k in kinds.items() if k is not A and "/authors/" not in u]
    assert wrong == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.almayadeen.net/news/politics/x", X),  # the other edition
        ("https://espanol.almayadeen.net/noticias/x", X),
        ("https://next-en.almayadeen.net/news/politics/x", X),
        ("https://alpha-en-media.almayadeen.net/media/image/2024/1/1/a.jpg", X),
        ("https://twitter.com/AlMayadeenEng", X),
        ("https://www.facebook.com/almayadeenenglish", X),
        ("http://127.0.0.1:9999/news/politics/x", X),  # another port is another host
        ("mailto:newsroom@almayadeen.net", O),
        ("javascript:void(0)", O),
        ("ftp://english.almayadeen.net/news/politics/x", X),
    ],
)
def test_off_site(url: str, kind: UrlKind) -> None:
    assert classify(url, CrawlSite.of("en", REPLICA)) is kind


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (EN_PROD + "/news/politics/slug", REPLICA + "/news/politics/slug"),
        (REPLICA + "/news/politics/slug/", REPLICA + "/news/politics/slug"),
        (
            REPLICA + "/news/politics/slug?utm_source=x&utm_medium=y",
            REPLICA + "/news/politics/slug",
        ),
        (REPLICA + "/news/politics/slug?fbclid=abc#comments", REPLICA + "/news/politics/slug"),
        (REPLICA + "/news/politics?page=3", REPLICA + "/news/politics?page=3"),
        (REPLICA + "/news/politics?page=1", REPLICA + "/news/politics"),
        (REPLICA + "/news/politics?utm_campaign=z&page=2", REPLICA + "/news/politics?page=2"),
        (EN_PROD + "/", REPLICA + "/"),
        ("https://www.almayadeen.net/news/politics/x", None),
        ("https://twitter.com/x", None),
    ],
)
def test_request_url(url: str, expected: str | None) -> None:
    assert request_url(url, CrawlSite.of("en", REPLICA)) == expected


def test_request_url_on_production_is_unchanged() -> None:
    site = CrawlSite.of("en")
    assert request_url(EN_PROD + "/news/politics/x/", site) == EN_PROD + "/news/politics/x"


def test_request_url_under_a_mirror_prefix() -> None:
    site = CrawlSite.of("en", "http://127.0.0.1:8765/mirror")
    assert request_url(EN_PROD + "/news/politics/x", site) == REPLICA + "/mirror/news/politics/x"
    assert classify(REPLICA + "/mirror/news/politics", site) is L
    assert classify(REPLICA + "/mirror/news/politics/x", site) is A


@pytest.mark.parametrize(
    ("url", "page"),
    [("/x?page=2", 2), ("/x?page=10&utm_source=y", 10), ("/x", None), ("/x?page=abc", None)],
)
def test_page_number(url: str, page: int | None) -> None:
    assert page_number(REPLICA + url) == page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (REPLICA + "/article/1303368", EN_PROD + "/article/1303368"),
        (REPLICA + "/news/politics/x?utm_source=y", EN_PROD + "/news/politics/x?utm_source=y"),
        (EN_PROD + "/news/politics/x/", EN_PROD + "/news/politics/x"),
        (REPLICA + "/tv-reports/%D8%AA%D9%82", EN_PROD + "/tv-reports/تق"),
    ],
)
def test_production_url(url: str, expected: str) -> None:
    assert production_url(url, CrawlSite.of("en", REPLICA)) == expected
