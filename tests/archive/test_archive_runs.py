"""The web archive end to end: real ``scrapy crawl`` runs against a real replica over HTTP.

- a crawl with ``-s NEWSCRAWL_ARCHIVE=warc``: WARC files that pass ``warcio check``, one response
  record per article, every record's ``archive`` reference resolving to its page;
- with the replica stopped, re-extraction from that archive emits nothing and says so; with a
  reader change it emits exactly the records that change, as version 2, and the dataset build
  takes them;
- a crawl killed with SIGKILL mid-run, then run again: every article in the feeds has its page
  in a published WARC file, and no file under a published name ends in a torn record.

The replica's size is ``NEWSCRAWL_ARCHIVE_ARTICLES`` (default 120); the acceptance-sized runs
(1,000 articles) are ``bench/archive_warc.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive.warc import LINK_KIND_HEADER, complete_length, read_record
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import CrawlResult, kill_after_lines, run_crawl, start_crawl
from tests.support.feeds import feed_files, iter_jsonl

ARTICLES = int(os.environ.get("NEWSCRAWL_ARCHIVE_ARTICLES", "120"))
ARCHIVE = {"NEWSCRAWL_ARCHIVE": "warc", "NEWSCRAWL_ARCHIVE_MAX_BYTES": 200_000}
WARCIO = Path(sys.executable).with_name("warcio")


def warc_files(out_dir: Path) -> list[Path]:
    return sorted(out_dir.rglob("*.warc.gz"))


def warcio_check(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WARCIO), "check", *map(str, paths)], capture_output=True, text=True, check=False
    )


def article_responses(paths: list[Path]) -> dict[str, str]:
    """Record id -> target URI of every archived article response."""
    found = {}
    for path in paths:
        with path.open("rb") as src:
            for record in ArchiveIterator(src):
                headers = record.rec_headers
                if record.rec_type == "response" and headers.get_header(LINK_KIND_HEADER) == (
                    "article"
                ):
                    found[headers.get_header("WARC-Record-ID")] = headers.get_header(
                        "WARC-Target-URI"
                    )
    return found


def assert_resolves(feed: Path, record: dict[str, Any]) -> None:
    ref = record["archive"]
    assert ref is not None, f"{record['url']} has no archive reference"
    page = read_record(feed.parent / ref["file"], ref["offset"])
    assert page.rec_headers.get_header("WARC-Record-ID") == ref["record_id"]
    assert page.rec_headers.get_header("WARC-Target-URI") == record["fetched_url"]
    assert page.http_headers.get_statuscode() == "200"
    assert b"<html" in page.raw_stream.read().lower()


def reextract(base_url: str, out_dir: Path, env: dict[str, str] | None = None) -> CrawlResult:
    return run_crawl(base_url, out_dir, f"reextract={out_dir}", env=env, timeout=300)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, CrawlResult]]:
    out = tmp_path_factory.mktemp("archived")
    with ReplicaServer(articles=ARTICLES, seed=5) as replica:
        result = run_crawl(replica.base_url, out, settings=ARCHIVE)
        base_url = replica.base_url
    # The replica is stopped from here on: nothing can be fetched again.
    yield base_url, out, result


def test_an_archiving_crawl_keeps_one_valid_response_record_per_article(
    archived: tuple[str, Path, CrawlResult],
) -> None:
    _, out, result = archived
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.records) == ARTICLES
    files = warc_files(out)
    assert len(files) > 1, "200 kB files should have rotated"
    assert not list(out.rglob("*.part"))
    check = warcio_check(files)
    assert check.returncode == 0, check.stdout + check.stderr
    responses = article_responses(files)
    assert len(responses) == ARTICLES
    assert {r["archive"]["record_id"] for r in result.records} == set(responses)
    assert result.feed is not None
    for record in result.records:
        assert_resolves(result.feed, record)
        assert responses[record["archive"]["record_id"]] == record["fetched_url"]


def test_reextraction_emits_nothing_then_exactly_what_a_reader_change_changes(
    archived: tuple[str, Path, CrawlResult],
) -> None:
    base_url, out, first = archived
    same = reextract(base_url, out)
    assert same.returncode == 0, same.log[-3000:]
    assert same.records == []
    assert f"{ARTICLES} archived pages read; no record changed, nothing emitted" in same.log

    changed = reextract(
        base_url, out, env={"SCRAPY_SETTINGS_MODULE": "tests.archive.reader_change"}
    )
    assert changed.returncode == 0, changed.log[-3000:]
    expected = {r["url"]: r for r in first.records if len(r["keywords"]) > 2}
    assert expected, "the replica gave no record the reader change affects"
    assert {r["url"] for r in changed.records} == set(expected)
    for record in changed.records:
        before = expected[record["url"]]
        assert record["version"] == 2
        assert record["keywords"] == before["keywords"][:2]
        assert record["fingerprint"] != before["fingerprint"]
        assert {k: v for k, v in record.items() if k not in ("keywords", "fingerprint",
                "version", "crawled_at")} == {k: v for k, v in before.items() if k not in (
                "keywords", "fingerprint", "version", "crawled_at")}  # fmt: skip
        assert record["crawled_at"] == before["crawled_at"], "crawled_at: the archived fetch"
    assert (
        f"{ARTICLES} archived pages read; {len(expected)} records changed (emitted as their "
        f"next version); values changed per field: keywords {len(expected)}"
    ) in changed.log
    # Run again with the same changed reader: nothing more changes.
    again = reextract(base_url, out, env={"SCRAPY_SETTINGS_MODULE": "tests.archive.reader_change"})
    assert again.records == [] and "no record changed" in again.log

    # The dataset build reads the re-extraction's feed like any other: version 2 is current.
    build = subprocess.run(
        [sys.executable, "-m", "newscrawl.dataset", "build", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    current = pq.read_table(out / "dataset" / "current").to_pylist()
    by_url = {row["url"]: row for row in current}
    assert len(by_url) == ARTICLES
    for url, before in expected.items():
        assert by_url[url]["version"] == 2
        assert by_url[url]["keywords"] == before["keywords"][:2]
        assert by_url[url]["archive"]["record_id"] == before["archive"]["record_id"]


def test_a_killed_archiving_crawl_and_its_rerun_leave_every_article_with_its_page(
    tmp_path: Path,
) -> None:
    with ReplicaServer(articles=ARTICLES, seed=6) as replica:
        # Listings and sitemaps too (NEWSCRAWL_ARCHIVE_PAGES=all).
        settings = {**ARCHIVE, "NEWSCRAWL_FEED_FSYNC_EVERY": 1, "NEWSCRAWL_ARCHIVE_PAGES": "all"}
        # Paced (four pages at a time, each answered after a second), so that the run is
        # still crawling, seconds from its end, when the kill comes.
        replica.set_latency(1)
        paced = {**settings, "CONCURRENT_REQUESTS": 4}
        proc = start_crawl(replica.base_url, tmp_path, settings=paced)
        kill_after_lines(proc, tmp_path, ARTICLES // 3, timeout=300)
        replica.set_latency(0)
        parts = list(tmp_path.rglob("*.warc.gz.part"))
        assert parts, "the killed run left no WARC file being written"
        rerun = run_crawl(replica.base_url, tmp_path, settings=settings)
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert "Recovered the web archive of an interrupted run" in rerun.log
    assert not list(tmp_path.rglob("*.part"))
    files = warc_files(tmp_path)
    for path in files:
        assert complete_length(path) == path.stat().st_size, f"{path} ends in a torn record"
    check = warcio_check(files)
    assert check.returncode == 0, check.stdout + check.stderr
    kinds = set()
    for path in files:
        with path.open("rb") as src:
            kinds |= {r.rec_headers.get_header(LINK_KIND_HEADER) for r in ArchiveIterator(src)}
    assert {"article", "sitemap", "listing"} <= kinds
    urls = set()
    for feed in feed_files(tmp_path):
        for record in iter_jsonl(feed):
            assert_resolves(feed, record)
            urls.add(record["url"])
    assert len(urls) == ARTICLES
