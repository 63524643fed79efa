"""The ground truth file: valid records, and the pages it describes say what it says."""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from typing import Any

import jsonschema

from newscrawl.schema import CRAWL_FIELDS, FIELDS, fingerprint, json_schema
from newscrawl_replica.testing import ReplicaServer


def full_record(record: dict[str, Any]) -> dict[str, Any]:
    """The truth record plus the crawl fields, as a feed line would carry them."""
    crawl = {
        "fetched_url": record["url"],
        "alternate_urls": [],
        "crawled_at": "2026-01-01T00:00:00Z",
        "version": 1,
        "archive": None,
    }
    return {name: record[name] if name in record else crawl[name] for name in FIELDS}


def test_truth_lines_are_valid_records(en_truth: list[dict[str, Any]]) -> None:
    assert len(en_truth) == 300
    validator = jsonschema.Draft202012Validator(json_schema())
    for line in en_truth:
        rec = line["record"]
        assert set(rec) == set(FIELDS) - CRAWL_FIELDS
        validator.validate(full_record(rec))
        assert rec["fingerprint"] == fingerprint(rec)
        assert line["reachable"] is True
        assert re.fullmatch(r"/sitemaps/all/sitemap-\d{4}-\d{1,2}\.xml", line["sitemap"])
    urls = [line["record"]["url"] for line in en_truth]
    assert len(set(urls)) == len(urls)


def test_truth_has_the_mix_the_site_has(en_truth: list[dict[str, Any]]) -> None:
    records = [line["record"] for line in en_truth]
    kinds = Counter(r["content_type"] for r in records)
    assert set(kinds) == {"article", "video", "infograph", "gallery"}
    assert kinds["article"] > len(records) / 2
    assert any(len(r["authors"]) > 1 for r in records)
    assert any(r["related"] for r in records)
    assert any(r["body"] is None for r in records if r["content_type"] == "video")
    assert any("“" in (r["body"] or "") for r in records)
    assert any('"' in (r["body"] or "") for r in records)
    raws = [r["date_published_raw"] for r in records]
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", d) for d in raws)  # 2024 layout
    assert any(re.fullmatch(r"\d{2} \w{3} \d{4} \d{2}:\d{2}", d) for d in raws)  # 2022 layout
    years = {r["date_published"][:4] for r in records}
    assert len(years) >= 4
    published = [r["date_published"] for r in records]
    assert published == sorted(published, reverse=True)  # truth lines are newest first


def test_page_shows_its_truth(en_replica: ReplicaServer, en_truth: list[dict[str, Any]]) -> None:
    """Spot-check rendered pages against their records (title, tawsiyat, byline, paragraphs)."""
    for line in en_truth[::25]:
        rec = line["record"]
        path = rec["url"].removeprefix("https://english.almayadeen.net")
        html = en_replica.get(path).text
        block = re.search(r'type="text/tawsiyat">(.*?)</script>', html, re.S)
        assert block is not None
        tawsiyat = json.loads(block.group(1))
        assert tawsiyat["postid"] == rec["post_id"]
        assert tawsiyat["title"] == rec["title"]
        assert rec["date_published_raw"] in html
        text = unescape(re.sub(r"<[^>]+>", "", html))
        for paragraph in (rec["body"] or "").split("\n\n"):
            if paragraph:
                assert paragraph in text


def test_dst_in_visible_dates(en_truth: list[dict[str, Any]]) -> None:
    """Byline times are Beirut local: UTC+3 in summer, UTC+2 in winter."""
    for line in en_truth:
        rec = line["record"]
        utc_hour = int(rec["date_published"][11:13])
        raw = rec["date_published_raw"]
        local_hour = int(raw[-5:-3])
        month = int(rec["date_published"][5:7])
        if month in (6, 7, 8):
            assert (local_hour - utc_hour) % 24 == 3
        if month in (12, 1, 2):
            assert (local_hour - utc_hour) % 24 == 2
