"""Validation and de-duplication pipelines, over a record of the one real English page."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.items import ArticleItem
from newscrawl.logformatter import NewscrawlLogFormatter
from newscrawl.output.dedup import DedupPipeline
from newscrawl.output.runfiles import RUN_REJECTS
from newscrawl.output.validate import ValidationPipeline
from newscrawl.schema import FIELDS, fingerprint

SEED = Path(__file__).parent / "fixtures" / "seed" / "white-house-drone-sale.expected.json"


def record() -> ArticleItem:
    """A complete, valid record (the values of the one real English page we have)."""
    seed: dict[str, Any] = json.loads(SEED.read_text("utf-8"))
    item = ArticleItem(
        url=seed.get("url", "https://english.almayadeen.net/news/politics/x"),
        fetched_url="http://127.0.0.1:8765/news/politics/x",
        site="english.almayadeen.net",
        edition="en",
        language="en",
        post_id="1234567",
        content_type="article",
        title=seed.get("title", "A title"),
        body=seed.get("body", "A body."),
        word_count=len(seed.get("body", "A body.").split()),
        crawled_at="2026-11-27T12:00:00Z",
    )
    return refresh(item)


def refresh(item: ArticleItem) -> ArticleItem:
    item.fingerprint = fingerprint({name: getattr(item, name) for name in FIELDS})
    return item


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    return get_crawler(settings_dict={RUN_REJECTS: str(tmp_path / "run.rejects.jl")})


def test_a_valid_record_passes(crawler: Crawler) -> None:
    item = record()
    assert ValidationPipeline.from_crawler(crawler).process_item(item) is item


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": None}, "missing title"),
        ({"url": None}, "missing url"),
        ({"body": None, "word_count": 0}, "no body and no media"),
        ({"edition": "fr"}, "schema: edition:"),
        ({"date_published": "29 Jul 2022"}, "schema: date_published:"),
    ],
)
def test_rejects_keep_the_whole_record_and_the_reason(
    crawler: Crawler, tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    pipeline = ValidationPipeline.from_crawler(crawler)
    item = replace(record(), **change)
    with pytest.raises(DropItem, match="rejected"):
        pipeline.process_item(item)
    assert (tmp_path / "run.rejects.jl.part").exists()  # written like the feed
    assert not (tmp_path / "run.rejects.jl").exists()
    pipeline.close_spider()
    assert not (tmp_path / "run.rejects.jl.part").exists()
    lines = (tmp_path / "run.rejects.jl").read_text("utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert any(r.startswith(reason) for r in entry["reasons"]), entry["reasons"]
    assert entry["record"]["fetched_url"] == item.fetched_url
    assert set(entry["record"]) == set(FIELDS)
    assert crawler.stats.get_value("newscrawl/rejects") == 1


def test_media_without_body_is_a_record(crawler: Crawler) -> None:
    item = replace(
        record(), body=None, word_count=0, main_image={"url": "https://x/a.jpg", "caption": None}
    )
    assert ValidationPipeline.from_crawler(crawler).process_item(refresh(item)) is item


def test_duplicates_by_url_post_id_and_fingerprint(crawler: Crawler) -> None:
    pipeline = DedupPipeline.from_crawler(crawler)
    first = record()
    assert pipeline.process_item(first) is first
    same_url = replace(first, fetched_url="http://127.0.0.1:8765/article/1234567")
    same_post = replace(first, url=first.url + "-v2")
    same_content = replace(first, url=first.url + "-v3", post_id=None)
    for item, key in ((same_url, "url"), (same_post, "post_id"), (same_content, "fingerprint")):
        with pytest.raises(DropItem, match=f"duplicate \\({key}\\)"):
            pipeline.process_item(item)
    other = refresh(replace(first, url=first.url + "-other", post_id="7", title="Other"))
    assert pipeline.process_item(other) is other
    assert crawler.stats.get_value("newscrawl/duplicates") == 3


def test_a_dropped_duplicate_is_logged_by_its_reason_not_printed_whole(crawler: Crawler) -> None:
    """The log names the dropped article by URL; its body is not written into the log."""
    pipeline = DedupPipeline.from_crawler(crawler)
    first = record()
    pipeline.process_item(first)
    with pytest.raises(DropItem) as dropped:
        pipeline.process_item(replace(first, fetched_url="http://127.0.0.1:8765/article/1"))
    spider = Spider.from_crawler(crawler, name="almayadeen")
    line = NewscrawlLogFormatter.from_crawler(crawler).dropped(first, dropped.value, None, spider)
    text = line["msg"] % line["args"]
    assert text.startswith("Dropped: duplicate (url)") and first.url in text
    assert (first.body or "")[:40] not in text and "ArticleItem(" not in text
    assert get_project_settings()["LOG_FORMATTER"] == "newscrawl.logformatter.NewscrawlLogFormatter"
