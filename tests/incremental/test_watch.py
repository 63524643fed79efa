"""Watch mode end to end: a real ``scrapy crawl -a mode=watch`` beside a real replica that
publishes and edits articles while it runs, killed with SIGKILL, restarted, then stopped with
SIGTERM."""

from __future__ import annotations

import itertools
import json
import math
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.monitors.receivers import WebhookReceiver
from tests.support.crawl import (
    last_log,
    run_crawl,
    start_crawl,
    wait_for_feed_line,
    wait_for_log,
)
from tests.support.feeds import files_under, read_rejects
from tests.support.score import assert_matches_truth
from tests.support.watch import PublishedLines, expected_versions, wait_until

pytestmark = pytest.mark.timeout(300)

#: Small intervals: the test waits on what is published, never on the clock.
WATCH = ("mode=watch", "every=1")
SETTINGS = {
    "NEWSCRAWL_WATCH_PUBLISH_SECONDS": 1,
    "NEWSCRAWL_WATCH_BUDGET_PER_HOUR": 100_000,
}
PASS_OVER = "Watch: the incremental pass is over"


def watch_health(out_dir: Path) -> list[dict[str, Any]]:
    """The health files a watch wrote for its windows (a run's end rewrites them)."""
    reports = [json.loads(p.read_text()) for p in files_under(out_dir, "*.health.json")]
    return [report for report in reports if report.get("mode") == "watch"]


def links_by_url(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "related": [{"url": link["url"]} for link in record["related"] or []]}


def start_watch(
    replica: ReplicaServer, out_dir: Path, seen: PublishedLines, settings: dict[str, Any]
) -> subprocess.Popen[str]:
    """A watch started, once its incremental pass is over and published."""
    proc = start_crawl(replica.base_url, out_dir, *WATCH, settings=settings)
    try:
        wait_for_log(proc, out_dir, PASS_OVER, timeout=120)
        seen.wait_for(expected_versions(replica.truth()), proc)
    except BaseException:
        proc.kill()
        raise
    return proc


def assert_stopped_exactly_once(
    status: int, out_dir: Path, seen: PublishedLines, expected: dict[str, int]
) -> None:
    """A stop published the feed and exited with the stop status; each version of each article
    is in the published feeds exactly once, no version skipped, nothing torn."""
    assert status == 6
    assert not list(out_dir.rglob("*.jsonl.part"))
    seen.refresh()
    assert seen.duplicates() == []
    assert seen.gaps() == []
    assert seen.latest() == expected


def test_watch_publishes_new_and_edited_articles_exactly_once_through_a_kill(
    tmp_path: Path,
) -> None:
    with ReplicaServer(articles=80, seed=4) as replica:
        seen = PublishedLines(tmp_path)
        proc = start_watch(replica, tmp_path, seen, SETTINGS)
        try:
            # The pass is recorded complete: a restart pages back only to its high-water mark.
            wait_for_log(proc, tmp_path, "Checkpoint: the run so far is complete")

            # New and edited articles while it watches; killed mid-write.
            replica.publish(new=3, edit=2)
            wait_for_feed_line(proc, tmp_path)
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)

            replica.publish(new=2, edit=2)
            proc = start_crawl(replica.base_url, tmp_path, *WATCH, settings=SETTINGS)
            wait_for_log(proc, tmp_path, PASS_OVER, timeout=120)
            assert "no complete run yet" not in last_log(tmp_path).read_text()
            replica.publish(new=2, edit=1)
            truth = replica.truth()
            seen.wait_for(expected_versions(truth), proc)
            wait_until(lambda: bool(watch_health(tmp_path)), "the health of a window")
            figures = watch_health(tmp_path)[0]["watch"]
        finally:
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(60)

        assert_stopped_exactly_once(status, tmp_path, seen, expected_versions(truth))
        newest = [seen.records[(url, v)] for url, v in seen.latest().items()]
        # An edited title also shows in the related links of pages that were not edited (no
        # new modified time, so not fetched again): related links are compared by URL.
        assert_matches_truth(
            [links_by_url(r) for r in newest],
            [{**line, "record": links_by_url(line["record"])} for line in truth],
            rejects=read_rejects(tmp_path),
            versions={url: v for url, v in seen.latest().items() if v != 1},
            base_url=replica.base_url,
        )

        # Polls were conditional: unchanged listings, feed and sitemaps answered 304.
        served = json.loads(replica.get("/__replica__/stats").body)["served"]
        assert served["listing"].get("304", 0) > 0 and served["feed"].get("304", 0) > 0
        assert figures["polls"] > 0 and figures["last_successful_poll"]
        assert figures["requests_last_hour"] <= figures["budget_per_hour"]


