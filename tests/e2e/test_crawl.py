"""End-to-end: ``scrapy crawl almayadeen`` over HTTP against the replica, scored on its truth."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator

from newscrawl.schema import json_schema
from newscrawl_replica.testing import ReplicaServer

from .crawl import PROJECT, CrawlResult, run_crawl, score

#: Share of field values that must equal the truth exactly.
FIELD_FLOOR = 0.995


def assert_complete_and_exact(
    result: CrawlResult, truth: list[dict[str, Any]], keep: Any = None
) -> None:
    assert result.returncode == 0, result.log[-3000:]
    s = score(result.records, truth, keep)
    print(s.report())
    assert s.expected > 0
    assert s.missing == [], s.report()
    assert s.duplicates == []
    assert s.accuracy >= FIELD_FLOOR, s.report()
    validator = Draft202012Validator(json_schema())
    invalid = [(r["url"], e.message) for r in result.records for e in validator.iter_errors(r)]
    assert invalid == []


def test_english_full_crawl(replica_en: ReplicaServer, tmp_path: Path) -> None:
    truth = replica_en.truth()
    result = run_crawl(replica_en.base_url, tmp_path)
    assert_complete_and_exact(result, truth)
    assert len(result.records) == len(truth) == 500
    # Mixed layouts and content types, and a summary that says so.
    summary = result.summary
    assert summary["articles"] == 500
    assert set(summary["by_type"]) == {"article", "video", "infograph", "gallery"}
    # Both page layouts: 2022 bylines read "29 Jul 2022 11:49", 2024 ones "2024-01-15 12:24".
    raw_dates = [r["date_published_raw"] or "" for r in result.records]
    assert any(re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2}", d) for d in raw_dates)
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", d) for d in raw_dates)
    assert summary["by_section"]["Politics"] > 0
    assert summary["rejects"] == 0 and summary["duplicates"] == 0
    assert result.feed is not None and result.feed.parent == tmp_path / "almayadeen" / "en"
    assert "Run summary:" in result.log and str(result.feed) in result.log
    # Production URLs everywhere, whatever host the crawl ran against.
    assert all(r["url"].startswith("https://english.almayadeen.net/") for r in result.records)
    assert all(r["fetched_url"].startswith(replica_en.base_url) for r in result.records)
    alternates = [u for r in result.records for u in r["alternate_urls"]]
    assert all(u.startswith("https://english.almayadeen.net/") for u in alternates), alternates


@pytest.mark.parametrize("edition", ["en", "ar"])
@pytest.mark.parametrize("source", ["listings", "sitemaps"])
def test_each_source_alone_finds_everything(
    replica_en: ReplicaServer, replica_ar: ReplicaServer, tmp_path: Path, source: str, edition: str
) -> None:
    replica = replica_en if edition == "en" else replica_ar
    result = run_crawl(replica.base_url, tmp_path, f"discover={source}", edition=edition)
    assert_complete_and_exact(result, replica.truth())
    pages = result.summary["pages"]
    if source == "listings":
        assert pages["sitemap"] == 0 and pages["listing"] > 0
    else:
        assert pages["listing"] == 0 and pages["sitemap"] > 0


def test_rss_reads_the_newest(replica_en: ReplicaServer, tmp_path: Path) -> None:
    result = run_crawl(replica_en.base_url, tmp_path, "discover=rss")
    assert result.returncode == 0
    assert result.summary["pages"]["feed"] == 1
    truth = {line["record"]["url"]: line["record"] for line in replica_en.truth()}
    assert len(result.records) == 50
    assert all(r["url"] in truth for r in result.records)


def test_arabic_crawl(replica_ar: ReplicaServer, tmp_path: Path) -> None:
    truth = replica_ar.truth()
    result = run_crawl(replica_ar.base_url, tmp_path, edition="ar")
    assert_complete_and_exact(result, truth)
    assert len(result.records) == 300
    assert all(r["url"].startswith("https://www.almayadeen.net/") for r in result.records)


def test_js_listings_through_their_api(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=500, listing="js")
    result = run_crawl(replica.base_url, tmp_path, "discover=listings")
    assert_complete_and_exact(result, replica.truth())
    assert result.summary["pages"]["listing_api"] > 0


def test_flaky_site(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=500, faults="flaky")
    result = run_crawl(replica.base_url, tmp_path)
    assert_complete_and_exact(result, replica.truth())
    retries = result.summary["retries"]
    assert any("429" in reason for reason in retries), retries
    assert any("Timeout" in reason for reason in retries), retries
    assert result.summary["waits"]["retry_after"] > 0


def test_hostile_site(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=500, faults="hostile")
    truth = replica.truth()
    result = run_crawl(replica.base_url, tmp_path)
    assert_complete_and_exact(result, truth)  # every reachable article
    unreachable = [line for line in truth if not line["reachable"]]
    assert unreachable and len(result.records) == len(truth) - len(unreachable)
    summary = result.summary
    errors = summary["errors"]
    # The oversized page and the gzip bomb are refused by size, the loop by the redirect limit.
    assert errors.get("refused/too_large") == 1, errors
    assert errors.get("refused/too_large_decompressed") == 1, errors
    assert errors.get("refused/redirect_limit") == 1, errors
    for kind in ("too_large", "too_large_decompressed", "redirect_limit"):
        assert f"refused/{kind}" in result.log
    # Traps cost bounded requests and bytes: about one request per page of the site.
    pages = len(truth) + summary["pages"]["listing"] + summary["pages"]["sitemap"]
    assert summary["requests"] < 1.5 * pages, summary
    assert summary["response_bytes"] < 40 * 1024 * 1024, summary


def test_max_articles(replica_en: ReplicaServer, tmp_path: Path) -> None:
    result = run_crawl(replica_en.base_url, tmp_path, "max_articles=25")
    assert result.returncode == 0
    assert len(result.records) == 25
    assert result.summary["finish_reason"] == "max_articles"
    assert result.summary["requests"] < 200


@pytest.mark.parametrize(
    ("edition", "sections"),
    [("en", ("news/politics", "infographs")), ("ar", ("tv-reports", "newscast"))],
)
def test_sections(
    replica_en: ReplicaServer,
    replica_ar: ReplicaServer,
    tmp_path: Path,
    edition: str,
    sections: tuple[str, ...],
) -> None:
    replica = replica_en if edition == "en" else replica_ar
    result = run_crawl(
        replica.base_url, tmp_path, f"sections={','.join(sections)}", edition=edition
    )
    keep = tuple(f"/{s}/" for s in sections)

    def wanted(line: dict[str, Any]) -> bool:
        path = urlsplit(line["record"]["url"]).path
        return path.startswith(keep)

    assert_complete_and_exact(result, replica.truth(), wanted)
    # Every section asked for is there, and nothing else.
    found = {urlsplit(r["url"]).path.split("/")[1] for r in result.records}
    assert found == {s.split("/")[0] for s in sections}


def test_date_window(replica_en: ReplicaServer, tmp_path: Path) -> None:
    truth = replica_en.truth()
    dates = sorted(line["record"]["date_published"] for line in truth)
    since, until = dates[len(dates) // 3][:10], dates[len(dates) // 2][:10]

    def wanted(line: dict[str, Any]) -> bool:
        day = line["record"]["date_published"][:10]
        return since <= day <= until

    result = run_crawl(replica_en.base_url, tmp_path, f"since={since}", f"until={until}")
    assert_complete_and_exact(result, truth, wanted)
    assert len(result.records) == sum(map(wanted, truth))
    assert result.summary["filtered"]  # something was left out, and counted
    assert result.summary["requests"] < len(truth)  # months outside the window not read


def test_user_feed_replaces_the_default(replica_en: ReplicaServer, tmp_path: Path) -> None:
    """-O as a Scrapy user writes it: that feed, no default one; rejects and summary beside it."""
    out = tmp_path / "mine.jsonl"
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-O", str(out),
        "-a", f"base_url={replica_en.base_url}", "-a", "max_articles=5",
        "-s", "NEWSCRAWL_PROFILE=replica", "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'default'}",
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(out.read_text("utf-8").splitlines()) == 5
    assert not list((tmp_path / "default").glob("**/*.jsonl"))
    assert (tmp_path / "mine.summary.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["edition=fr"], "edition: unknown edition 'fr'"),
        (["since=last-week"], "since: 'last-week' is not a date"),
        (["discover=twitter"], "unknown source 'twitter'"),
        (["max_articles=-1"], "max_articles: '-1' is not a whole number"),
        (["base_url=localhost"], "base_url: 'localhost' is not an http(s) URL"),
    ],
)
def test_bad_arguments_fail_clearly(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_crawl("", tmp_path, *args, timeout=120)
    assert result.returncode != 0
    assert message in result.log
    assert result.records == []


def test_crawl_delay_is_honoured_without_the_replica_profile(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    """The live-site defaults: robots.txt's Crawl-delay: 1 spaces requests a second apart."""
    result = run_crawl(
        replica_en.base_url,
        tmp_path,
        "max_articles=6",
        "discover=listings",
        # Few requests in flight: closing at max_articles waits for those already queued.
        settings={
            "NEWSCRAWL_PROFILE": "",
            "LOG_LEVEL": "DEBUG",
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 2,
        },
    )
    assert result.returncode == 0 and len(result.records) == 6
    assert result.summary["waits"]["crawl_delay_seconds"] == 1
    times = [
        datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
        for line in result.log.splitlines()
        if "DEBUG: Crawled (" in line and "robots.txt" not in line
    ]
    assert len(times) >= 7
    # Log times have one-second resolution; n fetches a second apart span at least n-2 seconds.
    assert (times[-1] - times[0]).total_seconds() >= len(times) - 2, times


