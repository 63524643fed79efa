"""Scheduled runs end to end: real ``scrapy crawl`` processes against a real replica.

- a second run picks up exactly what was published and edited, fetching little;
- runs killed with SIGKILL and resumed leave every article exactly once across the feeds;
- a second run of the same job refuses to start while the first runs, and harms nothing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from jobrun import (
    feed_files,
    read_feed,
    read_feeds,
    run_crawl,
    start_crawl,
    versions,
    wait_until_crawling,
)

from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer

pytestmark = pytest.mark.timeout(300)

#: Large enough that the listings and sitemaps an hourly run reads are a small share of a crawl.
ARTICLES = 1600


def truth_records(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    """The replica's ground truth: every reachable article's record, by URL."""
    return {t["record"]["url"]: t["record"] for t in replica.truth() if t["reachable"]}


def rejected_urls(out_dir: Path) -> set[str]:
    rejects = [json.loads(line) for p in out_dir.rglob("*.rejects.jl") for line in p.open()]
    return {r["record"]["url"] for r in rejects}


def test_second_run_emits_exactly_the_new_and_edited_articles(tmp_path: Path) -> None:
    with ReplicaServer(articles=ARTICLES, seed=3) as replica:
        first = run_crawl(replica.base_url, tmp_path)
        assert first.returncode == 0, first.log[-3000:]
        # Everything the replica holds, except what validation rejected (in the rejects file).
        accepted = set(truth_records(replica)) - rejected_urls(tmp_path)
        assert len(accepted) > ARTICLES * 0.99
        assert {r["url"] for r in read_feeds(tmp_path)} == accepted
        assert (first.stats["new"], first.stats["updated"]) == (len(accepted), 0)

        changed = replica.publish(new=20, edit=5)
        second = run_crawl(replica.base_url, tmp_path)
        assert second.returncode == 0, second.log[-3000:]

        emitted = [r for path in second.stats["feeds"] for r in read_feed(Path(path))]
        assert sorted(r["url"] for r in emitted) == sorted(changed["new"] + changed["edited"])
        by_url = {r["url"]: r for r in emitted}
        assert {by_url[url]["version"] for url in changed["new"]} == {1}
        assert {by_url[url]["version"] for url in changed["edited"]} == {2}
        truth = truth_records(replica)
        for url, record in by_url.items():  # the edited content, not the old one
            assert record["fingerprint"] == truth[url]["fingerprint"], url
        assert (second.stats["new"], second.stats["updated"]) == (20, 5)
        assert second.stats["unchanged_skipped"] > 0
        ratio = second.stats["pages_fetched"] / first.stats["pages_fetched"]
        assert ratio <= 0.05, (second.stats["pages_fetched"], first.stats["pages_fetched"])

        third = run_crawl(replica.base_url, tmp_path)  # nothing changed: nothing emitted
        assert third.returncode == 0 and (third.stats["new"], third.stats["updated"]) == (0, 0)
        assert [read_feed(Path(path)) for path in third.stats["feeds"]] in ([], [[]])

        full = run_crawl(replica.base_url, tmp_path, "mode=full")  # fetches all, emits nothing
        assert full.returncode == 0 and (full.stats["new"], full.stats["updated"]) == (0, 0)
        assert full.stats["pages_fetched"] >= first.stats["pages_fetched"]
        assert full.stats["unchanged_fetched"] >= len(accepted)

    all_records = read_feeds(tmp_path)
    assert max(versions(all_records).values()) == 1  # each version of each article once
    assert len(all_records) == len(accepted) + 20 + 5
    assert "Run stats: incremental run finished: 20 new, 5 updated" in second.log


def test_killed_runs_resume_to_every_article_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(7)
    with ReplicaServer(articles=800, seed=5) as replica:
        expected = set(truth_records(replica))
        kills = 0
        for attempt in range(4):
            proc = start_crawl(replica.base_url, tmp_path)
            if attempt:  # the first kill lands in start-up, the others while crawling
                wait_until_crawling(proc, tmp_path)
            time.sleep(rng.uniform(0.3, 1.5))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait()
        assert kills >= 3
        final = run_crawl(replica.base_url, tmp_path)
        assert final.returncode == 0, final.log[-3000:]

    records = read_feeds(tmp_path)  # every line of every feed parses
    counts = versions(records)
    expected -= rejected_urls(tmp_path)
    assert set(url for url, _ in counts) == expected
    assert set(counts.values()) == {1}, [k for k, v in counts.items() if v > 1][:5]
    assert {version for _, version in counts} == {1}
    assert not list(tmp_path.rglob("*.part")), "a feed was left unpublished"
    state = CrawlState(tmp_path / "state")
    assert state.article_count() == len(expected)
    assert state.feeds(unfinished=True) == []
    logs = [p.read_text() for p in (tmp_path / "logs").glob("*.log")] + [final.log]
    recoveries = sum(log.count("Recovered feed of an interrupted run") for log in logs)
    assert recoveries >= 1, "no run found a feed of a killed run to finish"


def test_a_second_run_of_the_same_job_refuses_and_the_first_is_unharmed(tmp_path: Path) -> None:
    with ReplicaServer(articles=150, seed=2) as replica:
        # Slow enough that the second run starts while the first one holds the job.
        slow = {"DOWNLOAD_DELAY": 0.05, "CONCURRENT_REQUESTS": 1}
        first = start_crawl(replica.base_url, tmp_path, settings=slow)
        wait_until_crawling(first, tmp_path)
        second = run_crawl(replica.base_url, tmp_path, settings=slow, timeout=120)
        assert first.poll() is None, "the first run ended before the second was refused"
        assert first.wait(timeout=240) == 0

    assert second.returncode != 0
    assert "another run of this job is in progress" in second.log
    assert second.stats == {}
    assert len(feed_files(tmp_path)) == 1
    records = read_feeds(tmp_path)
    assert len(records) == 150 - len(rejected_urls(tmp_path))
    assert set(versions(records).values()) == {1}
    assert not list(tmp_path.rglob("*.part"))


def test_a_backfill_resumes_from_its_jobdir_and_a_killed_one_from_the_state(
    tmp_path: Path,
) -> None:
    jobdir = tmp_path / "job"
    settings = {"JOBDIR": jobdir}
    with ReplicaServer(articles=400, seed=6) as replica:
        expected = set(truth_records(replica))
        # Paced so that it is still running when it is stopped.
        paced = {**settings, "CONCURRENT_REQUESTS": 1, "DOWNLOAD_DELAY": 0.01}
        stopped = start_crawl(replica.base_url, tmp_path, settings=paced)
        wait_until_crawling(stopped, tmp_path)
        time.sleep(2)
        stopped.send_signal(signal.SIGINT)  # a graceful stop: Scrapy saves its queue
        assert stopped.wait(timeout=60) == 0
        resumed = run_crawl(replica.base_url, tmp_path, settings=settings)
        assert resumed.returncode == 0, resumed.log[-3000:]
        assert "Resuming crawl" in resumed.log
        assert resumed.stats["complete"] and not resumed.stats["recovered_feeds"]

        replica.publish(new=5, edit=0)
        killed = start_crawl(replica.base_url, tmp_path, "mode=full", settings=settings)
        wait_until_crawling(killed, tmp_path)
        time.sleep(1)
        killed.kill()
        killed.wait()
        after_kill = run_crawl(replica.base_url, tmp_path, settings=settings)
        assert after_kill.returncode == 0, after_kill.log[-3000:]
        assert "its JOBDIR cannot be trusted" in after_kill.log
        expected |= set(truth_records(replica))

    counts = versions(read_feeds(tmp_path))
    assert {url for url, _ in counts} == expected - rejected_urls(tmp_path)
    assert set(counts.values()) == {1}


def test_without_a_local_feed_the_state_learns_at_the_end_of_the_run(tmp_path: Path) -> None:
    with ReplicaServer(articles=80, seed=9) as replica:
        first = run_crawl(replica.base_url, tmp_path, "-o", "-:jsonlines")
        assert first.returncode == 0, first.log[-3000:]
        lines = [json.loads(line) for line in first.stdout.splitlines()]
        assert len(lines) == first.stats["new"] >= 75 and first.stats["feeds"] == []
        replica.publish(new=2, edit=1)
        second = run_crawl(replica.base_url, tmp_path, "-o", "-:jsonlines")
        assert second.returncode == 0, second.log[-3000:]
        lines = [json.loads(line) for line in second.stdout.splitlines()]
        assert sorted(r["version"] for r in lines) == [1, 1, 2]


def test_the_state_follows_one_json_lines_feed_and_other_feeds_get_the_same_records(
    tmp_path: Path,
) -> None:
    feeds = tuple(f"--output={tmp_path}/{name}" for name in ("a.jsonl", "copy.jsonl", "b.csv"))
    with ReplicaServer(articles=60, seed=10) as replica:
        first = run_crawl(replica.base_url, tmp_path, *feeds)
        assert first.returncode == 0, first.log[-3000:]
        replica.publish(new=2, edit=1)
        second = run_crawl(replica.base_url, tmp_path, *feeds)
        assert second.returncode == 0, second.log[-3000:]
    assert first.stats["feeds"] == [f"{tmp_path}/a.jsonl"]
    assert second.stats["feeds"] == [f"{tmp_path}/a-2.jsonl"]
    for run, suffix in ((first, ""), (second, "-2")):
        records = read_feed(tmp_path / f"a{suffix}.jsonl")
        assert records == read_feed(tmp_path / f"copy{suffix}.jsonl")
        csv_lines = (tmp_path / f"b{suffix}.csv").read_text().strip().splitlines()
        assert len(records) == run.stats["new"] + run.stats["updated"] > 0
        assert csv_lines[0].startswith("schema_version,url") and len(csv_lines) > len(records)
    assert not list(tmp_path.rglob("*.salvage")) and not list(tmp_path.rglob("*.part"))
