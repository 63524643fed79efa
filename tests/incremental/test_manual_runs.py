"""Hand runs beside a scheduled job: a user who asks for a file of the crawl gets the whole crawl.

The rule (``newscrawl.state.session.run_plan``): ``-a mode=`` uses the job's crawl state; without
it, ``-o``/``-O`` makes the run an export that neither reads nor changes the state; without
either, the run is the job's incremental run. The first log lines say which and why.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from newscrawl.frontier.scheduler import SPILL_PREFIX
from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl
from tests.support.feeds import accepted_urls, read_jsonl
from tests.support.readonly import read_only_prefix

pytestmark = pytest.mark.timeout(300)


def state_summary(state_dir: Path) -> tuple[int, int]:
    state = CrawlState(state_dir)
    try:
        return state.article_count(), len(state.runs())
    finally:
        state.close()


def test_hand_runs_with_an_output_file_after_a_scheduled_run_write_the_whole_crawl(
    tmp_path: Path,
) -> None:
    with ReplicaServer(articles=120, seed=12) as replica:
        job = run_crawl(replica.base_url, tmp_path)  # the scheduled job's command line
        assert job.returncode == 0, job.log[-3000:]
        assert "Run mode: incremental (the default without -o/-O" in job.log
        accepted = accepted_urls(replica.truth(), tmp_path)
        before = state_summary(tmp_path / "state")
        assert before[0] == len(accepted)

        export = tmp_path / "export.jsonl"
        run = run_crawl(replica.base_url, tmp_path, f"--overwrite-output={export}")
        assert run.returncode == 0, run.log[-3000:]
        assert "Run mode: full crawl without crawl state (an export: -o/-O" in run.log
        assert {r["url"] for r in read_jsonl(export)} == accepted
        assert len(read_jsonl(export)) == len(accepted) == run.stats["new"]
        assert state_summary(tmp_path / "state") == before  # neither read nor changed

        full = tmp_path / "full.jsonl"
        run = run_crawl(replica.base_url, tmp_path, "mode=full", f"--overwrite-output={full}")
        assert run.returncode == 0, run.log[-3000:]
        assert "Run mode: full (-a mode=full; crawl state in" in run.log
        records = read_jsonl(full)
        assert {r["url"] for r in records} == accepted and len(records) == len(accepted)
        assert {r["version"] for r in records} == {1}  # nothing changed since the job's run
        assert (run.stats["new"], run.stats["updated"], run.stats["repeated"]) == (
            0,
            0,
            len(accepted),
        )
        assert state_summary(tmp_path / "state") == (before[0], before[1] + 1)


def test_an_export_spills_its_queue_outside_the_jobs_state_directory(tmp_path: Path) -> None:
    """An export holds no lock on the job: it must leave the queue a run of the job is spilling
    into the state directory alone, and it works where that directory is read-only."""
    state_dir = tmp_path / "state"
    live_queue = state_dir / f"{SPILL_PREFIX}of-a-running-job"
    live_queue.mkdir(parents=True)
    (live_queue / "p0").write_bytes(b"queued requests")
    export = tmp_path / "export.jsonl"
    with ReplicaServer(articles=40, seed=12) as replica:
        run = run_crawl(
            replica.base_url, tmp_path / "out", f"--overwrite-output={export}",
            settings={"NEWSCRAWL_STATE_DIR": state_dir}, prefix=read_only_prefix(state_dir),
        )  # fmt: skip
        accepted = accepted_urls(replica.truth(), tmp_path)
    assert "Engine slot not assigned" not in run.log
    assert f"Request queue on disk in {tempfile.gettempdir()}/" in run.log
    assert {r["url"] for r in read_jsonl(export)} == accepted
    assert (live_queue / "p0").read_bytes() == b"queued requests"
