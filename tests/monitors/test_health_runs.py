"""End-to-end: runs that judge themselves (real crawls, a real replica, real alert receivers)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import PROJECT, crawl_env, scrapy_command
from tests.support.feeds import read_jsonl

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
        "error_rate", "rejects_ratio", "field_coverage", "date_sanity", "damaged_pages",
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


def test_bad_argument_exits_2_with_one_line(tmp_path: Path) -> None:
    command = scrapy_command("crawl", "almayadeen", "-a", "edition=fr")
    proc = subprocess.run(
        [*command, "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path}"],
        env=crawl_env(),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert "edition" in line and "'fr'" in line


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
