"""What follows the monitors: the health report and the alerts (spidermon actions).

- :class:`HealthReport` (always): records each failed check's exit status in the stats
  (``newscrawl/exit/<check>``), writes ``X.health.json`` beside the feed and the Prometheus text
  file (``NEWSCRAWL_PROMETHEUS_FILE``), appends the run to the job's history and logs the verdict.
  A health file that cannot be written is an output failure (exit status 5, like the feed beside
  it that usually failed too), not a judgement that failed: the verdict is still logged.
- :class:`WebhookAlert` (``NEWSCRAWL_ALERT_WEBHOOK_URL``): a JSON POST whose ``text`` is the
  message, so a Slack (or Mattermost, Rocket.Chat…) incoming webhook shows it as it is.
- :class:`EmailAlert` (``NEWSCRAWL_ALERT_SMTP_HOST`` and ``NEWSCRAWL_ALERT_EMAIL_TO``): one
  plain-text email over SMTP (STARTTLS and login when set).

Alerts go out when a check fails; with ``NEWSCRAWL_ALERT_ON_RECOVERY`` also when a run passes
after an unhealthy one. Each is sent once, synchronously, with a timeout
(``NEWSCRAWL_ALERT_TIMEOUT``); a failed send is logged and does not change the exit status.
"""

from __future__ import annotations

import json
import logging
import smtplib
import traceback
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile
from scrapy.crawler import Crawler
from spidermon import Action, SkipAction

from newscrawl.config import CrawlSettings, crawl_settings
from newscrawl.monitors.exit import ExitStatus, record_exit
from newscrawl.monitors.history import append_history
from newscrawl.monitors.run import HealthRun, health_path, judgement_failed
from newscrawl.output.feeds import write_text_atomic

logger = logging.getLogger(__name__)

FAILURES_STAT = "newscrawl/health/failures"
#: The exit reason of a health file that could not be written (status 5, output failed).
HEALTH_FILE_REASON = "health_file_not_written"


class HealthAction(Action):
    @property
    def health(self) -> HealthRun:
        return HealthRun.of(self.data.crawler)

    @property
    def config(self) -> CrawlSettings:
        return crawl_settings(self.data.crawler.settings)


class HealthReport(HealthAction):
    def run_action(self) -> None:
        crawler = self.data.crawler
        try:
            self.report(self.health)
        except Exception:
            errors = judgement_failed(crawler, self.name, traceback.format_exc())
            path = health_path(crawler)
            if path is not None:  # say so in the health file, whatever it said before
                failed = {"healthy": False, "exit_status": 1, "judgement_failed": True,
                          "judgement_errors": errors}  # fmt: skip
                try:
                    report = {**self.health.report(), **failed}
                except Exception:  # the run's health itself could not be built
                    report = failed
                write_health_file(crawler, path, report)
            raise

    def report(self, health: HealthRun) -> None:
        health.stamp()
        stats = health.crawler.stats
        assert stats is not None
        for check in health.failed:
            record_exit(stats, check.name, check.exit_status)
        stats.set_value(FAILURES_STAT, [f"{c.name}: {c.message}" for c in health.failed])
        report = health.report()
        path = health_path(health.crawler)
        if path is not None and not write_health_file(health.crawler, path, report):
            path = None
        prometheus = self.config.prometheus_file
        if prometheus:
            write_prometheus(Path(prometheus), health)
        if health.history_file is not None:
            append_history(health.history_file, health.history_entry())
        if health.healthy:
            logger.info(
                "Health: all %d checks passed; health in %s", len(health.checks), path or "-"
            )
        else:
            logger.error(
                "Health: %d of %d checks failed (exit status %d); health in %s\n%s",
                len(health.failed),
                len(health.checks),
                report["exit_status"],
                path or "-",
                "\n".join(f"  {c.name}: {c.message}" for c in health.failed),
            )


