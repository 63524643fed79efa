"""No record lost to an output failure: real ``scrapy crawl`` runs whose feed cannot be opened,
whose disk fills mid-run, or whose storage fails when the feed closes.

Each run must say how many records were not written, exit with status 5 (output failed), teach
the crawl state nothing that is not on disk, and leave the next healthy run to emit every
article exactly once.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.feeds import accepted_urls, feed_files, read_feeds, read_jsonl

pytestmark = pytest.mark.timeout(300)

ARTICLES = 200


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=ARTICLES, seed=11) as server:
        yield server


def accepted(replica: ReplicaServer, out_dir: Path) -> set[str]:
    return accepted_urls(replica.truth(), out_dir)


def assert_output_failed(run: CrawlResult, not_written: int, of: int) -> None:
    assert output_failure(run) == (not_written, of)
    assert "'newscrawl/exit/output_failed': 5" in run.log
    assert run.returncode == 5  # scrapy crawl: output failed


def assert_health_file_is_part_of_the_output_failure(run: CrawlResult) -> None:
    """The health file beside a feed that cannot open cannot be written either: one more line of
    the output failure (status 5), not a judgement that crashed (status 1)."""
    assert "Output failed: the health file could not be written at /proc/x/" in run.log
    assert "Health judgement failed" not in run.log and "health_judgement" not in run.log


def output_failure(run: CrawlResult) -> tuple[int, int]:
    """(records not written, records scraped) from the run's "Output failed" line."""
    match = re.search(r"Output failed: (\d+) of (\d+) records were not written", run.log)
    assert match, run.log[-3000:]
    return int(match[1]), int(match[2])


def known(state_dir: Path) -> set[str]:
    state = CrawlState(state_dir)
    try:
        return set(state.articles())
    finally:
        state.close()


def healthy_run_completes_the_job(
    replica: ReplicaServer,
    tmp_path: Path,
    state_dir: Path,
    earlier: list[dict[str, object]],
    *args: str,
) -> None:
    out = tmp_path / "healthy"
    run = run_crawl(
        replica.base_url,
        out,
        "mode=incremental",
        *args,
        settings={"NEWSCRAWL_STATE_DIR": state_dir},
    )
    assert run.returncode == 0, run.log[-3000:]
    records = earlier + read_feeds(out)
    counts = Counter((r["url"], r["version"]) for r in records)
    assert {url for url, _ in counts} == accepted(replica, out)
    assert set(counts.values()) == {1}, "an article was emitted twice"
    assert run.stats["new"] == len(read_feeds(out)) and run.stats["not_written"] == 0
    assert known(state_dir) == accepted(replica, out)


def test_a_feed_that_cannot_open_teaches_the_state_nothing(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    state_dir = tmp_path / "state"
    run = run_crawl(
        replica.base_url,
        tmp_path / "unused",
        "mode=incremental",
        settings={"NEWSCRAWL_OUTPUT_DIR": "/proc/x", "NEWSCRAWL_STATE_DIR": state_dir},
    )
    missing, scraped = output_failure(run)
    assert missing == scraped > ARTICLES * 0.9
    assert_output_failed(run, scraped, scraped)
    assert "None of them reached it" in run.log
    assert_health_file_is_part_of_the_output_failure(run)
    assert known(state_dir) == set()
    healthy_run_completes_the_job(replica, tmp_path, state_dir, [])


@pytest.mark.parametrize(
    "discovery",
    [
        (),
        # Sitemaps alone: only the sitemap marks and the high-water mark say what the next run
        # reads, so neither may move after a run that lost lines.
        ("discover=sitemaps",),
    ],
)
def test_a_disk_that_fills_mid_run_keeps_whole_lines_and_the_state_learns_only_those(
    replica: ReplicaServer, tmp_path: Path, discovery: tuple[str, ...]
) -> None:
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(small)], check=True)
    try:
        state_dir = tmp_path / "state"
        run = run_crawl(
            replica.base_url,
            small,
            "mode=incremental",
            *discovery,
            settings={"NEWSCRAWL_STATE_DIR": state_dir},
        )
        [feed] = feed_files(small)
        on_disk = read_jsonl(feed)  # whole lines only: every one parses
        assert 0 < len(on_disk) < ARTICLES / 2
        assert {r["url"] for r in on_disk} == known(state_dir)
        assert "No space left on device" in run.log
        missing, total = output_failure(run)
        assert missing + len(on_disk) == total
        assert_output_failed(run, missing, total)
        assert f"The {len(on_disk)} written are in {feed}" in run.log
        earlier = on_disk
    finally:
        subprocess.run(["umount", str(small)], check=True)
    healthy_run_completes_the_job(replica, tmp_path, state_dir, earlier, *discovery)


