"""The Arabic edition, built from the real Arabic records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

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
        assert '<div class="details-white-box"><h2>' in html


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
        assert len(repeats) == 2300 - len(arabic.records())
        for rec in repeats[:5]:
            assert big.get(quote(rec["url"].removeprefix(HOST))).status == 200
