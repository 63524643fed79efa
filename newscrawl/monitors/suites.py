"""The spidermon monitors run when the spider closes, and the suite that holds them with its
actions (``SPIDERMON_SPIDER_CLOSE_MONITORS``).

Each monitor runs one check of ``newscrawl.monitors.checks`` and fails with that check's
message; the suite's actions then write the health file and the Prometheus file, record the
exit status and send alerts (``newscrawl.monitors.actions``).
"""

from __future__ import annotations

import warnings
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors

from newscrawl.config import crawl_settings
from newscrawl.monitors import checks
from newscrawl.monitors.actions import EmailAlert, HealthReport, WebhookAlert
from newscrawl.monitors.integrity import check_damaged
from newscrawl.monitors.run import HealthRun, judgement_failed

# spidermon (1.27) logs its results through Spider.log(), which Scrapy deprecates: a warning in
# every run that only spidermon can act on.
warnings.filterwarnings(
    "ignore",
    message=r"Spider\.log\(\) is deprecated",
    category=ScrapyDeprecationWarning,
    module=r"spidermon\.",
)


class HealthMonitor(Monitor):
    """A monitor that runs one of the run's health checks."""

    @property
    def health(self) -> HealthRun:
        return HealthRun.of(self.data.crawler)

    def judge(self, check: checks.Check) -> None:
        self.health.checks.append(check)
        if not check.ok:
            self.fail(check.message)


@monitors.name("Site")
class SiteMonitor(HealthMonitor):
    @monitors.name("site_reachable")
    def test_site_reachable(self) -> None:
        """The site answered: pages came back, its listing or sitemap pages among them."""
        self.judge(checks.check_reachable(self.health.figures()))

    @monitors.name("site_not_blocked")
    def test_site_not_blocked(self) -> None:
        """No wall stopped the crawl: no challenge left unsolved, no refusal of every page."""
        self.judge(checks.check_not_blocked(self.health.figures()))


@monitors.name("Run")
class RunMonitor(HealthMonitor):
    @monitors.name("finish_reason")
    def test_finish_reason(self) -> None:
        """The run ended as it should (finish reason ``finished``)."""
        self.judge(checks.check_finish(self.health.figures(), self.health.limits))

    @monitors.name("enough_articles")
    def test_enough_articles(self) -> None:
        """Enough articles against an absolute floor and the job's recent runs of its mode."""
        health = self.health
        self.judge(checks.check_articles(health.figures(), health.history, health.limits))

    @monitors.name("error_rate")
    def test_error_rate(self) -> None:
        """Failed requests, by kind, against pages fetched."""
        self.judge(checks.check_errors(self.health.figures(), self.health.limits))

    @monitors.name("exceptions")
    def test_exceptions(self) -> None:
        """Exceptions in the spider's callbacks and the item pipelines, against pages fetched."""
        self.judge(checks.check_exceptions(self.health.figures(), self.health.limits))


@monitors.name("Output")
class OutputMonitor(HealthMonitor):
    @monitors.name("rejects_ratio")
    def test_rejects_ratio(self) -> None:
        """Records rejected by validation, against records judged."""
        self.judge(checks.check_rejects(self.health.figures(), self.health.limits))

    @monitors.name("field_coverage")
    def test_field_coverage(self) -> None:
        """Each field's share of records filled, against the job's recent runs."""
        health = self.health
        self.judge(checks.check_coverage(health.figures(), health.history, health.limits))

    @monitors.name("date_sanity")
    def test_date_sanity(self) -> None:
        """No ``date_published`` in the future (beyond a slack) or before the site's first year."""
        first_year = crawl_settings(self.data.crawler.settings).health_first_year
        self.judge(checks.check_dates(self.health.figures(), first_year))


@monitors.name("Pages")
class IntegrityMonitor(HealthMonitor):
    @monitors.name("damaged_pages")
    def test_damaged_pages(self) -> None:
        """Article pages still damaged after their retries, against article pages judged."""
        max_ratio = crawl_settings(self.data.crawler.settings).health_max_damaged_ratio
        self.judge(check_damaged(self.health.stats, max_ratio))


class CloseSuite(MonitorSuite):
    """Every health check; the report first, then alerts on failure (or recovery).

    A monitor that raises (rather than fails) is a judgement that could not be made: the run
    exits 1 and its health file says so (:func:`newscrawl.monitors.run.judgement_failed`)."""

    crawler: Crawler | None = None

    def init_data(self, data: Any) -> None:
        super().init_data(data)
        self.crawler = data.get("crawler")

    def on_monitors_finished(self, result: Any) -> None:
        if self.crawler is None:
            return
        for test, trace in result.errors:
            judgement_failed(self.crawler, getattr(test, "method_name", str(test)), trace)

    monitors = [SiteMonitor, RunMonitor, OutputMonitor, IntegrityMonitor]
    monitors_finished_actions = [HealthReport]
    monitors_failed_actions = [
        WebhookAlert,
        EmailAlert,
    ]
    monitors_passed_actions = [
        WebhookAlert,
        EmailAlert,
    ]
