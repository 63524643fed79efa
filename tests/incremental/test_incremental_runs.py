"""Scheduled runs end to end: real ``scrapy crawl`` processes against a real replica.

- a second run picks up exactly what was published and edited, fetching little;
- runs killed with SIGKILL and resumed leave every article exactly once across the feeds;
- a second run of the same job refuses to start while the first runs, and harms nothing.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl, start_crawl, wait_for_log
from tests.support.feeds import feed_files, parse_jsonl, read_feeds, read_jsonl, read_rejects
from tests.support.score import assert_matches_truth
from tests.support.wait import wait_until

pytestmark = pytest.mark.timeout(300)

#: Large enough that the listings and sitemaps an hourly run reads are a small share of a crawl.
ARTICLES = 1600


def only(urls: set[str]) -> Any:
    """A truth selection: the articles ``urls`` names."""
    return lambda line: line["record"]["url"] in urls


@pytest.mark.slow  # four crawls of a 1,600-article site: minutes
@pytest.mark.timeout(1500)
def test_second_run_emits_exactly_the_new_and_edited_articles(tmp_path: Path) -> None:
    with ReplicaServer(articles=ARTICLES, seed=3) as replica:
        first = run_crawl(replica.base_url, tmp_path, timeout=900)
        assert first.returncode == 0, first.log[-3000:]
        # Everything the replica holds, each exact; none of its records should be rejected.
        assert_matches_truth(read_feeds(tmp_path), replica.truth(), rejects=read_rejects(tmp_path))
        assert (first.stats["new"], first.stats["updated"]) == (ARTICLES, 0)

        changed = replica.publish(new=20, edit=5)
        second = run_crawl(replica.base_url, tmp_path)
        assert second.returncode == 0, second.log[-3000:]

        emitted = [r for path in second.stats["feeds"] for r in read_jsonl(path)]
        # Exactly the new and edited articles, each with its current (edited) content.
        assert_matches_truth(
            emitted, replica.truth(), only(set(changed["new"] + changed["edited"])),
            rejects=read_rejects(tmp_path), versions=dict.fromkeys(changed["edited"], 2),
        )  # fmt: skip
        assert len(emitted) == 25
        by_url = {r["url"]: r for r in emitted}
        assert {by_url[url]["version"] for url in changed["new"]} == {1}
        assert {by_url[url]["version"] for url in changed["edited"]} == {2}
        assert (second.stats["new"], second.stats["updated"]) == (20, 5)
        assert second.stats["unchanged_skipped"] > 0
        ratio = second.stats["pages_fetched"] / first.stats["pages_fetched"]
        assert ratio <= 0.05, (second.stats["pages_fetched"], first.stats["pages_fetched"])

        third = run_crawl(replica.base_url, tmp_path)  # nothing changed: nothing emitted
        assert third.returncode == 0 and (third.stats["new"], third.stats["updated"]) == (0, 0)
        assert [read_jsonl(path) for path in third.stats["feeds"]] in ([], [[]])

        # A full run fetches everything and its feed is the whole crawl, each article at the
        # version the state holds; it teaches the state nothing new.
        full = run_crawl(replica.base_url, tmp_path, "mode=full", timeout=900)
        assert full.returncode == 0 and (full.stats["new"], full.stats["updated"]) == (0, 0)
        assert full.stats["pages_fetched"] >= first.stats["pages_fetched"]
        assert full.stats["repeated"] == ARTICLES + 20
        [full_feed] = full.stats["feeds"]
        snapshot = read_jsonl(full_feed)

    earlier = [r for p in feed_files(tmp_path) if str(p) != full_feed for r in read_jsonl(p)]
    versions = Counter((r["url"], r["version"]) for r in earlier)
    assert max(versions.values()) == 1  # each version of each article once
    assert len(earlier) == ARTICLES + 20 + 5
    newest: dict[str, int] = {}
    for record in earlier:
        newest[record["url"]] = max(newest.get(record["url"], 0), record["version"])
    assert {r["url"]: r["version"] for r in snapshot} == newest
    assert "Run stats: incremental run finished: 20 new, 5 updated" in second.log


#: Where the default feeds of a job are, below its output folder.
FEEDS = "almayadeen/*"

#: Replays a kill test: every run of it prints the seed that chose its kill moments.
KILL_SEED = "NEWSCRAWL_KILL_SEED"


class LineWatch:
    """Counts the complete lines of the feeds under a folder (published ``*.jsonl`` and
    unpublished ``*.jsonl.part``) as they grow, reading only what was appended since the last
    look."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.seen: dict[Path, tuple[int, int]] = {}  # path -> (bytes read, lines)

    def count(self) -> int:
        total = 0
        # Feeds only (the state folder below holds queues that come and go while it is read).
        for path in self.out_dir.glob(f"{FEEDS}/*.jsonl*"):
            if not path.name.endswith((".jsonl", ".jsonl.part")):
                continue
            offset, lines = self.seen.get(path, (0, 0))
            try:
                with path.open("rb") as fh:
                    fh.seek(offset)
                    data = fh.read()
            except FileNotFoundError:  # renamed on publish meanwhile
                continue
            end = data.rfind(b"\n") + 1
            self.seen[path] = (offset + end, lines + data[:end].count(b"\n"))
            total += self.seen[path][1]
        return total


