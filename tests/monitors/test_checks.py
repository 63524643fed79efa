"""The health checks as pure functions: figures in, verdicts and messages out."""

from __future__ import annotations

from typing import Any

import pytest

from newscrawl.monitors.checks import (
    Limits,
    RunFigures,
    check_articles,
    check_coverage,
    check_errors,
    check_not_blocked,
    coverage_drifts,
)
from newscrawl.monitors.exit import exit_status
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
    low = check_articles(figures("full", **{"newscrawl/coverage/records": 150}), history, Limits())
    assert not low.ok and "below the floor 200" in low.message
    ok = check_articles(figures("full", **{"newscrawl/coverage/records": 250}), history, Limits())
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
