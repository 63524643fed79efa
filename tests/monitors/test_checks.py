"""The health checks as pure functions: figures in, verdicts and messages out."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Request
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.monitors.checks import (
    Limits,
    RunFigures,
    check_articles,
    check_coverage,
    check_errors,
    check_exceptions,
    check_not_blocked,
    coverage_drifts,
)
from newscrawl.monitors.exit import exit_status
from newscrawl.monitors.figures import ReachStats
from newscrawl.schema import FIELDS

SITE = "http://127.0.0.1:8765"


def figures(mode: str = "full", **stats: Any) -> RunFigures:
    base = {"newscrawl/reach/site": SITE, "finish_reason": "finished"}
    return RunFigures.from_stats({**base, **stats}, mode)


@pytest.mark.parametrize(
    ("recorded", "status"),
    [
        ({}, 0),
        ({"field_coverage": 3}, 3),
        ({"field_coverage": 3, "site_reachable": 4}, 4),
        ({"site_reachable": 4, "output_failed": 5, "rejects_ratio": 3}, 5),
    ],
)
def test_the_most_severe_status_wins(recorded: dict[str, int], status: int) -> None:
    stats = {f"newscrawl/exit/{k}": v for k, v in recorded.items()}
    assert exit_status({**stats, "newscrawl/other": 9}) == status


def test_a_dense_field_that_falls_is_named_with_both_figures() -> None:
    history = [{"records": 80, "coverage": {"tags": 0.98, "title": 1.0}} for _ in range(5)]
    now = {"newscrawl/coverage/records": 80, "newscrawl/coverage/title": 80,
           "newscrawl/coverage/tags": 48}  # fmt: skip
    check = check_coverage(figures(**now), history, Limits())
    assert not check.ok
    assert "tags filled in 60.0% of 80 records, against 98.0% before" in check.message
    assert check.figures["drifts"] == {"tags": {"before": 0.98, "now": 0.6}}


def test_sparse_fields_are_judged_against_their_own_history() -> None:
    # video is in 5% of records: 1 of 80 is noise, not drift; tags at 98% -> 90% is within 30%.
    baseline = {"video": 0.05, "tags": 0.98}
    assert coverage_drifts({"video": 1 / 80, "tags": 0.9}, 80, baseline, 0.3) == {}
    # ... but a sparse field that vanishes in a large run is drift.
    assert coverage_drifts({"video": 0.0, "tags": 0.98}, 3000, baseline, 0.3) == {
        "video": (0.05, 0.0)
    }


def test_coverage_is_not_judged_without_history_or_on_small_runs() -> None:
    filled = {f"newscrawl/coverage/{name}": 0 for name in FIELDS}
    small = check_coverage(figures(**{"newscrawl/coverage/records": 5, **filled}), [], Limits())
    assert small.ok and "fewer than 20" in small.message
    fresh = check_coverage(figures(**{"newscrawl/coverage/records": 50, **filled}), [], Limits())
    assert fresh.ok and "no earlier run" in fresh.message


def test_article_floor_is_relative_to_runs_of_the_same_mode() -> None:
    history = [{"mode": "full", "finish_reason": "finished", "articles": 1000}] * 10
    history += [{"mode": "incremental", "finish_reason": "finished", "articles": 10}] * 10
    low = check_articles(figures("full", item_scraped_count=150), history, Limits())
    assert not low.ok and "below the floor 200" in low.message
    ok = check_articles(figures("full", item_scraped_count=250), history, Limits())
    assert ok.ok


def test_an_incremental_run_with_nothing_new_is_healthy_only_if_the_site_answered() -> None:
    answered = figures("incremental", **{"newscrawl/reach/listing/200": 5,
                                         "newscrawl/reach/sitemap/200": 2})  # fmt: skip
    check = check_articles(answered, [], Limits())
    assert check.ok and "7 listing and sitemap pages, all 200" in check.message
    moved = figures("incremental", **{"newscrawl/reach/listing/200": 5,
                                      "newscrawl/reach/listing/404": 1})  # fmt: skip
    check = check_articles(moved, [], Limits())
    assert not check.ok and "listing 404 1" in check.message


def test_error_rate_counts_failures_by_kind_but_not_robots_refusals() -> None:
    stats = {
        "response_received_count": 100,
        "newscrawl/errors/http/500": 4,
        "newscrawl/errors/timeout": 3,
        "newscrawl/errors/refused/robots": 50,
    }
    run = figures(**stats)
    check = check_errors(run, Limits())
    assert not check.ok
    assert check.message == (
        "7 failed requests against 100 pages fetched (7.0%, limit 5.0%): http/500 4, timeout 3"
    )


def test_any_exception_fails_unless_below_the_documented_small_rate() -> None:
    raised = {"spider_exceptions/count": 2, "spider_exceptions/ValueError": 2,
              "newscrawl/item_errors/KeyError": 1}  # fmt: skip
    few_pages = check_exceptions(figures(response_received_count=2, **raised), Limits())
    assert not few_pages.ok
    assert few_pages.message.startswith(
        "3 exceptions in the spider and the item pipelines against 2 pages: spider ValueError 2, "
        "item KeyError 1"
    )
    assert few_pages.figures["by_kind"] == {"spider ValueError": 2, "item KeyError": 1}
    assert not check_exceptions(figures(**raised), Limits()).ok  # no page at all
    # Three in 5,000 pages is 0.06%, below the default 0.1%.
    assert check_exceptions(figures(response_received_count=5000, **raised), Limits()).ok
    clean = check_exceptions(figures(response_received_count=2), Limits())
    assert clean.ok and clean.figures["exceptions"] == 0


def test_a_limited_run_is_compared_with_runs_of_the_same_scope_only() -> None:
    whole = [{"mode": "full", "finish_reason": "finished", "articles": 310}] * 5
    capped = [{"mode": "full", "finish_reason": "max_articles", "articles": 20,
               "scope": "max_articles=20"}] * 5  # fmt: skip
    run = RunFigures.from_stats(
        {"finish_reason": "max_articles", "item_scraped_count": 20}, "full", "max_articles=20"
    )
    check = check_articles(run, whole, Limits())
    assert check.ok and check.figures["recent_runs"] == 0 and check.figures["floor"] == 1
    check = check_articles(run, whole + capped, Limits())
    assert check.ok and check.figures["median_of_recent_runs"] == 20
    # The articles are the records handed to the feeds, not those a cap dropped after.
    assert check.figures["articles"] == 20


def test_download_errors_of_requests_without_an_errback_are_counted() -> None:
    crawler = get_crawler()
    crawler.stats = StatsCollector(crawler)
    reach = ReachStats(crawler)
    reach.process_exception(Request(f"{SITE}/robots.txt"), TimeoutError())
    reach.process_exception(Request(f"{SITE}/news", errback=lambda failure: None), TimeoutError())
    errors = RunFigures.from_stats(crawler.stats.get_stats(), "full").failed
    assert errors == {"timeout": 1}  # the spider's errback counts the second one itself


def test_plain_blocks_of_pages_are_named_and_a_blocked_feed_alone_is_not() -> None:
    blocked = figures(
        finish_reason="blocked",
        response_received_count=6,
        **{
            "newscrawl/blocked/pages": 4,
            "newscrawl/blocked/pages_paths": "/robots.txt, /sitemaps/all.xml, /",
            "newscrawl/blocked/feed": 2,
            "newscrawl/blocked/feed_paths": "/rss.xml, /rss",
        },
    )
    check = check_not_blocked(blocked)
    assert not check.ok and check.exit_status == 4
    assert "4 of 6 answers were a plain 403/429" in check.message
    assert "/sitemaps/all.xml" in check.message and "the feed at /rss.xml, /rss" in check.message
    assert "proxy" in check.message and "DOWNLOAD_DELAY" in check.message
    feed_only = figures(
        response_received_count=500,
        **{
            "newscrawl/coverage/records": 400,
            "newscrawl/blocked/feed": 2,
            "newscrawl/blocked/feed_paths": "/rss.xml, /rss",
        },
    )
    assert check_not_blocked(feed_only).ok
