"""The crawl settings ``newscrawl.monitors`` needs, in one place (``newscrawl/settings.py`` takes
them). Thresholds and alert settings are read where they are used; their defaults are here."""

from __future__ import annotations

from typing import Any

SPIDERMON_ENABLED = True
EXTENSIONS = {"spidermon.contrib.scrapy.extensions.Spidermon": 950}
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.monitors.suites.CloseSuite"]
DOWNLOADER_MIDDLEWARES = {
    # Next to the engine: each request's final answer (after retries, redirects, challenges).
    "newscrawl.monitors.figures.ReachStats": 50,
}
ITEM_PIPELINES = {
    # After validation (100), before the incremental state drops unchanged records (200).
    "newscrawl.monitors.figures.CoveragePipeline": 150,
}

#: A name for the job in alerts and metrics (default: spider name and state directory).
NEWSCRAWL_JOB = None
#: Finish reasons of a healthy run: it ran to its end, or to a cap the user set.
NEWSCRAWL_HEALTH_FINISH_REASONS = [
    "finished",
    "max_articles",
    "closespider_itemcount",
    "closespider_pagecount",
]
#: Fewest articles a run may find (new or changed ones in an incremental run; a run below it
#: that reached every listing and sitemap page is still healthy).
NEWSCRAWL_HEALTH_MIN_ARTICLES = 1
#: ... and at least this share of the median of the job's last runs of the same mode.
NEWSCRAWL_HEALTH_MIN_ARTICLES_RATIO = 0.2
#: Runs of history the relative floor and the coverage baseline look at.
NEWSCRAWL_HEALTH_HISTORY_RUNS = 10
#: Failed requests (not robots.txt or off-site refusals) per page fetched.
NEWSCRAWL_HEALTH_MAX_ERROR_RATE = 0.05
#: Rejected records per record judged.
NEWSCRAWL_HEALTH_MAX_REJECTS_RATIO = 0.05
#: A field fails when its coverage falls below (1 - this) of its median share in the history,
#: by more than sampling noise.
NEWSCRAWL_HEALTH_COVERAGE_DROP = 0.3
#: Runs with fewer records are not judged for coverage, nor used as its baseline.
NEWSCRAWL_HEALTH_COVERAGE_MIN_RECORDS = 20
#: No date_published before this year (the site's first), nor this far in the future (hours).
NEWSCRAWL_HEALTH_FIRST_YEAR = 2012
NEWSCRAWL_HEALTH_FUTURE_SLACK_HOURS = 24.0
#: node_exporter textfile: where to write the run's metrics (None: not written).
NEWSCRAWL_PROMETHEUS_FILE = None

# -- alerts --
NEWSCRAWL_ALERT_WEBHOOK_URL = None
NEWSCRAWL_ALERT_SMTP_HOST = None
NEWSCRAWL_ALERT_SMTP_PORT = 25
NEWSCRAWL_ALERT_SMTP_STARTTLS = False
NEWSCRAWL_ALERT_SMTP_USER = None
NEWSCRAWL_ALERT_SMTP_PASSWORD = None
NEWSCRAWL_ALERT_EMAIL_FROM = "newscrawl@localhost"
NEWSCRAWL_ALERT_EMAIL_TO: list[str] = []
#: Also alert when a run passes after an unhealthy one.
NEWSCRAWL_ALERT_ON_RECOVERY = False
#: Seconds one alert may take to send.
NEWSCRAWL_ALERT_TIMEOUT = 10.0

MERGED = ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES")


def as_dict() -> dict[str, Any]:
    """The plain settings above (the component dicts are merged by the caller: ``MERGED``)."""
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and name not in MERGED and name != "MERGED"
    }
