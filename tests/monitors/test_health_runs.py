"""End-to-end: runs that judge themselves (real crawls, a real replica, real alert receivers)."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import (
    PROJECT,
    collect,
    crawl_env,
    last_log,
    run_crawl,
    scrapy_command,
    start_crawl,
    wait_for_feed_line,
)
from tests.support.feeds import read_jsonl
from tests.support.readonly import read_only_prefix

from .health_run import checks_of, crawl, health_of
from .receivers import SmtpReceiver, WebhookReceiver, free_port


def test_unreachable_site_exits_4_and_alerts(tmp_path: Path) -> None:
    site = f"http://127.0.0.1:{free_port()}"
    with WebhookReceiver() as hook, SmtpReceiver() as smtp:
        result = crawl(
            site,
            tmp_path,
            NEWSCRAWL_JOB="hourly-en",
            NEWSCRAWL_ALERT_WEBHOOK_URL=hook.url,
            NEWSCRAWL_ALERT_SMTP_HOST="127.0.0.1",
            NEWSCRAWL_ALERT_SMTP_PORT=smtp.port,
            NEWSCRAWL_ALERT_EMAIL_TO="ops@example.org",
        )
    assert result.returncode == 4, result.log[-3000:]
    assert f"site {site} unreachable" in result.log
    health = health_of(result)
    assert not health["healthy"] and health["exit_status"] == 4 and health["site"] == site
    reach = checks_of(health)["site_reachable"]
    assert not reach["ok"] and reach["exit_status"] == 4 and site in reach["message"]
    assert reach["figures"]["pages"] == 0 and reach["figures"]["failed_requests"]
    [alert] = hook.posts
    assert alert["job"] == "hourly-en" and alert["status"] == "failed"
    assert alert["exit_status"] == 4 and site in alert["text"]
    [mail] = smtp.messages
    assert "hourly-en" in mail["Subject"] and mail["To"] == "ops@example.org"
    assert site in mail.get_payload()


def test_healthy_run_exits_0_with_health_and_metrics(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    replica = replica_factory(articles=60, seed=21, truth=False)
    prom = tmp_path / "textfile" / "newscrawl.prom"
    with WebhookReceiver() as hook:
        result = crawl(
            replica.base_url,
            tmp_path,
            NEWSCRAWL_PROMETHEUS_FILE=prom,
            NEWSCRAWL_ALERT_WEBHOOK_URL=hook.url,
        )
    assert result.returncode == 0, result.log[-3000:]
    health = health_of(result)
    assert health["healthy"] and health["exit_status"] == 0
    checks = checks_of(health)
    assert set(checks) == {
        "site_reachable", "site_not_blocked", "finish_reason", "enough_articles",
        "error_rate", "exceptions", "rejects_ratio", "field_coverage", "date_sanity",
        "damaged_pages",
    }  # fmt: skip
    assert all(check["ok"] for check in checks.values()), checks
    assert checks["enough_articles"]["figures"]["articles"] == len(result.records) == 60
    assert checks["damaged_pages"]["figures"]["article_pages"] == 60
    assert hook.posts == []  # no alert for a healthy run
    samples = {
        (sample.name, sample.labels.get("kind", "")): sample.value
        for family in text_string_to_metric_families(prom.read_text("utf-8"))
        for sample in family.samples
    }
    assert samples[("newscrawl_articles", "records")] == 60
    assert samples[("newscrawl_articles", "new")] == 60
    [stats_file] = result.out_dir.glob("almayadeen/en/*.stats.json")
    pages = json.loads(stats_file.read_text("utf-8"))["pages_fetched"]
    assert samples[("newscrawl_pages", "")] == pages > 60
    assert samples[("newscrawl_errors", "all")] == 0
    assert samples[("newscrawl_health", "")] == 1
    assert samples[("newscrawl_exit_status", "")] == 0


def test_challenge_without_browser_is_blocked(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    replica = replica_factory(articles=60, seed=21, challenge="on", truth=False)
    result = crawl(replica.base_url, tmp_path, NEWSCRAWL_CHALLENGE_ENABLED=False)
    assert result.returncode == 4, result.log[-3000:]
    assert f"site {replica.base_url} blocked" in result.log
    blocked = checks_of(health_of(result))["site_not_blocked"]
    assert not blocked["ok"] and blocked["figures"]["unsolved_challenges"] > 0


@pytest.mark.parametrize(
    ("given", "named"),
    [
        (("-a", "edition=fr"), ("edition", "'fr'")),
        (("-a", "discover=listings", "-s", "NEWSCRAWL_MAX_LISTING_PAGES=abc"),
         ("NEWSCRAWL_MAX_LISTING_PAGES: not a whole number: 'abc'",)),
        (("-s", "NEWSCRAWL_FEED_FSYNC_EVERY=x"), ("NEWSCRAWL_FEED_FSYNC_EVERY: ", "'x'")),
        (("-s", "NEWSCRAWL_INCREMENTAL_OVERLAP_HOURS=two"),
         ("NEWSCRAWL_INCREMENTAL_OVERLAP_HOURS: not a number: 'two'",)),
        (("-s", "NEWSCRAWL_HEALTH_MIN_ARTICLES=lots"), ("NEWSCRAWL_HEALTH_MIN_ARTICLES: ",)),
        (("-s", "DOWNLOAD_TIMEOUT=-1"), ("DOWNLOAD_TIMEOUT: ", "-1")),
    ],
)  # fmt: skip
def test_bad_argument_or_setting_exits_2_with_one_line_before_any_request(
    given: tuple[str, ...], named: tuple[str, ...], tmp_path: Path
) -> None:
    site = f"http://127.0.0.1:{free_port()}"
    command = scrapy_command("crawl", "almayadeen", "-a", f"base_url={site}", *given)
    proc = subprocess.run(
        [*command, "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path}"],
        env=crawl_env(),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert all(part in line for part in named), line
    # Stopped before the crawl began: no request, no file, no state.
    assert "Spider opened" not in proc.stderr and "Crawled (" not in proc.stderr
    assert not list(tmp_path.iterdir())


def test_a_field_that_disappears_fails_the_run_and_alerts_once(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    healthy = replica_factory(articles=60, seed=22, truth=False)
    job = {"NEWSCRAWL_JOB": "drift-en"}
    for _ in range(5):
        result = crawl(healthy.base_url, tmp_path, "mode=full", **job)
        assert result.returncode == 0, result.log[-3000:]
    history = read_jsonl(tmp_path / "state" / "health-history.jl")
    assert len(history) == 5 and all(run["healthy"] for run in history)
    before = history[-1]["coverage"]["tags"]
    assert before > 0.9

    dropped = replica_factory(
        articles=60, seed=22, truth=False, extra_args=("--drop-field", "tags")
    )
    with WebhookReceiver() as hook:
        alerts = {"NEWSCRAWL_ALERT_WEBHOOK_URL": hook.url, "NEWSCRAWL_ALERT_ON_RECOVERY": True}
        result = crawl(dropped.base_url, tmp_path, "mode=full", **alerts, **job)
        assert result.returncode == 3, result.log[-3000:]
        message = f"tags filled in 0.0% of 60 records, against {before:.1%} before"
        assert message in result.log
        coverage = checks_of(health_of(result))["field_coverage"]
        assert not coverage["ok"] and message in coverage["message"]
        assert coverage["figures"]["drifts"]["tags"] == {"before": before, "now": 0.0}
        [alert] = hook.posts
        assert alert["job"] == "drift-en" and alert["status"] == "failed"
        assert "drift-en" in alert["text"] and message in alert["text"]

        # The markup comes back: the next run passes and says the job recovered.
        result = crawl(healthy.base_url, tmp_path, "mode=full", **alerts, **job)
        assert result.returncode == 0, result.log[-3000:]
        assert [post["status"] for post in hook.posts] == ["failed", "recovered"]


def test_exceptions_in_the_spider_and_pipelines_fail_the_run(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    # The sitemaps still bring every article: only the exceptions say that something broke.
    replica = replica_factory(articles=60, seed=21, truth=False)
    components = {
        "SPIDER_MIDDLEWARES": json.dumps({"tests.monitors.faults.RaisingOnListings": 950}),
        "ITEM_PIPELINES": json.dumps({"tests.monitors.faults.RaisingPipeline": 50}),
    }
    result = crawl(replica.base_url, tmp_path, **components)
    assert result.returncode == 3, result.log[-3000:]
    check = checks_of(health_of(result))["exceptions"]
    assert not check["ok"] and check["exit_status"] == 3
    by_kind = check["figures"]["by_kind"]
    assert by_kind["spider ValueError"] == result.stats["exceptions"]["spider ValueError"] > 0
    assert by_kind["item KeyError"] > 0
    assert "spider ValueError" in check["message"] and "item KeyError" in check["message"]
    assert "newscrawl:   exceptions: " in result.log


def test_a_judgement_that_raises_is_a_crash(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    replica = replica_factory(articles=60, seed=21, truth=False)
    # A monitor raises: a hand-edited history line the coverage check cannot compare with.
    history = tmp_path / "monitor" / "state" / "health-history.jl"
    history.parent.mkdir(parents=True)
    history.write_text('{"mode": "incremental", "records": "many", "coverage": {"tags": 1}}\n')
    result = crawl(replica.base_url, tmp_path / "monitor")
    assert result.returncode == 1, result.log[-3000:]
    assert "Traceback" in result.log and "TypeError" in result.log
    [line] = [line for line in result.log.splitlines() if line.startswith("error:")]
    assert "health judgement failed: field_coverage: TypeError" in line
    health = health_of(result)
    assert health["judgement_failed"] and not health["healthy"] and health["exit_status"] == 1
    assert health["judgement_errors"][0].startswith("field_coverage: TypeError")

    # The health report raises: the Prometheus file it is told to write is a directory.
    prom = tmp_path / "report" / "metrics.prom"
    prom.mkdir(parents=True)
    result = crawl(replica.base_url, tmp_path / "report", NEWSCRAWL_PROMETHEUS_FILE=prom)
    assert result.returncode == 1, result.log[-3000:]
    assert "Traceback" in result.log and "IsADirectoryError" in result.log
    [line] = [line for line in result.log.splitlines() if line.startswith("error:")]
    assert "health judgement failed: HealthReport: IsADirectoryError" in line
    health = health_of(result)
    assert health["judgement_failed"] and health["exit_status"] == 1


def test_a_stop_asked_for_by_a_signal_exits_6_and_is_not_a_failure(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    replica = replica_factory(articles=60, seed=21, truth=False)
    paced = {"CONCURRENT_REQUESTS": 1, "DOWNLOAD_DELAY": 1}  # still running when stopped
    with WebhookReceiver() as hook:
        run = start_crawl(
            replica.base_url, tmp_path, settings={**paced, "NEWSCRAWL_ALERT_WEBHOOK_URL": hook.url}
        )
        wait_for_feed_line(run, tmp_path)
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=60) == 6, last_log(tmp_path).read_text()[-3000:]
    log = last_log(tmp_path).read_text()
    assert "newscrawl: exit status 6: stopped (6)" in log
    result = collect(tmp_path, [], 6, log, "", 0.0)
    assert result.stats["finish_reason"] == "shutdown" and 0 < len(result.records) < 60
    assert not list(tmp_path.rglob("*.jsonl.part"))  # the feed was published
    health = health_of(result)
    assert health["healthy"] and health["exit_status"] == 6
    assert health["exit_reasons"] == {"stopped": 6}
    checks = checks_of(health)
    for name in ("finish_reason", "enough_articles", "field_coverage"):
        assert checks[name]["message"] == "not judged: SIGTERM stopped the run before its end"
    assert hook.posts == []  # nothing to alert about


def test_exports_leave_the_job_alone_and_runs_are_judged_like_with_like(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    replica = replica_factory(articles=60, seed=21, truth=False)
    state = tmp_path / "state"
    # An export (-O, no -a mode=): the job's state and history are neither read nor written.
    export = crawl(replica.base_url, tmp_path, "-O", str(tmp_path / "export.jsonl"))
    assert export.returncode == 0, export.log[-3000:]
    assert len(export.records) == 60 and not state.exists()

    # The job's whole crawl, twice: the second repeats every article, and skips none.
    for _ in range(2):
        full = crawl(replica.base_url, tmp_path, "mode=full")
        assert full.returncode == 0, full.log[-3000:]
    assert full.stats["repeated"] == 60 and full.stats["unchanged_skipped"] == 0
    assert full.stats["new"] + full.stats["updated"] + full.stats["repeated"] == 60
    assert len(read_jsonl(state / "health-history.jl")) == 2

    # A capped run of the job is not judged against the whole crawl's 60 articles; its
    # articles are the lines it wrote (not the records the cap dropped after them).
    capped = crawl(replica.base_url, tmp_path, "mode=full", "max_articles=5")
    assert capped.returncode == 0, capped.log[-3000:]
    enough = checks_of(health_of(capped))["enough_articles"]
    assert enough["ok"] and enough["figures"]["recent_runs"] == 0
    assert enough["figures"]["articles"] == len(capped.records) == 5
    history = read_jsonl(state / "health-history.jl")
    assert [run["scope"] for run in history] == ["", "", "max_articles=5"]


def test_an_export_is_judged_where_the_jobs_state_directory_is_read_only(
    replica_factory: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    """An export beside a job with a history: judged on its own (the history is neither read nor
    appended to), so it needs no write access to the job's state directory."""
    replica = replica_factory(articles=60, seed=21, truth=False)
    state = tmp_path / "state"
    job = crawl(replica.base_url, tmp_path, "mode=full")
    assert job.returncode == 0, job.log[-3000:]
    history = (state / "health-history.jl").read_bytes()
    export = run_crawl(
        replica.base_url, tmp_path / "export", "-O", str(tmp_path / "export" / "e.jsonl"),
        settings={"NEWSCRAWL_STATE_DIR": state}, prefix=read_only_prefix(state),
    )  # fmt: skip
    assert export.returncode == 0, export.log[-3000:]
    assert "HealthReport... OK" in export.log and "Read-only file system" not in export.log
    health = health_of(export)
    assert health["healthy"] and health["mode"] == "stateless"
    assert checks_of(health)["enough_articles"]["figures"]["recent_runs"] == 0
    assert len(export.records) == 60
    assert (state / "health-history.jl").read_bytes() == history  # one line, the job's run
