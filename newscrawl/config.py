"""The crawl's settings as one validated model: every ``NEWSCRAWL_*`` setting and the Scrapy
settings the project sets, checked together when the crawl starts.

``scrapy crawl almayadeen -s NEWSCRAWL_MAX_LISTING_PAGES=abc`` passes every ``-s`` value as a
string; the add-on (``newscrawl.addon``) checks them all with :meth:`CrawlSettings.check` once
the defaults and the profile are in place, and a bad value stops the crawl before any request
with one line naming the setting (``NEWSCRAWL_MAX_LISTING_PAGES: not a whole number: 'abc'``)
and exit status 2, as a bad spider argument does (``newscrawl.discovery.args``).

Components read their settings from the model, :func:`crawl_settings` (one model per crawl's
frozen settings), never with ``settings.getint(...)`` of their own. The spider's arguments
(``NEWSCRAWL_EDITION``, ``NEWSCRAWL_SINCE``, …) are :class:`~newscrawl.discovery.args.CrawlArgs`;
the run's settled file names (``NEWSCRAWL_RUN_*``) are set by ``newscrawl.output.runfiles``.
"""

from __future__ import annotations

import weakref
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from scrapy.settings import BaseSettings

#: Error types pydantic reports, in the words of a setting's user.
_MESSAGES = {
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "int_type": "not a whole number",
    "float_parsing": "not a number",
    "float_type": "not a number",
    "bool_parsing": "not a boolean (True or False)",
    "bool_type": "not a boolean (True or False)",
    "string_type": "not text",
    "list_type": "not a comma-separated list",
}


class SettingError(ValueError):
    """A setting has a bad value; the message starts with the setting's name."""


