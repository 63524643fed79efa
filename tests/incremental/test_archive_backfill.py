"""Archive-scale back-fills end to end: real ``scrapy crawl`` processes against a real replica.

- a back-fill with ``JOBDIR`` killed with SIGKILL mid-crawl (its request queue on disk), then
  resumed: every article exactly once;
- without ``JOBDIR`` the request queue waits on disk in the job's state directory, and the one
  a killed run left there is removed by the next run.

The back-fill's size is ``NEWSCRAWL_BACKFILL_ARTICLES`` (default 20,000, the acceptance figure;
about 12 minutes on two cores, the longest case CI runs; set it lower for a quick local run).
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl, start_crawl, wait_for_log
from tests.support.feeds import read_feeds, read_rejects
from tests.support.score import assert_matches_truth
from tests.support.wait import wait_until

ARTICLES = int(os.environ.get("NEWSCRAWL_BACKFILL_ARTICLES", "20000"))


def feed_lines(out_dir: Path) -> int:
    """Lines the running crawl has written to its feed so far."""
    parts = out_dir.glob("almayadeen/*/*.jsonl.part")  # not rglob: queues come and go below
    return sum(part.read_bytes().count(b"\n") for part in parts)


def queue_on_disk(directory: Path) -> bool:
    """Whether Scrapy's disk queues under ``directory`` hold any request."""
    return any(path.is_file() and path.stat().st_size for path in directory.rglob("*"))


def kill_after_lines(
    proc: subprocess.Popen[str], out_dir: Path, lines: int, timeout: float
) -> None:
    """SIGKILL the crawl ``proc`` once its feed holds ``lines`` lines."""
    wait_until(lambda: feed_lines(out_dir) >= lines, f"{lines} feed lines", timeout=timeout,
               proc=proc)  # fmt: skip
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.timeout(max(1800, ARTICLES // 5))
def test_a_backfill_killed_mid_crawl_with_jobdir_resumes_to_every_article_once(
    tmp_path: Path,
) -> None:
    jobdir = tmp_path / "job"
    with ReplicaServer(articles=ARTICLES, seed=11, extra_args=["--workers", "2"]) as replica:
        truth = replica.truth()
        proc = start_crawl(replica.base_url, tmp_path, settings={"JOBDIR": jobdir})
        wait_for_log(proc, tmp_path)
        # Mid-crawl: the sitemaps have put most of the archive in the queue on disk.
        kill_after_lines(proc, tmp_path, ARTICLES // 3, timeout=ARTICLES)
        assert queue_on_disk(jobdir / "requests.queue"), "no request queue on disk"
        resumed = run_crawl(replica.base_url, tmp_path, settings={"JOBDIR": jobdir},
                            timeout=ARTICLES)  # fmt: skip
        assert resumed.returncode == 0, resumed.log[-3000:]
        assert "its JOBDIR cannot be trusted" in resumed.log
        assert resumed.stats["complete"] and resumed.stats["recovered_feeds"]

    records = read_feeds(tmp_path)  # every line of every feed parses
    # Every article once by URL, exact, none rejected.
    assert_matches_truth(records, truth, rejects=read_rejects(tmp_path))
    assert len(records) == ARTICLES and {r["version"] for r in records} == {1}
    assert not list(tmp_path.rglob("*.part")), "a feed was left unpublished"
    assert CrawlState(tmp_path / "state").article_count() == ARTICLES
    assert not jobdir.exists(), "a complete back-fill keeps no JOBDIR"


def test_without_jobdir_the_queue_waits_in_the_job_and_a_killed_runs_is_removed(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    with ReplicaServer(articles=600, seed=12) as replica:
        truth = replica.truth()
        proc = start_crawl(replica.base_url, tmp_path)
        wait_for_log(proc, tmp_path)
        kill_after_lines(proc, tmp_path, 100, timeout=300)
        left = list(state.glob("frontier-*"))
        assert left and queue_on_disk(left[0]), "the killed run's queue was not on disk"
        final = run_crawl(replica.base_url, tmp_path)
        assert final.returncode == 0, final.log[-3000:]
        assert "Removing the request queue a killed run left" in final.log

    assert not list(state.glob("frontier-*"))
    records = read_feeds(tmp_path)
    assert_matches_truth(records, truth, rejects=read_rejects(tmp_path))
    assert len(records) == 600 and {r["version"] for r in records} == {1}