def test_a_storage_that_fails_on_close_teaches_the_state_nothing(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    state_dir = tmp_path / "state"
    storages = json.dumps({"broken": "tests.incremental.failing_storage.RaisingStorage"})
    run = run_crawl(
        replica.base_url,
        tmp_path / "unused",
        "mode=incremental",
        "--output=broken://store/out.jsonl:jsonlines",
        settings={"NEWSCRAWL_STATE_DIR": state_dir, "FEED_STORAGES": storages},
    )
    missing, scraped = output_failure(run)
    assert missing == scraped > ARTICLES * 0.9
    assert_output_failed(run, scraped, scraped)
    assert "the store is down" in run.log
    assert known(state_dir) == set()
    assert run.stats["new"] == 0 and run.stats["not_written"] == scraped
    healthy_run_completes_the_job(replica, tmp_path, state_dir, [])


def test_an_export_whose_feed_cannot_open_says_so(replica: ReplicaServer, tmp_path: Path) -> None:
    """``-O /proc/x/out.jsonl`` as a hand run (no crawl state): the same account, and the way to
    get the records is to run it again."""
    run = run_crawl(replica.base_url, tmp_path, "--overwrite-output=/proc/x/out.jsonl")
    missing, scraped = output_failure(run)
    assert missing == scraped > ARTICLES * 0.9
    assert_output_failed(run, scraped, scraped)
    assert "This run kept no crawl state: run it again" in run.log
    assert_health_file_is_part_of_the_output_failure(run)
    # Its stats file would be beside the feed, which cannot be written: the log says it.
    assert f"stateless run finished: 0 new, 0 updated, 0 repeated, {scraped} not written" in (
        run.log
    )
    assert not (tmp_path / "state" / "crawl-state.sqlite3").exists()  # no crawl state


def test_a_directory_given_as_the_feed_is_reported_truly_and_loses_nothing(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    """``-O some/dir``: every line is written whole to ``dir.part``; the run says the feed could
    not be published there and where the lines are (not "none reached it"), and exits 5."""
    target = tmp_path / "out.jsonl"
    target.mkdir()
    run = run_crawl(replica.base_url, tmp_path / "job", "-O", str(target))
    part = tmp_path / "out.jsonl.part"
    lines = read_jsonl(part)
    assert {r["url"] for r in lines} == accepted(replica, tmp_path / "job") and lines
    assert run.returncode == 5
    assert (
        f"Output failed: the feed could not be published at {target} ([Errno 21] Is a directory"
    ) in run.log
    assert f"Its {len(lines)} lines are whole in {part}: move that file where it belongs." in (
        run.log
    )
    assert "None of them reached it" not in run.log and "run it again" not in run.log
    assert "'newscrawl/exit/output_failed': 5" in run.log


def test_a_directory_given_as_the_job_feed_is_published_by_the_next_run(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    target.mkdir()
    state_dir = tmp_path / "state"
    settings = {"NEWSCRAWL_STATE_DIR": state_dir}
    first = run_crawl(
        replica.base_url, tmp_path / "job", "mode=incremental", "-O", str(target), settings=settings
    )
    assert first.returncode == 5
    assert "the crawl state knows them" in first.log and "None of them reached it" not in first.log
    on_disk = read_jsonl(tmp_path / "out.jsonl.part")
    assert known(state_dir) == {r["url"] for r in on_disk} == accepted(replica, tmp_path)
    # The next run publishes those lines under a free name and emits nothing twice.
    healthy_run_completes_the_job(replica, tmp_path, state_dir, on_disk)
    assert read_jsonl(tmp_path / "out-2.jsonl") == on_disk
