"""The Arabic edition, built from the real Arabic records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

import jsonschema
import pytest

from newscrawl.schema import FIELDS, json_schema
from newscrawl_replica import arabic
from newscrawl_replica.testing import ReplicaServer

HOST = "https://www.almayadeen.net"


@pytest.fixture(scope="module")
def ar() -> Iterator[ReplicaServer]:
    with ReplicaServer(edition="ar", articles=800) as r:
        yield r


def test_records_are_valid_and_real(ar: ReplicaServer) -> None:
    truth = ar.truth()
    assert len(truth) == 800
    validator = jsonschema.Draft202012Validator(json_schema())
    for line in truth:
        rec = line["record"]
        full: dict[str, Any] = {
            name: rec.get(name, []) if name == "alternate_urls" else rec.get(name)
            for name in FIELDS
        }
        full.update(fetched_url=rec["url"], crawled_at="2026-01-01T00:00:00Z", version=1)
        validator.validate(full)
        assert rec["url"].startswith(HOST + "/") and rec["language"] == "ar"
    assert any(line["record"]["body"] for line in truth)
    assert any(line["record"]["content_type"] == "video" for line in truth)


def test_stray_class_spaces_are_normalized(ar: ReplicaServer) -> None:
    truth = ar.truth()
    line = next(t for t in truth if t["record"]["section"] == "أخبار منوعة")
    path = line["record"]["url"].removeprefix(HOST)
    html = ar.get(quote(path)).text
    assert '"value": " أخبار منوعة"' in html  # the CMS writes the stray space
    assert 'lang="ar" dir="rtl"' in html


def test_article_page_carries_the_record(ar: ReplicaServer) -> None:
    for line in ar.truth()[::30]:
        rec = line["record"]
        html = ar.get(quote(rec["url"].removeprefix(HOST))).text
        block = re.search(r'type="text/tawsiyat">(.*?)</script>', html, re.S)
        assert block is not None and "\r\n" in block.group(1)
        tawsiyat = json.loads(block.group(1))
        assert tawsiyat["postid"] == rec["post_id"]
        assert tawsiyat["url"] == rec["url"]
        assert '<div class="details-white-box"><h1>' in html  # h1, as a public scraper reads it


def test_publish_on_the_arabic_edition() -> None:
    with ReplicaServer(edition="ar", articles=100, seed=5) as live:
        result = live.publish(new=2, edit=2)
        truth = {line["record"]["url"]: line["record"] for line in live.truth()}
        assert len(truth) == 102
        for url in result["new"] + result["edited"]:
            assert url.startswith(HOST + "/")
            assert live.get(quote(url.removeprefix(HOST))).status == 200
            assert truth[url]["language"] == "ar"
        newest = max(r["date_published"] for r in truth.values())
        assert all(truth[url]["date_published"] >= newest[:10] for url in result["new"])


def test_more_articles_than_real_records_repeat_them_older() -> None:
    with ReplicaServer(edition="ar", articles=2300) as big:
        truth = big.truth()
        assert len(truth) == 2300
        urls = [line["record"]["url"] for line in truth]
        assert len(set(urls)) == 2300
        dates = [line["record"]["date_published"] for line in truth]
        assert dates == sorted(dates, reverse=True)
        repeats = [line["record"] for line in truth if line["record"]["title"].startswith("(2) ")]
        assert len(repeats) == 2300 - len(arabic.all_metas())
        for rec in repeats[:5]:
            assert big.get(quote(rec["url"].removeprefix(HOST))).status == 200


def test_every_url_type_and_writers_pages_in_the_sitemaps(ar: ReplicaServer) -> None:
    small = arabic.make_metas(300)
    assert {arabic.url_type(m.path) for m in small} == {
        arabic.url_type(m.path) for m in arabic.all_metas()
    }
    truth_urls = {line["record"]["url"] for line in ar.truth()}
    index = ar.get("/sitemaps/all.xml").text
    months = re.findall(r"<loc>https://www\.almayadeen\.net(/sitemaps/all/[^<]+)</loc>", index)
    locs = [
        loc for month in months for loc in re.findall(r"<loc>([^<]+)</loc>", ar.get(month).text)
    ]
    writers = [unquote(loc) for loc in locs if "/authors/" in loc]
    assert len(writers) == len(arabic.writers()) > 0
    assert not set(writers) & truth_urls  # a writer's page is not an article
    page = ar.get(quote(writers[0].removeprefix(HOST))).text
    assert '"type": "page"' in page and 'class="writer-bio"' in page
    assert 'class="news-list"' in page


def test_related_boxes_and_read_also_lines(ar: ReplicaServer) -> None:
    pages = [
        ar.get(quote(line["record"]["url"].removeprefix(HOST))).text
        for line in ar.truth()[:200]
        if line["record"]["related"]
    ]
    assert any('<div class="dual-related">' in page for page in pages)
    assert any("<p>اقرأ أيضاً: <a " in page for page in pages)
    assert any("<p>شاهد أيضاً <a " in page for page in pages)


@pytest.mark.parametrize(
    ("title", "year", "slug"),
    [
        # 2023: ':' kept, runs of '-' collapsed; 2024: ':' turned into '-', runs kept.
        ("عاجل: غارات على غزة", 2023, "عاجل:-غارات-على-غزة"),
        ("عاجل: غارات على غزة", 2024, "عاجل--غارات-على-غزة"),
        # A trailing '-' is trimmed; vowel marks (the shadda, a tanween) are dropped.
        ("ماذا بعد؟", 2024, "ماذا-بعد"),
        ("الشدّة في لقاءٍ", 2024, "الشدة-في-لقاء"),
    ],
)
def test_slugs_follow_the_rules_of_their_time(title: str, year: int, slug: str) -> None:
    published = int(datetime(year, 6, 1, tzinfo=UTC).timestamp())
    assert arabic.slug(title, published) == slug
