"""The English edition's structure, fetched over HTTP from a running replica."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from newscrawl_replica.testing import ReplicaServer

REF_PATH = "/news/politics/white-house-has-no-evidence-of-drone-sale-from-iran-to-russi"
#: The real page's expected record, shipped with the tests.
SEED = Path(__file__).parents[1] / "fixtures" / "seed" / "white-house-drone-sale.expected.json"


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_home_has_menus_ticker_and_cards(en_replica: ReplicaServer) -> None:
    page = en_replica.get("/")
    assert page.status == 200
    html = page.text
    assert "BREAKING" in html and 'class="news-card"' in html
    for section in ("/news/politics", "/articles/opinion", "/videos/newsfeed", "/regions/mena"):
        assert f'href="{section}"' in html
    assert html.count('class="news-card"') >= 20
    assert "https://www.almayadeen.net/" in html  # other hosts are linked, not to be followed


def test_reference_article_page(en_replica: ReplicaServer) -> None:
    page = en_replica.get(REF_PATH)
    assert page.status == 200
    html = page.text
    canonical = "https://english.almayadeen.net" + REF_PATH
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert "<h2>White House has no evidence of drone sale from Iran to Russia</h2>" in html
    assert 'By <a href="/authors/al-mayadeen-english">Al Mayadeen English</a>' in html
    assert '<li class="post-date">29 Jul 2022 11:49</li>' in html
    assert "“We’ve seen no indications" in html
    assert "<h4>Related News</h4>" in html and "<p>Read more: <a" in html
    assert "Putin slams ‘golden billion’ idea as neocolonial, racist" in html
    assert 'content="2022-07-29T08:49:00.0000000"' in html
    block = re.search(
        r'<script id="tawsiyat-metadata" type="text/tawsiyat">(.*?)</script>', html, re.S
    )
    assert block and '\r\n  "type": "article",' in block.group(1)
    tawsiyat = json.loads(block.group(1))
    assert tawsiyat["published_time"] == "2022-07-29T11:49:00+03:00"
    assert tawsiyat["url"] == canonical


def test_reference_truth_matches_seed(en_truth: list[dict[str, Any]]) -> None:
    expected = json.loads(SEED.read_text(encoding="utf-8"))
    rec = next(t["record"] for t in en_truth if t["record"]["url"].endswith(REF_PATH))
    for key, value in expected.items():
        if key.startswith("_") or key in ("main_image_caption", "related_titles"):
            continue
        assert rec[key] == value, key
    assert rec["main_image"]["caption"] == expected["main_image_caption"]
    assert [r["title"] for r in rec["related"]] == expected["related_titles"]


def test_listing_pagination_newest_first(en_replica: ReplicaServer) -> None:
    first = en_replica.get("/news/politics").text.split('<aside class="most-read">')[0]
    assert 'rel="next" href="/news/politics?page=2"' in first
    second = en_replica.get("/news/politics?page=2").text.split('<aside class="most-read">')[0]
    dates1 = re.findall(r'<time datetime="([^"]+)"', first)
    dates2 = re.findall(r'<time datetime="([^"]+)"', second)
    assert len(dates1) == 20 and dates2
    assert dates1 == sorted(dates1, reverse=True) and dates1[-1] >= dates2[0]
    assert en_replica.get("/news/politics?page=999").status == 404
    assert en_replica.get("/news/politics?page=x").status == 400


def test_every_article_in_its_listings_and_sitemap(
    en_replica: ReplicaServer, en_truth: list[dict[str, Any]]
) -> None:
    linked: dict[str, set[str]] = {}
    for line in en_truth:
        for listing in line["listings"]:
            linked.setdefault(listing, set())
    for listing in linked:
        page = 1
        while True:
            html = en_replica.get(f"{listing}?page={page}").text
            linked[listing].update(unquote(h) for h in hrefs(html))
            if 'rel="next"' not in html:
                break
            page += 1
    sitemaps: dict[str, str] = {}
    for line in en_truth:
        rec = line["record"]
        path = unquote(rec["url"].removeprefix("https://english.almayadeen.net"))
        listings = line["listings"]
        section = path.rsplit("/", 1)[0]
        assert section in listings
        assert path in linked[section]
        assert any(path in linked[x] for x in listings if x.startswith(("/tags/", "/authors/")))
        if line["sitemap"] not in sitemaps:
            sitemaps[line["sitemap"]] = unquote(en_replica.get(line["sitemap"]).text)
        assert f"<loc>{rec['url']}</loc>" in sitemaps[line["sitemap"]]


def test_robots_rss_sitemap_index(en_replica: ReplicaServer) -> None:
    robots = en_replica.get("/robots.txt").text
    assert "Disallow: /search" in robots and "Crawl-delay: 1" in robots
    assert "Sitemap: https://english.almayadeen.net/sitemaps/all.xml" in robots
    index = en_replica.get("/sitemaps/all.xml").text
    assert "<sitemapindex" in index and "/sitemaps/all/sitemap-2022-7.xml" in index
    rss = en_replica.get("/rss.xml").text
    assert rss.count("<item>") == 50


def test_url_variants(en_replica: ReplicaServer) -> None:
    canonical = en_replica.get(REF_PATH).text
    assert en_replica.get(REF_PATH + "/").text == canonical
    assert en_replica.get(REF_PATH + "?utm_source=x&utm_medium=y").text == canonical
    moved = en_replica.get("/article/1603412")
    assert moved.status == 301 and moved.headers["Location"] == REF_PATH


def test_bodies_link_other_hosts(en_replica: ReplicaServer, en_truth: list[dict[str, Any]]) -> None:
    """Some body paragraphs cite other hosts; the link text stays body text."""
    found = 0
    for line in en_truth[:80]:
        rec = line["record"]
        html = en_replica.get(rec["url"].removeprefix("https://english.almayadeen.net")).text
        body_html = html.split('class="p-content">')[-1].split('class="article-body">')[-1]
        m = re.search(
            r'<p>([^<]*)<a href="(https://[^"]+)" target="_blank" rel="noopener">', body_html
        )
        if m:
            assert not m.group(2).startswith("https://english.almayadeen.net")
            assert "The report was first published by" in (rec["body"] or "")
            found += 1
    assert found >= 3


def first_of(truth: list[dict[str, Any]], **match: str) -> dict[str, Any]:
    return next(t["record"] for t in truth if all(t["record"][k] == v for k, v in match.items()))


def page_of(replica: ReplicaServer, rec: dict[str, Any]) -> str:
    return replica.get(rec["url"].removeprefix("https://english.almayadeen.net")).text


def test_content_types_and_layouts(
    en_replica: ReplicaServer, en_truth: list[dict[str, Any]]
) -> None:
    video = first_of(en_truth, content_type="video")
    html = page_of(en_replica, video)
    assert video["url"].startswith("https://english.almayadeen.net/videos/")
    assert (
        f'<video src="{video["video"]["url"]}" data-duration="{video["video"]["duration_seconds"]}"'
        in html
    )
    assert f'<meta property="og:video" content="{video["video"]["url"]}">' in html
    assert '"type": "videoobject"' in html

    gallery = first_of(en_truth, content_type="gallery")
    html = page_of(en_replica, gallery)
    assert gallery["url"].startswith("https://english.almayadeen.net/in-pictures/")
    assert html.count('<figure class="gallery-item">') == len(gallery["images"]) - 1

    infograph = first_of(en_truth, content_type="infograph")
    assert infograph["url"].startswith("https://english.almayadeen.net/infographs/")
    assert infograph["main_image"]["url"] in page_of(en_replica, infograph)

    new_layout = next(
        t["record"]
        for t in en_truth
        if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t["record"]["date_published_raw"])
    )
    html = page_of(en_replica, new_layout)
    assert '<h1 class="article-title">' in html
    row = re.search(r'<div class="article-meta">(.*?)</div>', html)
    assert row is not None
    text = re.sub(r"<[^>]+>", "", row.group(1))
    assert text.startswith(" ".join(new_layout["authors"]))
    assert f"{new_layout['date_published_raw']} {new_layout['shares']} Shares" in text
    assert text.endswith(f"{new_layout['read_time_minutes']} min read")


def test_conditional_requests(en_replica: ReplicaServer) -> None:
    page = en_replica.get(REF_PATH)
    last_modified = page.headers["Last-Modified"]
    assert last_modified == "Fri, 29 Jul 2022 09:02:11 GMT"
    again = en_replica.get(REF_PATH, headers={"If-Modified-Since": last_modified})
    assert again.status == 304 and again.body == b""
    older = en_replica.get(REF_PATH, headers={"If-Modified-Since": "Fri, 29 Jul 2022 09:00:00 GMT"})
    assert older.status == 200 and older.body == page.body
