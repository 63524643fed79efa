"""--block: a plain 403 signed by Cloudflare (no challenge page) for the feed or every path."""

from __future__ import annotations

import pytest

from newscrawl_replica.testing import ReplicaServer

FEED_PATHS = ("/rss.xml", "/rss", "/rss/all-news")


def _plainly_blocked(replica: ReplicaServer, path: str) -> None:
    answer = replica.get(path)
    assert answer.status == 403, path
    assert answer.headers["Server"] == "cloudflare"
    assert "cf-mitigated" not in answer.headers
    assert "Just a moment" not in answer.text and "<script" not in answer.text


@pytest.mark.parametrize("block", ["rss", "all"])
def test_block(block: str) -> None:
    with ReplicaServer(articles=20, truth=False, extra_args=["--block", block]) as replica:
        for path in FEED_PATHS:
            _plainly_blocked(replica, path)
        if block == "all":
            for path in ("/", "/robots.txt", "/sitemaps/all.xml", "/news/politics"):
                _plainly_blocked(replica, path)
        else:
            home = replica.get("/")
            assert home.status == 200
            # The feed the page announces is the one blocked.
            assert 'rel="alternate" type="application/rss+xml"' in home.text
            assert replica.get("/sitemaps/all.xml").status == 200
        # Control endpoints are never blocked.
        assert replica.get("/__replica__/health").status == 200