def kill(proc: Any) -> bool:
    """SIGKILL ``proc``; whether it was still running."""
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive


def unpublished(out_dir: Path) -> dict[Path, bytes]:
    """The complete lines of every feed a killed run left unpublished (``X.jsonl.part``)."""
    parts = {}
    for part in out_dir.glob(f"{FEEDS}/*.jsonl.part"):
        data = part.read_bytes()
        parts[part.with_name(part.name.removesuffix(".part"))] = data[: data.rfind(b"\n") + 1]
    return parts


@dataclass
class Kill:
    moment: str  # "written N" or "publish"
    landed: bool  # the run was still running when killed
    written: int  # feed lines (all runs) when it was killed


@pytest.mark.timeout(900)  # one whole crawl, spread over five runs
def test_killed_runs_resume_to_every_article_exactly_once(tmp_path: Path) -> None:
    """SIGKILLs at moments drawn across the whole crawl (three by articles written, one while
    the feed is published at the end), then a run to the end: every article once, exact, and
    every line a killed run had written is in the published feeds."""
    articles = 500
    seed = int(os.environ.get(KILL_SEED) or time.time_ns() % 1_000_000_007)
    print(f"kill test seed: {KILL_SEED}={seed} replays these kill moments")
    rng = random.Random(seed)
    # Feed lines written (all runs) at each kill; 150 articles (seconds of crawling on a busy
    # machine) are left after the last, so each kill lands on a run that is still crawling.
    targets = sorted(rng.randrange(articles * 7 // 10) for _ in range(3))
    watch = LineWatch(tmp_path)
    kills: list[Kill] = []
    left: dict[Path, bytes] = {}  # feeds killed runs left, with the lines they held
    with ReplicaServer(articles=articles, seed=5) as replica:
        truth = replica.truth()
        for target in targets:
            proc = start_crawl(replica.base_url, tmp_path)
            wait_until(lambda n=target: watch.count() >= n, f"{target} lines written",
                       timeout=600, proc=proc)  # fmt: skip
            kills.append(Kill(f"written {target}", kill(proc), watch.count()))
            left.update(unpublished(tmp_path))
        # The last kill lands while the run publishes its feed: as soon as the engine closes.
        proc = start_crawl(replica.base_url, tmp_path)
        wait_for_log(proc, tmp_path, "Closing spider", timeout=600)
        kills.append(Kill("publish", kill(proc), watch.count()))
        # A run quicker than the look at its log (it exits a fraction of a second after
        # closing) has published its feed whole: then it ended with status 0.
        publish_finished = not kills[-1].landed and proc.returncode == 0
        left.update(unpublished(tmp_path))
        final = run_crawl(replica.base_url, tmp_path)
        assert final.returncode == 0, final.log[-3000:]
    print(f"kill test seed {seed}: {kills} of {articles} articles")
    assert all(k.landed for k in kills[:-1]), kills
    assert kills[-1].landed or publish_finished, kills

    records = read_feeds(tmp_path)  # every line of every feed parses
    assert_matches_truth(records, truth, rejects=read_rejects(tmp_path))
    assert len(records) == articles and {r["version"] for r in records} == {1}
    assert not list(tmp_path.rglob("*.part")), "a feed was left unpublished"
    state = CrawlState(tmp_path / "state")
    assert state.article_count() == articles
    assert state.feeds(unfinished=True) == []
    # What was recovered: each feed a killed run left is published with every complete line
    # it held, and the run that finished it said so.
    logs = "".join(p.read_text() for p in (tmp_path / "logs").glob("*.log")) + final.log
    for feed, lines in left.items():
        assert feed.read_bytes() == lines, feed
        assert f"Recovered feed of an interrupted run: {feed}" in logs, feed
    recovered = sum(lines.count(b"\n") for lines in left.values())
    print(f"kill test seed {seed}: {recovered} lines recovered from {len(left)} killed feeds")
    assert recovered > 0 or targets[-1] == 0, "no kill left lines to recover"


def test_a_second_run_of_the_same_job_refuses_and_the_first_is_unharmed(tmp_path: Path) -> None:
    with ReplicaServer(articles=150, seed=2) as replica:
        first = start_crawl(replica.base_url, tmp_path)
        wait_for_log(first, tmp_path)  # it holds the job
        # Paused while the second run starts (however long that takes): it holds the job still.
        first.send_signal(signal.SIGSTOP)
        try:
            second = run_crawl(replica.base_url, tmp_path, timeout=120)
        finally:
            first.send_signal(signal.SIGCONT)
        assert first.wait(timeout=240) == 0
        truth = replica.truth()

    assert second.returncode != 0
    assert "another run of this job is in progress" in second.log
    assert second.stats == {}
    assert len(feed_files(tmp_path)) == 1
    records = read_feeds(tmp_path)
    assert_matches_truth(records, truth, rejects=read_rejects(tmp_path))
    assert len(records) == 150 and {r["version"] for r in records} == {1}
    assert not list(tmp_path.rglob("*.part"))


def test_a_backfill_resumes_from_its_jobdir_and_a_killed_one_from_the_state(
    tmp_path: Path,
) -> None:
    jobdir = tmp_path / "job"
    settings = {"JOBDIR": jobdir}
    with ReplicaServer(articles=400, seed=6) as replica:
        # Paced so that it is still running when it is stopped.
        paced = {**settings, "CONCURRENT_REQUESTS": 1, "DOWNLOAD_DELAY": 0.01}
        stopped = start_crawl(replica.base_url, tmp_path, settings=paced)
        watch = LineWatch(tmp_path)
        # Stopped mid-crawl: a tenth of the articles written, the rest still in the queue.
        wait_until(lambda: watch.count() >= 40, "40 lines written", timeout=300, proc=stopped)
        stopped.send_signal(signal.SIGINT)  # a graceful stop: Scrapy saves its queue
        # A stop asked for is not a failure: exit status 6, of its own (docs/scheduling.md).
        assert stopped.wait(timeout=60) == 6
        resumed = run_crawl(replica.base_url, tmp_path, settings=settings)
        assert resumed.returncode == 0, resumed.log[-3000:]
        assert "Resuming crawl" in resumed.log
        assert resumed.stats["complete"] and not resumed.stats["recovered_feeds"]

        replica.publish(new=5, edit=0)
        watch = LineWatch(tmp_path)
        written = watch.count()
        # Paced, so that it is still fetching the new articles when its first record is out
        # (a full run would emit every article again: docs/scheduling.md, run modes): one at a
        # time, each article page answered after 5 s, so 20 s of crawl follow the first.
        replica.set_latency(5)
        killed = start_crawl(
            replica.base_url,
            tmp_path,
            "mode=incremental",
            settings={**settings, "CONCURRENT_REQUESTS": 1},
        )
        # Killed while crawling: it has emitted a record.
        wait_until(lambda: watch.count() > written, "a record emitted", timeout=300, proc=killed)
        assert kill(killed)
        replica.set_latency(0)
        after_kill = run_crawl(replica.base_url, tmp_path, settings=settings)
        assert after_kill.returncode == 0, after_kill.log[-3000:]
        assert "its JOBDIR cannot be trusted" in after_kill.log
        truth = replica.truth()

    # Every article once by URL (an article emitted again, whatever its version, fails), exact.
    records = read_feeds(tmp_path)
    assert_matches_truth(records, truth, rejects=read_rejects(tmp_path))
    assert len(records) == 405 and {r["version"] for r in records} == {1}


def test_without_a_local_feed_the_state_learns_at_the_end_of_the_run(tmp_path: Path) -> None:
    with ReplicaServer(articles=80, seed=9) as replica:
        first = run_crawl(replica.base_url, tmp_path, "mode=incremental", "--output=-:jsonlines")
        assert first.returncode == 0, first.log[-3000:]
        lines = parse_jsonl(first.stdout)
        assert_matches_truth(lines, replica.truth(), rejects=read_rejects(tmp_path))
        assert len(lines) == first.stats["new"] == 80 and first.stats["feeds"] == []
        changed = replica.publish(new=2, edit=1)
        second = run_crawl(replica.base_url, tmp_path, "mode=incremental", "--output=-:jsonlines")
        assert second.returncode == 0, second.log[-3000:]
        lines = parse_jsonl(second.stdout)
        urls = set(changed["new"] + changed["edited"])
        assert_matches_truth(
            lines, replica.truth(), only(urls), rejects=read_rejects(tmp_path),
            versions=dict.fromkeys(changed["edited"], 2),
        )  # fmt: skip
        assert sorted(r["version"] for r in lines) == [1, 1, 2]


def test_the_state_follows_one_json_lines_feed_and_other_feeds_get_the_same_records(
    tmp_path: Path,
) -> None:
    """``-o`` feeds are used as given: the second run appends to them (Scrapy's meaning)."""
    feeds = tuple(f"--output={tmp_path}/{name}" for name in ("a.jsonl", "copy.jsonl", "b.csv"))
    with ReplicaServer(articles=60, seed=10) as replica:
        first = run_crawl(replica.base_url, tmp_path, "mode=incremental", *feeds)
        assert first.returncode == 0, first.log[-3000:]
        after_first = read_jsonl(tmp_path / "a.jsonl")
        replica.publish(new=2, edit=1)
        second = run_crawl(replica.base_url, tmp_path, "mode=incremental", *feeds)
        assert second.returncode == 0, second.log[-3000:]
    assert first.stats["feeds"] == second.stats["feeds"] == [f"{tmp_path}/a.jsonl"]
    records = read_jsonl(tmp_path / "a.jsonl")
    assert records[: len(after_first)] == after_first
    assert len(records) == len(after_first) + 3 and second.stats["new"] == 2
    assert records == read_jsonl(tmp_path / "copy.jsonl")
    with (tmp_path / "b.csv").open(newline="", encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    rows = [row for row in csv_rows if row["url"] != "url"]  # each run writes its header
    assert [(row["url"], row["title"], row["version"]) for row in rows] == [
        (r["url"], r["title"], str(r["version"])) for r in records
    ]
    for row, record in zip(rows, records, strict=True):
        # Lists and nested objects are JSON in their cell, and read back whole.
        for name in ("authors", "tags", "images", "main_image", "video", "related"):
            assert (json.loads(row[name]) if row[name] else None) == record[name], name
    assert not list(tmp_path.rglob("*.salvage")) and not list(tmp_path.rglob("*.part"))
