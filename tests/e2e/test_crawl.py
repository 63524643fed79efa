"""End-to-end: ``scrapy crawl almayadeen`` over HTTP against the replica, scored on its truth."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newscrawl_replica.site import PAGE_SIZE
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl
from tests.support.feeds import read_jsonl
from tests.support.score import assert_crawl_matches_truth


def emitted(records: list[dict[str, Any]]) -> Any:
    """A truth selection: the articles ``records`` hold (for crawls that stop early, where
    which articles come first is the crawl's choice but each must be exact)."""
    urls = {r["url"] for r in records}
    return lambda line: line["record"]["url"] in urls


def test_english_full_crawl(replica_en: ReplicaServer, tmp_path: Path) -> None:
    truth = replica_en.truth()
    result = run_crawl(replica_en.base_url, tmp_path)
    assert_crawl_matches_truth(result, truth)
    assert len(result.records) == len(truth) == 500
    assert result.warnings == []  # a healthy run gives the user nothing to act on
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
    assert alternates, "no record carries an alternate URL: the check below would hold on nothing"
    assert all(u.startswith("https://english.almayadeen.net/") for u in alternates), alternates


@pytest.mark.parametrize("edition", ["en", "ar"])
@pytest.mark.parametrize("source", ["listings", "sitemaps"])
def test_each_source_alone_finds_everything(
    replica_en: ReplicaServer, replica_ar: ReplicaServer, tmp_path: Path, source: str, edition: str
) -> None:
    replica = replica_en if edition == "en" else replica_ar
    result = run_crawl(replica.base_url, tmp_path, f"discover={source}", edition=edition)
    assert_crawl_matches_truth(result, replica.truth())
    pages = result.summary["pages"]
    if source == "listings":
        assert pages["sitemap"] == 0 and pages["listing"] > 0
    else:
        assert pages["listing"] == 0 and pages["sitemap"] > 0


def test_rss_reads_the_newest(replica_en: ReplicaServer, tmp_path: Path) -> None:
    """The feed lists the 50 newest articles: exactly those, each with every field exact."""
    result = run_crawl(replica_en.base_url, tmp_path, "discover=rss")
    assert result.summary["pages"]["feed"] == 1
    truth = replica_en.truth()  # newest first
    newest = {line["record"]["url"] for line in truth[:50]}
    assert_crawl_matches_truth(result, truth, lambda line: line["record"]["url"] in newest)
    assert len(result.records) == 50


#: The Arabic edition's URL types [ar]: /news/{section}/{slug}, one-part types, dated bulletins.
AR_URL_TYPES = {
    "news", "tv-reports", "press", "misc", "reports", "research-papers", "podcasts", "infograph",
    "analysis", "health", "video", "articles", "newscast",
}  # fmt: skip
READ_ALSO = re.compile(r"^(اقرأ|شاهد) أيضا", re.MULTILINE)


def test_arabic_crawl(replica_ar: ReplicaServer, tmp_path: Path) -> None:
    truth = replica_ar.truth()
    result = run_crawl(replica_ar.base_url, tmp_path, edition="ar")
    assert_crawl_matches_truth(result, truth)
    assert len(result.records) == 300
    assert all(r["url"].startswith("https://www.almayadeen.net/") for r in result.records)
    # Every URL type, the dated bulletins among them.
    paths = [urlsplit(r["url"]).path for r in result.records]
    assert {p.split("/")[1] for p in paths} == AR_URL_TYPES
    assert any(re.match(r"^/newscast/\d{4}/\d{1,2}/\d{1,2}/", p) for p in paths)
    # Writers' pages are in the sitemaps and read, never emitted as articles.
    assert not [p for p in paths if p.startswith("/authors/")]
    assert result.summary["pages"]["sitemap"] > 0
    # Read-also lines and related boxes are links in ``related``, not body text.
    bodies = [r["body"] for r in result.records if r["body"]]
    assert bodies and not [b for b in bodies if READ_ALSO.search(b)]
    related = [link for r in result.records for link in r["related"]]
    assert len(related) > 50


def test_js_listings_through_their_api(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=500, listing="js")
    result = run_crawl(replica.base_url, tmp_path, "discover=listings")
    assert_crawl_matches_truth(result, replica.truth())
    assert result.summary["pages"]["listing_api"] > 0


def test_flaky_site(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=500, faults="flaky")
    result = run_crawl(replica.base_url, tmp_path)
    assert_crawl_matches_truth(result, replica.truth())
    retries = result.summary["retries"]
    assert any("429" in reason for reason in retries), retries
    assert any("Timeout" in reason for reason in retries), retries
    assert result.summary["waits"]["retry_after"] > 0


def test_hostile_site(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=500, faults="hostile")
    truth = replica.truth()
    result = run_crawl(replica.base_url, tmp_path)
    assert_crawl_matches_truth(result, truth)  # every reachable article
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
    # The run stats agree with themselves and with the feed (docs/scheduling.md, "Run stats").
    stats = result.stats
    assert stats["errors"] == sum(stats["errors_by_kind"].values()) == sum(errors.values())
    assert stats["new"] == len(result.records) and stats["not_written"] == 0
    assert stats["high_water_mark"] == max(r["date_published"] for r in result.records)
    # Traps cost bounded requests and bytes: about one request per page of the site.
    pages = len(truth) + summary["pages"]["listing"] + summary["pages"]["sitemap"]
    assert summary["requests"] < 1.5 * pages, summary
    assert summary["response_bytes"] < 40 * 1024 * 1024, summary


def newest(lines: list[dict[str, Any]], count: int) -> list[str]:
    """What ``max_articles`` promises: the URLs of the newest ``count`` articles of the truth
    ``lines``, newest first by publication time, ties by URL."""

    def moment(line: dict[str, Any]) -> float:
        published = line["record"]["date_published"].replace("Z", "+00:00")
        return datetime.fromisoformat(published).timestamp()

    ranked = sorted(lines, key=lambda line: (-moment(line), line["record"]["url"]))
    return [line["record"]["url"] for line in ranked[:count]]


def in_sections(*sections: str) -> Any:
    """A truth selection: the reachable articles under the site paths ``sections``."""
    prefixes = tuple(f"/{section}/" for section in sections)
    return lambda line: (
        line["reachable"] and urlsplit(line["record"]["url"]).path.startswith(prefixes)
    )


def test_max_articles(replica_en: ReplicaServer, tmp_path: Path) -> None:
    """The cap takes exactly the newest articles of the selection, newest first, whatever order
    the pages arrive in."""
    result = run_crawl(replica_en.base_url, tmp_path / "all", "max_articles=25")
    assert result.returncode == 0
    reachable = [line for line in replica_en.truth() if line["reachable"]]
    assert [r["url"] for r in result.records] == newest(reachable, 25)
    assert_crawl_matches_truth(result, replica_en.truth(), emitted(result.records))
    assert result.summary["articles"] == 25
    assert result.summary["finish_reason"] == "max_articles"
    assert result.summary["requests"] < 400  # listings first: the newest are on them

    politics = list(filter(in_sections("news/politics"), reachable))
    result = run_crawl(
        replica_en.base_url, tmp_path / "politics", "sections=news/politics", "max_articles=20"
    )
    assert result.returncode == 0
    assert [r["url"] for r in result.records] == newest(politics, 20)


def test_max_articles_of_sections_leaves_the_rest_new(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    """Two sections, capped: exactly their newest 50 (not fewer, nothing older). What the cap
    left out is not known to the crawl state: the next run of the job emits exactly that. The
    records held back do not hold their pages: with room for two pages in the scraper (Scrapy
    downloads nothing more past it), the run goes on to its end."""
    sections = ("news/politics", "articles")
    selection = list(filter(in_sections(*sections), replica_en.truth()))
    assert len(selection) > 50
    capped = run_crawl(
        replica_en.base_url, tmp_path, f"sections={','.join(sections)}", "max_articles=50",
        settings={"SCRAPER_SLOT_MAX_ACTIVE_SIZE": 100_000}, timeout=300,
    )  # fmt: skip
    assert capped.returncode == 0, capped.log[-3000:]
    assert [r["url"] for r in capped.records] == newest(selection, 50)
    assert_crawl_matches_truth(capped, replica_en.truth(), emitted(capped.records))
    assert capped.stats["new"] == 50

    rest = run_crawl(replica_en.base_url, tmp_path, f"sections={','.join(sections)}")
    assert rest.returncode == 0, rest.log[-3000:]
    assert sorted(r["url"] for r in rest.records) == sorted(newest(selection, len(selection))[50:])
    assert {r["version"] for r in rest.records} == {1}


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

    # Exactly the articles under the paths asked for: nothing else of their groups.
    assert_crawl_matches_truth(result, replica.truth(), wanted)


def test_date_window(replica_en: ReplicaServer, tmp_path: Path) -> None:
    truth = replica_en.truth()
    dates = sorted(line["record"]["date_published"] for line in truth)
    since, until = dates[len(dates) // 3][:10], dates[len(dates) // 2][:10]

    def wanted(line: dict[str, Any]) -> bool:
        day = line["record"]["date_published"][:10]
        return since <= day <= until

    result = run_crawl(replica_en.base_url, tmp_path, f"since={since}", f"until={until}")
    assert_crawl_matches_truth(result, truth, wanted)
    assert len(result.records) == sum(map(wanted, truth))
    assert result.summary["filtered"]  # something was left out, and counted
    assert result.summary["requests"] < len(truth)  # months outside the window not read


def test_user_feed_replaces_the_default(replica_en: ReplicaServer, tmp_path: Path) -> None:
    """-O as a Scrapy user writes it: that feed, no default one; rejects and summary beside it."""
    out = tmp_path / "mine.jsonl"
    result = run_crawl(
        replica_en.base_url, tmp_path, f"--overwrite-output={out}", "max_articles=5",
        settings={"NEWSCRAWL_OUTPUT_DIR": tmp_path / "default"}, timeout=120,
    )  # fmt: skip
    assert result.feed == out
    assert result.summary["articles"] == 5
    records = read_jsonl(out)
    assert records == result.records and len(records) == 5
    assert_crawl_matches_truth(result, replica_en.truth(), emitted(records))
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
        "discover=listings",
        # Scrapy's own item count ends the run after a few records (max_articles would read on
        # to find the newest); few requests in flight: closing waits for those already queued.
        settings={
            "NEWSCRAWL_PROFILE": "",
            "LOG_LEVEL": "DEBUG",
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 2,
            "CLOSESPIDER_ITEMCOUNT": 6,
        },
    )
    assert len(result.records) >= 6
    assert_crawl_matches_truth(result, replica_en.truth(), emitted(result.records))
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
    truth = replica_en.truth()
    assert_crawl_matches_truth(result, truth, emitted(result.records))
    without = run_crawl(
        replica_en.base_url,
        tmp_path / "without",
        "discover=listings",
        settings={**capped, "NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS": False},
    )
    assert_crawl_matches_truth(without, truth, emitted(without.records))
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
    stops = result.summary["listing_stops"]
    assert stops.get("page_cap", 0) > 0, stops
    assert "Listing page cap (2) reached" in result.log
    # Exactly the articles on the first two pages of some section, group, region or the home
    # page (truth lines are newest first, as listings are).
    truth = replica_en.truth()
    seen: dict[str, int] = {}
    within: set[str] = set()
    for line in truth:
        for path in line["listings"]:
            if not path.startswith(("/tags/", "/authors/")):
                seen[path] = seen.get(path, 0) + 1
                if seen[path] <= 2 * PAGE_SIZE:
                    within.add(line["record"]["url"])
    assert 0 < len(within) < len(truth)
    assert_crawl_matches_truth(result, truth, lambda line: line["record"]["url"] in within)
