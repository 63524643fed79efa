"""End-to-end: a site that blocks plainly (``403``, ``Server: cloudflare``, no challenge page).

The real English feed answered so to scripts. A block is named, not retried into a storm nor
handed to the browser: a run the whole site blocks stops at once with exit status 4 and says
what the operator can do; a run whose feed alone is blocked still crawls the listings and
sitemaps, and exits healthy with one warning naming the feed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.crawl import run_crawl
from tests.support.score import assert_crawl_matches_truth

ALL_SOURCES = "discover=listings,sitemaps,rss"


@pytest.mark.parametrize(("stop_after", "finish_reason"), [(None, "finished"), (3, "blocked")])
def test_a_blocked_site_stops_with_exit_4(
    replica_factory: Any, tmp_path: Path, stop_after: int | None, finish_reason: str
) -> None:
    replica = replica_factory(edition="en", articles=60, extra_args=("--block", "all"))
    # By default the start's four blocked pages end the run (nothing else to ask); with a lower
    # NEWSCRAWL_BLOCKED_STOP_AFTER the run is stopped on them.
    settings = {} if stop_after is None else {"NEWSCRAWL_BLOCKED_STOP_AFTER": stop_after}
    result = run_crawl(replica.base_url, tmp_path, ALL_SOURCES, settings=settings)
    assert result.returncode == 4, result.log[-3000:]
    assert result.summary["requests"] <= 30, result.summary
    assert result.summary["finish_reason"] == finish_reason
    assert result.records == []
    # The message names the block, the paths blocked and what to do about it.
    message = next(line for line in result.log.splitlines() if "site_not_blocked:" in line)
    assert "plain 403" in message and "no challenge" in message, message
    for path in ("/sitemaps/all.xml", "/robots.txt", "/rss.xml"):
        assert path in message, message
    for remedy in ("proxy", "browser profile", "DOWNLOAD_DELAY"):
        assert remedy in message, message
    # No retries and no browser: a plain block has nothing to solve.
    assert not result.summary["retries"], result.summary["retries"]
    assert not result.summary["challenges"], result.summary["challenges"]


def test_a_blocked_feed_alone_is_one_warning(replica_factory: Any, tmp_path: Path) -> None:
    replica = replica_factory(edition="en", articles=60, extra_args=("--block", "rss"))
    result = run_crawl(replica.base_url, tmp_path, ALL_SOURCES)
    assert result.returncode == 0, result.log[-3000:]
    assert_crawl_matches_truth(result, replica.truth())
    assert result.summary["pages"]["sitemap"] > 0 and result.summary["pages"]["listing"] > 0
    feed_warnings = [
        line for line in result.log.splitlines() if " WARNING: " in line and "feed" in line
    ]
    assert len(feed_warnings) == 1, feed_warnings
    assert "/rss.xml" in feed_warnings[0] and "403" in feed_warnings[0]