def test_a_stop_cuts_the_requests_in_flight_publishes_the_feed_and_the_restart_fetches_them(
    tmp_path: Path,
) -> None:
    # Downloads may take long (a slow site): the stop must not wait for them.
    settings = {**SETTINGS, "DOWNLOAD_TIMEOUT": 120}
    with ReplicaServer(articles=30, seed=5) as replica:
        seen = PublishedLines(tmp_path)
        proc = start_watch(replica, tmp_path, seen, settings)
        try:
            # The site turns slow: the articles published now are in flight when the stop comes.
            replica.set_latency(60)
            replica.publish(new=3, edit=1)
            wait_until(lambda: replica.held() >= 2, "article requests in flight")
        finally:
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(120)
        # It did not wait for them: the replica still holds them back.
        held = replica.held()
        log = last_log(tmp_path).read_text()
        assert status == 6
        assert held >= 2
        assert "requests under way dropped" in log and " 0 requests under way" not in log
        # The feed is published (no .part), every line complete; what was cut off is not in it.
        assert not list(tmp_path.rglob("*.jsonl.part"))
        seen.refresh()
        truth = replica.truth()
        expected = expected_versions(truth)
        assert {u for u, v in expected.items() if seen.latest().get(u, 0) < v}

        # The next start fetches them again: each version exactly once.
        replica.set_latency(0)
        proc = start_crawl(replica.base_url, tmp_path, *WATCH, settings=settings)
        try:
            seen.wait_for(expected, proc)
        finally:
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(120)
    assert_stopped_exactly_once(status, tmp_path, seen, expected)


def test_watch_alerts_when_quiet_or_unreachable_and_says_when_it_recovers(
    tmp_path: Path,
) -> None:
    with WebhookReceiver() as hook, ReplicaServer(articles=40, seed=6) as replica:
        settings = {
            **SETTINGS,
            "NEWSCRAWL_ALERT_WEBHOOK_URL": hook.url,
            "NEWSCRAWL_WATCH_QUIET_MIN_SECONDS": 3,
            "NEWSCRAWL_WATCH_QUIET_FACTOR": 0,
            "NEWSCRAWL_WATCH_ALERT_FAILING_SECONDS": 2,
        }
        proc = start_crawl(replica.base_url, tmp_path, *WATCH, settings=settings)

        def posted(status: str, text: str) -> bool:
            return any(p["status"] == status and text in p["text"] for p in list(hook.posts))

        try:
            wait_for_log(proc, tmp_path, PASS_OVER, timeout=120)
            wait_until(lambda: posted("failed", "nothing new for"), "the quiet alert")
            replica.publish(new=1)
            wait_until(lambda: posted("recovered", "nothing_new recovered"), "its recovery")
            replica.stop()
            wait_until(lambda: posted("failed", "polls have failed"), "the failing polls alert")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        assert all(p["job"] and p["health_file"].endswith(".health.json") for p in hook.posts)


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share / 100 * len(ordered)) - 1, 0)]


def test_a_restarted_watch_knows_the_sites_usual_quiet_from_the_jobs_history(
    tmp_path: Path,
) -> None:
    settings = {
        **SETTINGS,
        "NEWSCRAWL_WATCH_QUIET_HISTORY_DAYS": 36500,
        "NEWSCRAWL_WATCH_QUIET_PERCENTILE": 90,
        "NEWSCRAWL_WATCH_QUIET_FACTOR": 2,
        "NEWSCRAWL_WATCH_QUIET_MIN_SECONDS": 1,
    }
    with ReplicaServer(articles=40, seed=8) as replica:
        truth = replica.truth()
        proc = start_watch(replica, tmp_path, PublishedLines(tmp_path), settings)
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        assert not watch_health(tmp_path)  # its end replaced its windows' health

        # Restarted, it finds nothing new: what it knows of the site's rhythm is the history.
        restarted = time.time()
        proc = start_crawl(replica.base_url, tmp_path, *WATCH, settings=settings)
        try:
            wait_until(lambda: bool(watch_health(tmp_path)), "the health of its first window")
            figures = watch_health(tmp_path)[0]["watch"]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    reachable = expected_versions(truth)
    times = sorted(
        datetime.fromisoformat(line["record"]["date_published"]).timestamp()
        for line in truth
        if line["record"]["url"] in reachable
    )
    usual = nearest_rank([b - a for a, b in itertools.pairwise(times)], 90)
    assert usual > 1
    assert figures["usual_quiet_seconds"] == pytest.approx(usual)
    assert figures["quiet_limit_seconds"] == pytest.approx(2 * usual)
    assert figures["records"] == 0
    # The quiet counts from the last new article the job saw, before this watch started.
    last_new = datetime.fromisoformat(figures["last_new_article"]).timestamp()
    assert last_new < restarted
    assert "the site's usual quiet is" in last_log(tmp_path).read_text()


def test_a_watch_refuses_a_feed_named_with_o(tmp_path: Path) -> None:
    result = run_crawl("http://127.0.0.1:9", tmp_path, *WATCH, "-o", str(tmp_path / "x.jsonl"))
    assert result.returncode == 2
    assert "error: mode=watch publishes its own feeds" in result.log
    assert not (tmp_path / "state").exists()


def test_a_watch_stays_within_its_hourly_budget(tmp_path: Path) -> None:
    with ReplicaServer(articles=30, seed=2) as replica:
        settings = {**SETTINGS, "NEWSCRAWL_WATCH_BUDGET_PER_HOUR": 60}
        proc = start_crawl(replica.base_url, tmp_path, *WATCH, settings=settings)
        try:
            wait_for_log(proc, tmp_path, PASS_OVER, timeout=120)
            before = json.loads(replica.get("/__replica__/stats").body)["served"]
            wait_for_log(proc, tmp_path, "Watch: round skipped", timeout=60)
            after = json.loads(replica.get("/__replica__/stats").body)["served"]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    sent = sum(
        count - before.get(kind, {}).get(status, 0)
        for kind, statuses in after.items()
        for status, count in statuses.items()
    )
    assert 0 < sent <= 60
