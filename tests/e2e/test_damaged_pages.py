"""Damaged article pages end to end: a replica whose proxy answers a share of article pages with
200 and random bytes or cut HTML (``--faults damaged``, the same pages on every attempt).

The run stores every undamaged article exactly, no damaged one in the feed or the state, and
exits 3 naming the damage; the next run, with the pages whole again, emits exactly the
missing articles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.score import assert_crawl_matches_truth, assert_matches_truth

pytestmark = pytest.mark.timeout(600)


def damaged_urls(truth: list[dict[str, Any]]) -> dict[str, str]:
    return {line["record"]["url"]: line["damaged"] for line in truth if line.get("damaged")}


def health_of(result: CrawlResult) -> dict[str, Any]:
    assert result.feed is not None
    path = result.feed.with_name(result.feed.name.removesuffix(".jsonl") + ".health.json")
    return dict(json.loads(path.read_text("utf-8")))


def crawl_damaged_then_whole(tmp_path: Path, articles: int, seed: int) -> None:
    with ReplicaServer(
        articles=articles, seed=seed, faults="damaged", extra_args=["--damaged-share", "0.1"]
    ) as replica:
        truth = replica.truth()
        damaged = damaged_urls(truth)
        # The truth lists every article; a tenth of them damaged, both ways.
        assert len(truth) == articles
        assert len(damaged) == round(articles * 0.1)
        assert set(damaged.values()) == {"bytes", "cut"}
        first = run_crawl(replica.base_url, tmp_path)

    # Every undamaged article exact; no damaged record, no reject.
    assert_matches_truth(first.records, truth, lambda line: not line.get("damaged"), first.rejects)
    # Unhealthy, exit 3, the damage named by kind; the pages were retried before that.
    assert first.returncode == 3, first.log[-3000:]
    check = next(c for c in health_of(first)["checks"] if c["name"] == "damaged_pages")
    assert check["ok"] is False
    kinds = {"bytes": "undecodable", "cut": "truncated"}
    want = {kinds[k]: list(damaged.values()).count(k) for k in set(damaged.values())}
    assert check["figures"]["by_kind"] == want
    assert f"{len(damaged)} of {articles} article pages damaged" in check["message"]
    assert "damaged_pages:" in first.log
    retried = first.summary["retries"]
    assert retried["damaged/truncated"] >= 3 * want["truncated"], retried
    # Nothing of a damaged page in the state: the next run does not take it as known.
    state = CrawlState(tmp_path / "state")
    try:
        known = set(state.articles())
    finally:
        state.close()
    assert known == {line["record"]["url"] for line in truth} - damaged.keys()

    # The pages are whole again: the next (incremental) run emits exactly the missing ones.
    with ReplicaServer(articles=articles, seed=seed) as replica:
        second = run_crawl(replica.base_url, tmp_path)
        keep = set(damaged)
        assert_crawl_matches_truth(
            second, replica.truth(), lambda line: line["record"]["url"] in keep
        )
    assert len(second.records) == len(damaged)


def test_damaged_pages_are_retried_counted_and_fetched_next_run(tmp_path: Path) -> None:
    crawl_damaged_then_whole(tmp_path, articles=60, seed=5)


@pytest.mark.slow  # the acceptance size: 200 articles, 20 damaged
def test_damaged_pages_acceptance(tmp_path: Path) -> None:
    crawl_damaged_then_whole(tmp_path, articles=200, seed=3)