def test_article_pages_lead_to_their_tag_and_author_listings(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    """A crawl with no high-water mark follows the tag and author listings article pages link,
    and those alone lead to articles the two-page section listings do not reach."""
    capped = {"NEWSCRAWL_MAX_LISTING_PAGES": 2}
    result = run_crawl(replica_en.base_url, tmp_path, "discover=listings", settings=capped)
    assert result.returncode == 0
    without = run_crawl(
        replica_en.base_url,
        tmp_path / "without",
        "discover=listings",
        settings={**capped, "NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS": False},
    )
    assert without.returncode == 0
    assert result.summary["pages"]["listing"] > without.summary["pages"]["listing"]
    assert 0 < len(without.records) < len(result.records)
    assert {r["url"] for r in without.records} < {r["url"] for r in result.records}


def test_listing_page_cap(replica_en: ReplicaServer, tmp_path: Path) -> None:
    """A listing is paged at most NEWSCRAWL_MAX_LISTING_PAGES deep, and the summary says so."""
    result = run_crawl(
        replica_en.base_url,
        tmp_path,
        "discover=listings",
        # Section listings alone: the tag listings article pages link would reach the rest.
        settings={"NEWSCRAWL_MAX_LISTING_PAGES": 2, "NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS": False},
    )
    assert result.returncode == 0
    stops = result.summary["listing_stops"]
    assert stops.get("page_cap", 0) > 0, stops
    assert 0 < len(result.records) < 500
    assert "Listing page cap (2) reached" in result.log