def write_health_file(crawler: Crawler, path: Path, report: dict[str, Any]) -> bool:
    """Write ``X.health.json``; whether it was written. It goes beside the feed: when it cannot be
    written (the output folder cannot be created, a full disk), the run's output failed (exit
    status 5), which the feed's own account says too, and the judgement goes on."""
    try:
        write_text_atomic(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    except OSError as error:
        logger.error("Output failed: the health file could not be written at %s (%s)", path, error)
        assert crawler.stats is not None
        record_exit(crawler.stats, HEALTH_FILE_REASON, ExitStatus.OUTPUT_FAILED)
        return False
    return True


def write_prometheus(path: Path, health: HealthRun) -> None:
    """The run's figures and health for node_exporter's textfile collector (atomic write)."""
    figures = health.figures()
    registry = CollectorRegistry()
    job = {"job": health.job}

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, ["job", *labels], registry=registry)

    articles = gauge("newscrawl_articles", "Articles of the last run by kind", ("kind",))
    for kind, value in (("records", figures.records), ("new", figures.new),
                        ("updated", figures.updated), ("rejects", figures.rejects)):  # fmt: skip
        articles.labels(kind=kind, **job).set(value)
    gauge("newscrawl_pages", "Pages fetched by the last run").labels(**job).set(figures.pages)
    errors = gauge("newscrawl_errors", "Failed requests of the last run by kind", ("kind",))
    errors.labels(kind="all", **job).set(sum(figures.failed.values()))
    for kind, value in figures.failed.items():
        errors.labels(kind=kind, **job).set(value)
    gauge("newscrawl_health", "1 when every check of the last run passed, else 0").labels(
        **job
    ).set(1 if health.healthy else 0)
    checks = gauge("newscrawl_health_check", "1 when the check passed in the last run", ("check",))
    for check in health.checks:
        checks.labels(check=check.name, **job).set(1 if check.ok else 0)
    gauge("newscrawl_exit_status", "Exit status of the last run").labels(**job).set(
        health.exit_status()
    )
    stamp = gauge("newscrawl_last_run_timestamp_seconds", "When the last run was judged")
    stamp.labels(**job).set_to_current_time()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)


class AlertAction(HealthAction):
    """Send on failure, or on recovery when asked; otherwise skip."""

    def alert(self) -> dict[str, Any]:
        health = self.health
        if not health.healthy:
            status = "failed"
            lines = [f"{c.name}: {c.message}" for c in health.failed]
            lines += [f"health judgement failed: {error}" for error in health.errors]
            head = f"newscrawl job {health.job}: run unhealthy (exit status {health.exit_status()})"
        elif self.config.alert_on_recovery and health.previous_healthy() is False:
            status = "recovered"
            lines = [f"all {len(health.checks)} checks passed"]
            head = f"newscrawl job {health.job}: recovered"
        else:
            raise SkipAction("healthy run")
        path = health_path(health.crawler)
        return {
            "text": head + "\n" + "\n".join(f"• {line}" for line in lines),
            "job": health.job,
            "status": status,
            "exit_status": health.exit_status(),
            "site": health.figures().site,
            "failed": [c.as_dict() for c in health.failed],
            "health_file": str(path) if path else None,
        }

    @property
    def timeout(self) -> float:
        return self.config.alert_timeout

    def run_action(self) -> None:
        if not self.configured():
            raise SkipAction("not configured")
        alert = self.alert()
        try:
            self.send(alert)
        except Exception as error:
            logger.error("%s could not send the %s alert: %r", self.name, alert["status"], error)
            raise
        logger.info("%s sent the %s alert", self.name, alert["status"])

    def configured(self) -> bool:
        raise NotImplementedError

    def send(self, alert: dict[str, Any]) -> None:
        raise NotImplementedError


class WebhookAlert(AlertAction):
    def configured(self) -> bool:
        return bool(self.config.alert_webhook_url)

    def send(self, alert: dict[str, Any]) -> None:
        post_webhook(str(self.config.alert_webhook_url), alert, self.timeout)


def post_webhook(url: str, alert: dict[str, Any], timeout: float) -> None:
    """POST ``alert`` as JSON to an incoming webhook (its ``text`` is the message)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(alert, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


class EmailAlert(AlertAction):
    def configured(self) -> bool:
        return bool(self.config.alert_smtp_host and self.config.alert_email_to)

    def send(self, alert: dict[str, Any]) -> None:
        config = self.config
        message = EmailMessage()
        message["Subject"] = alert["text"].splitlines()[0]
        message["From"] = config.alert_email_from
        message["To"] = ", ".join(config.alert_email_to)
        body = alert["text"]
        if alert["health_file"]:
            body += f"\n\nHealth file: {alert['health_file']}"
        message.set_content(body + "\n")
        with smtplib.SMTP(
            str(config.alert_smtp_host), config.alert_smtp_port, timeout=self.timeout
        ) as smtp:
            if config.alert_smtp_starttls:
                smtp.starttls()
            if config.alert_smtp_user:
                smtp.login(config.alert_smtp_user, config.alert_smtp_password or "")
            smtp.send_message(message)