def _split(value: Any) -> Any:
    """A comma-separated ``-s`` value as a list (Scrapy's ``getlist`` reading)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


CommaList = Annotated[list[str], BeforeValidator(_split)]
Optional = BeforeValidator(_blank_is_none)
Lower = BeforeValidator(_lower)
Seconds = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]


def _setting(default: Any, name: str, description: str = "", **constraints: Any) -> Any:
    return Field(default, alias=name, description=description, **constraints)


class CrawlSettings(BaseModel):
    """Every setting the project reads, with its default (see the README and ``docs/``)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    # -- output and state (newscrawl.output, newscrawl.state; docs/scheduling.md) --
    output_dir: str = _setting("output", "NEWSCRAWL_OUTPUT_DIR", min_length=1)
    default_feed: bool = _setting(True, "NEWSCRAWL_DEFAULT_FEED")
    feed_fsync_every: Count = _setting(
        100, "NEWSCRAWL_FEED_FSYNC_EVERY", "feed lines between two fsyncs (0: on close only)"
    )
    state_dir: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_STATE_DIR")
    state_enabled: bool = _setting(True, "NEWSCRAWL_STATE_ENABLED")
    state_backend: Annotated[Literal["sqlite", "redis"] | None, Optional, Lower] = _setting(
        None, "NEWSCRAWL_STATE_BACKEND"
    )
    incremental_overlap_hours: Seconds = _setting(2.0, "NEWSCRAWL_INCREMENTAL_OVERLAP_HOURS")
    # -- discovery and politeness --
    profile: Annotated[Literal["", "live", "replica"], Lower] = _setting("", "NEWSCRAWL_PROFILE")
    max_listing_pages: int = _setting(1000, "NEWSCRAWL_MAX_LISTING_PAGES", ge=1)
    follow_article_listings: bool = _setting(True, "NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS")
    page_integrity: bool = _setting(
        True, "NEWSCRAWL_PAGE_INTEGRITY", "judge article pages whole before they are read"
    )
    honour_crawl_delay: bool = _setting(True, "NEWSCRAWL_HONOUR_CRAWL_DELAY")
    max_crawl_delay: Seconds = _setting(30.0, "NEWSCRAWL_MAX_CRAWL_DELAY")
    retry_after_max: Seconds = _setting(120.0, "NEWSCRAWL_RETRY_AFTER_MAX")
    sitemap_slot: Annotated[str | None, Optional] = _setting(
        "newscrawl-sitemaps", "NEWSCRAWL_SITEMAP_SLOT"
    )
    # -- archive scale (newscrawl.frontier) --
    frontier_on_disk: bool = _setting(True, "NEWSCRAWL_FRONTIER_ON_DISK")
    frontier_dir: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_FRONTIER_DIR")
    gc_freeze: bool = _setting(True, "NEWSCRAWL_GC_FREEZE")
    # -- the page archive (newscrawl.archive; docs/archive.md) --
    archive: Annotated[Literal["", "warc"], Lower] = _setting(
        "", "NEWSCRAWL_ARCHIVE", "warc: keep every article page in WARC files (empty: off)"
    )
    archive_pages: Annotated[Literal["articles", "all"], Lower] = _setting(
        "articles", "NEWSCRAWL_ARCHIVE_PAGES", "articles, or all (listings, sitemaps, feeds too)"
    )
    archive_max_bytes: Annotated[int, Field(gt=0)] = _setting(
        1 << 30, "NEWSCRAWL_ARCHIVE_MAX_BYTES", "size at which a WARC file is rotated"
    )
    archive_gzip_level: Annotated[int, Field(ge=1, le=9)] = _setting(
        6, "NEWSCRAWL_ARCHIVE_GZIP_LEVEL", "gzip level of each WARC record"
    )

    # -- watch mode (newscrawl.watch; docs/scheduling.md) --
    watch_publish_seconds: Positive = _setting(
        60.0, "NEWSCRAWL_WATCH_PUBLISH_SECONDS", "seconds between two publications of the feed"
    )
    watch_budget_per_hour: Annotated[int, Field(gt=0)] = _setting(
        3600, "NEWSCRAWL_WATCH_BUDGET_PER_HOUR", "requests a watch sends at most in any hour"
    )
    watch_checkpoint_seconds: Positive = _setting(
        3600.0, "NEWSCRAWL_WATCH_CHECKPOINT_SECONDS", "seconds between two checkpoints"
    )
    watch_alert_failing_seconds: Positive = _setting(
        600.0, "NEWSCRAWL_WATCH_ALERT_FAILING_SECONDS", "alert when every poll failed this long"
    )
    watch_quiet_factor: Seconds = _setting(
        3.0, "NEWSCRAWL_WATCH_QUIET_FACTOR", "quiet alert: times the site's usual quiet"
    )
    watch_quiet_min_seconds: Seconds = _setting(
        3600.0, "NEWSCRAWL_WATCH_QUIET_MIN_SECONDS", "quiet alert: at least this many seconds"
    )
    watch_quiet_history_days: Positive = _setting(
        7.0,
        "NEWSCRAWL_WATCH_QUIET_HISTORY_DAYS",
        "usual quiet: learned from the publication times of this many days before the newest",
    )
    watch_quiet_percentile: Annotated[float, Field(gt=0, le=100)] = _setting(
        95.0,
        "NEWSCRAWL_WATCH_QUIET_PERCENTILE",
        "usual quiet: this percentile of the gaps between consecutive publication times",
    )

    # -- the browser (newscrawl.browser) --
    browser_path: str = _setting("/usr/bin/chromium-headless-shell", "NEWSCRAWL_BROWSER_PATH")
    browser_timeout: Positive = _setting(120.0, "NEWSCRAWL_BROWSER_TIMEOUT")
    browser_pages_per_context: Count = _setting(100, "NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT")
    challenge_enabled: bool = _setting(True, "NEWSCRAWL_CHALLENGE_ENABLED")
    challenge_max_rounds: Count = _setting(3, "NEWSCRAWL_CHALLENGE_MAX_ROUNDS")
    challenge_timeout: Positive = _setting(30.0, "NEWSCRAWL_CHALLENGE_TIMEOUT")
    challenge_max_failed_solves: Count = _setting(3, "NEWSCRAWL_CHALLENGE_MAX_FAILED_SOLVES")
    # -- a shared crawl on Redis (newscrawl.frontier; docs/scaling.md) --
    frontier: Annotated[Literal["", "redis"], Optional, Lower] = Field(
        "", alias="NEWSCRAWL_FRONTIER"
    )
    frontier_name: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_FRONTIER_NAME")
    frontier_lease_seconds: Positive = _setting(30.0, "NEWSCRAWL_FRONTIER_LEASE_SECONDS")
    frontier_heartbeat: Positive = _setting(1.0, "NEWSCRAWL_FRONTIER_HEARTBEAT")
    frontier_idle_grace: Seconds = _setting(5.0, "NEWSCRAWL_FRONTIER_IDLE_GRACE")
    frontier_stall_seconds: Positive = _setting(300.0, "NEWSCRAWL_FRONTIER_STALL_SECONDS")
    frontier_rate: Seconds = _setting(0.0, "NEWSCRAWL_FRONTIER_RATE")
    frontier_concurrency: Annotated[Count | None, Optional] = _setting(
        None, "NEWSCRAWL_FRONTIER_CONCURRENCY", "default CONCURRENT_REQUESTS_PER_DOMAIN"
    )
    redis_retry_seconds: Seconds = _setting(300.0, "NEWSCRAWL_REDIS_RETRY_SECONDS")
    redis_url: Annotated[str | None, Optional] = _setting(None, "REDIS_URL")
    # -- health (newscrawl.monitors; docs/scheduling.md) --
    blocked_stop_after: Annotated[int, Field(ge=1)] = _setting(
        5, "NEWSCRAWL_BLOCKED_STOP_AFTER", "plain blocks in a row that stop the run (exit 4)"
    )
    job: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_JOB")
    health_finish_reasons: CommaList = _setting(
        ["finished", "max_articles", "closespider_itemcount", "closespider_pagecount"],
        "NEWSCRAWL_HEALTH_FINISH_REASONS",
    )
    health_min_articles: Count = _setting(1, "NEWSCRAWL_HEALTH_MIN_ARTICLES")
    health_min_articles_ratio: Share = _setting(0.2, "NEWSCRAWL_HEALTH_MIN_ARTICLES_RATIO")
    health_history_runs: int = _setting(10, "NEWSCRAWL_HEALTH_HISTORY_RUNS", ge=1)
    health_max_error_rate: Seconds = _setting(0.05, "NEWSCRAWL_HEALTH_MAX_ERROR_RATE")
    health_max_exception_rate: Seconds = _setting(
        0.001, "NEWSCRAWL_HEALTH_MAX_EXCEPTION_RATE", "spider exceptions and item errors per page"
    )
    health_max_damaged_ratio: Share = _setting(
        0.01,
        "NEWSCRAWL_HEALTH_MAX_DAMAGED_RATIO",
        "article pages still damaged after their retries per article page judged",
    )
    health_max_rejects_ratio: Share = _setting(0.05, "NEWSCRAWL_HEALTH_MAX_REJECTS_RATIO")
    health_coverage_drop: Share = _setting(0.3, "NEWSCRAWL_HEALTH_COVERAGE_DROP")
    health_coverage_min_records: Count = _setting(20, "NEWSCRAWL_HEALTH_COVERAGE_MIN_RECORDS")
    health_first_year: int = _setting(2012, "NEWSCRAWL_HEALTH_FIRST_YEAR", ge=1900, le=2100)
    health_future_slack_hours: Seconds = _setting(24.0, "NEWSCRAWL_HEALTH_FUTURE_SLACK_HOURS")
    prometheus_file: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_PROMETHEUS_FILE")
    alert_webhook_url: Annotated[str | None, Optional] = _setting(
        None, "NEWSCRAWL_ALERT_WEBHOOK_URL"
    )
    alert_smtp_host: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_ALERT_SMTP_HOST")
    alert_smtp_port: int = _setting(25, "NEWSCRAWL_ALERT_SMTP_PORT", ge=1, le=65535)
    alert_smtp_starttls: bool = _setting(False, "NEWSCRAWL_ALERT_SMTP_STARTTLS")
    alert_smtp_user: Annotated[str | None, Optional] = _setting(None, "NEWSCRAWL_ALERT_SMTP_USER")
    alert_smtp_password: Annotated[str | None, Optional] = _setting(
        None, "NEWSCRAWL_ALERT_SMTP_PASSWORD"
    )
    alert_email_from: str = _setting("newscrawl@localhost", "NEWSCRAWL_ALERT_EMAIL_FROM")
    alert_email_to: CommaList = _setting([], "NEWSCRAWL_ALERT_EMAIL_TO")
    alert_on_recovery: bool = _setting(False, "NEWSCRAWL_ALERT_ON_RECOVERY")
    alert_timeout: Positive = _setting(10.0, "NEWSCRAWL_ALERT_TIMEOUT")
    # -- Scrapy's own settings the project sets (newscrawl/settings.py, the profiles) --
    user_agent: str = _setting("", "USER_AGENT")
    robotstxt_obey: bool = _setting(True, "ROBOTSTXT_OBEY")
    concurrent_requests: int = _setting(16, "CONCURRENT_REQUESTS", ge=1)
    concurrent_requests_per_domain: int = _setting(8, "CONCURRENT_REQUESTS_PER_DOMAIN", ge=1)
    download_delay: Seconds = _setting(0.0, "DOWNLOAD_DELAY")
    autothrottle_enabled: bool = _setting(False, "AUTOTHROTTLE_ENABLED")
    autothrottle_start_delay: Seconds = _setting(5.0, "AUTOTHROTTLE_START_DELAY")
    autothrottle_max_delay: Seconds = _setting(60.0, "AUTOTHROTTLE_MAX_DELAY")
    autothrottle_target_concurrency: Positive = _setting(1.0, "AUTOTHROTTLE_TARGET_CONCURRENCY")
    download_timeout: Positive = _setting(180.0, "DOWNLOAD_TIMEOUT")
    download_maxsize: Count = _setting(1024 * 1024 * 1024, "DOWNLOAD_MAXSIZE")
    download_warnsize: Count = _setting(32 * 1024 * 1024, "DOWNLOAD_WARNSIZE")
    redirect_max_times: Count = _setting(20, "REDIRECT_MAX_TIMES")
    metarefresh_enabled: bool = _setting(True, "METAREFRESH_ENABLED")
    urllength_limit: Count = _setting(2083, "URLLENGTH_LIMIT")
    retry_enabled: bool = _setting(True, "RETRY_ENABLED")
    retry_times: Count = _setting(2, "RETRY_TIMES")
    retry_http_codes: Annotated[list[int], BeforeValidator(_split)] = _setting(
        [500, 502, 503, 504, 522, 524, 408, 429], "RETRY_HTTP_CODES"
    )
    logstats_interval: Seconds = _setting(60.0, "LOGSTATS_INTERVAL")
    telnetconsole_enabled: bool = _setting(True, "TELNETCONSOLE_ENABLED")
    playwright_max_contexts: int = _setting(2, "PLAYWRIGHT_MAX_CONTEXTS", ge=1)
    playwright_max_pages_per_context: int = _setting(4, "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", ge=1)
    playwright_default_navigation_timeout: Seconds = _setting(
        30_000, "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"
    )
    closespider_itemcount: Count = _setting(0, "CLOSESPIDER_ITEMCOUNT")
    closespider_pagecount: Count = _setting(0, "CLOSESPIDER_PAGECOUNT")
    jobdir: Annotated[str | None, Optional] = _setting(None, "JOBDIR")
    dupefilter_debug: bool = _setting(False, "DUPEFILTER_DEBUG")

    @model_validator(mode="after")
    def _check(self) -> CrawlSettings:
        if self.frontier == "redis" and not self.redis_url:
            raise ValueError(
                "REDIS_URL: NEWSCRAWL_FRONTIER=redis needs REDIS_URL (redis://host:6379/0)"
            )
        if self.alert_webhook_url is not None:
            parts = urlsplit(self.alert_webhook_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(
                    f"NEWSCRAWL_ALERT_WEBHOOK_URL: {self.alert_webhook_url!r} is not an http(s) URL"
                )
        return self

    # -- reading and checking ----------------------------------------------------------------

    @classmethod
    def names(cls) -> list[str]:
        """Every setting the model reads, by its setting name."""
        return [field.alias or name for name, field in cls.model_fields.items()]

    @classmethod
    def check(cls, settings: BaseSettings) -> CrawlSettings:
        """The model of ``settings``, raising :class:`SettingError` naming the first bad one
        (and how many others there are)."""
        raw = {name: settings[name] for name in cls.names() if settings.get(name) is not None}
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = [_problem(error) for error in exc.errors()]
            raise SettingError("; ".join(problems)) from None

    @property
    def frontier_enabled(self) -> bool:
        return self.frontier == "redis"


def _problem(error: Any) -> str:
    """One line for one pydantic error: ``NAME: what is wrong: 'value'``."""
    where = ".".join(str(part) for part in error["loc"])
    message = _MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
    if not where:  # a check across settings: its message names them
        return message
    name = where.split(".")[0]
    given = error.get("input")
    shown = f": {given!r}" if not isinstance(given, dict) else ""
    return f"{name}: {message[:1].lower()}{message[1:]}{shown}"


#: Models of frozen settings, by the settings' id (settings are mappings, so not hashable);
#: an entry goes when its settings do.
_MODELS: dict[int, CrawlSettings] = {}


def crawl_settings(settings: BaseSettings) -> CrawlSettings:
    """The crawl's settings model (checked once the settings are frozen, then kept)."""
    model = _MODELS.get(id(settings))
    if model is None:
        model = CrawlSettings.check(settings)
        if settings.frozen:
            _MODELS[id(settings)] = model
            weakref.finalize(settings, _MODELS.pop, id(settings), None)
    return model
