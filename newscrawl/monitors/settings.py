"""What ``newscrawl.monitors`` adds to a crawl, for the add-on (``newscrawl/addon.py``): the
defaults of its settings and its components. Thresholds and alert settings are checked and read
through the settings model (``newscrawl/config.py``, where a new one must be added too);
``COMMANDS_MODULE`` (the exiting ``crawl`` command) is in ``newscrawl/settings.py``."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "SPIDERMON_ENABLED": True,
    "SPIDERMON_SPIDER_CLOSE_MONITORS": ["newscrawl.monitors.suites.CloseSuite"],
    #: A name for the job in alerts and metrics (default: spider name and state directory).
    "NEWSCRAWL_JOB": None,
    #: Finish reasons of a healthy run: it ran to its end, or to a cap the user set.
    "NEWSCRAWL_HEALTH_FINISH_REASONS": [
        "finished",
        "max_articles",
        "closespider_itemcount",
        "closespider_pagecount",
    ],
    #: Fewest articles a run may find (new or changed ones in an incremental run; a run below
    #: it that reached every listing and sitemap page is still healthy).
    "NEWSCRAWL_HEALTH_MIN_ARTICLES": 1,
    #: ... and at least this share of the median of the job's last runs of the same mode.
    "NEWSCRAWL_HEALTH_MIN_ARTICLES_RATIO": 0.2,
    #: Runs of history the relative floor and the coverage baseline look at.
    "NEWSCRAWL_HEALTH_HISTORY_RUNS": 10,
    #: Failed requests (not robots.txt or off-site refusals) per page fetched.
    "NEWSCRAWL_HEALTH_MAX_ERROR_RATE": 0.05,
    #: Exceptions in the spider's callbacks and item pipelines per page fetched (any above it
    #: fails the run: each is a page or a record lost without a trace in the feed).
    "NEWSCRAWL_HEALTH_MAX_EXCEPTION_RATE": 0.001,
    #: Rejected records per record judged.
    "NEWSCRAWL_HEALTH_MAX_REJECTS_RATIO": 0.05,
    #: Article pages still damaged after their retries (random bytes, HTML cut short, ...) per
    #: article page judged (newscrawl.integrity, newscrawl.monitors.integrity).
    "NEWSCRAWL_HEALTH_MAX_DAMAGED_RATIO": 0.01,
    #: A field fails when its coverage falls below (1 - this) of its median share in the
    #: history, by more than sampling noise.
    "NEWSCRAWL_HEALTH_COVERAGE_DROP": 0.3,
    #: Runs with fewer records are not judged for coverage, nor used as its baseline.
    "NEWSCRAWL_HEALTH_COVERAGE_MIN_RECORDS": 20,
    #: No date_published before this year (the site's first), nor this far ahead (hours).
    "NEWSCRAWL_HEALTH_FIRST_YEAR": 2012,
    "NEWSCRAWL_HEALTH_FUTURE_SLACK_HOURS": 24.0,
    #: Pages in a row answered a plain block (403/429 signed by Cloudflare, no challenge)
    #: after which the run stops (finish reason ``blocked``, exit status 4).
    "NEWSCRAWL_BLOCKED_STOP_AFTER": 5,
    #: node_exporter textfile: where to write the run's metrics (None: not written).
    "NEWSCRAWL_PROMETHEUS_FILE": None,
    # -- alerts (newscrawl.monitors.actions) --
    "NEWSCRAWL_ALERT_WEBHOOK_URL": None,
    "NEWSCRAWL_ALERT_SMTP_HOST": None,
    "NEWSCRAWL_ALERT_SMTP_PORT": 25,
    "NEWSCRAWL_ALERT_SMTP_STARTTLS": False,
    "NEWSCRAWL_ALERT_SMTP_USER": None,
    "NEWSCRAWL_ALERT_SMTP_PASSWORD": None,
    "NEWSCRAWL_ALERT_EMAIL_FROM": "newscrawl@localhost",
    "NEWSCRAWL_ALERT_EMAIL_TO": [],
    #: Also alert when a run passes after an unhealthy one.
    "NEWSCRAWL_ALERT_ON_RECOVERY": False,
    #: Seconds one alert may take to send.
    "NEWSCRAWL_ALERT_TIMEOUT": 10.0,
}

COMPONENTS: dict[str, dict[str, int]] = {
    "DOWNLOADER_MIDDLEWARES": {
        # Next to the engine: each request's final answer (after retries, redirects, challenges).
        "newscrawl.monitors.figures.ReachStats": 50,
        # Beside it: plain blocks (no challenge) are counted, and a blocked run stopped.
        "newscrawl.monitors.blocks.PlainBlocks": 51,
    },
    "ITEM_PIPELINES": {
        # After de-duplication (200), before versioning drops unchanged records (300).
        "newscrawl.monitors.figures.CoveragePipeline": 250,
    },
    "EXTENSIONS": {
        # After the run summary (500): monitors read the finish reason CoreStats recorded.
        "newscrawl.monitors.figures.ItemErrorStats": 60,
        # A stop signal: noticed in every wait, and exit status 6.
        "newscrawl.stopping.StopSignals": 70,
        "spidermon.contrib.scrapy.extensions.Spidermon": 950,
    },
}
