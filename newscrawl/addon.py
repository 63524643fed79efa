"""The newscrawl add-on: every component of the project and its profiles, wired in one place.

``settings.py`` holds the politeness defaults and ``ADDONS = {"newscrawl.addon.Addon": 0}``;
Scrapy calls :meth:`Addon.update_settings` once the spider has copied its checked arguments into
the settings (``newscrawl.discovery.args``), before anything is built from them. It

1. sets the project's own settings' defaults (:data:`DEFAULTS`, at add-on priority: a value in
   ``settings.py`` or given with ``-s`` wins);
2. installs the components: downloader and spider middlewares, pipelines (validation, then
   de-duplication, then versioning, then the ``max_articles`` cap, so nothing is counted
   before it is kept), extensions, the
   atomic feed storage and the browser's download handler (:data:`COMPONENTS`);
3. applies the profile ``NEWSCRAWL_PROFILE`` names (:data:`PROFILES`);
4. checks every setting (:class:`newscrawl.config.CrawlSettings`): a bad value stops the crawl
   before any request, naming the setting;
5. settles the run's files: the default feed unless ``-o``/``-O`` gave one, and the rejects,
   summary and stats beside it (``newscrawl.output.runfiles``).

A profile is one name for a set of settings that suits a kind of target: ``-s
NEWSCRAWL_PROFILE=replica`` lifts the politeness delays for the bundled replica on 127.0.0.1
(its robots.txt asks for ``Crawl-delay: 1``, which the live site deserves and a local benchmark
does not). A profile is applied at "spider" priority, so any explicit ``-s`` still wins.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from newscrawl.archive.replay import replay_settings
from newscrawl.browser import settings as browser
from newscrawl.commands.inspect import INSPECT
from newscrawl.config import CrawlSettings, SettingError
from newscrawl.monitors import settings as health
from newscrawl.output.runfiles import configure_output

#: The project's own settings and their defaults (documented in docs/ and the README).
DEFAULTS: dict[str, Any] = {
    #: Where feeds, rejects and state go unless overridden.
    "NEWSCRAWL_OUTPUT_DIR": "output",
    #: Pages of one listing followed at most (?page=N); older articles come from the sitemaps.
    "NEWSCRAWL_MAX_LISTING_PAGES": 1000,
    #: Follow the tag, author and section listings that article pages link (not in incremental
    #: runs after a complete one, which find what is new on section listings and sitemaps).
    "NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS": True,
    #: Judge each article page whole before it is read: a damaged one (random bytes, HTML cut
    #: short) is retried, then counted and never stored (newscrawl.integrity).
    "NEWSCRAWL_PAGE_INTEGRITY": True,
    #: The default feed (when -o/-O is not given):
    #: {NEWSCRAWL_OUTPUT_DIR}/almayadeen/{edition}/{date}T{time}.jsonl, rejects beside it.
    "NEWSCRAWL_DEFAULT_FEED": True,
    #: Profile of settings for a kind of target: "" (the live site) or "replica".
    "NEWSCRAWL_PROFILE": "",
    # -- incremental, resumable, exactly-once runs (newscrawl.state; docs/scheduling.md) --
    #: Crawl state (SQLite) and the run lock; default {NEWSCRAWL_OUTPUT_DIR}/state.
    "NEWSCRAWL_STATE_DIR": None,
    "NEWSCRAWL_STATE_ENABLED": True,
    #: How far before the last run's high-water mark listings are still paged (hours).
    "NEWSCRAWL_INCREMENTAL_OVERLAP_HOURS": 2.0,
    #: Feed lines between two fsyncs (each line reaches the kernel as it is written).
    "NEWSCRAWL_FEED_FSYNC_EVERY": 100,
    "FEED_EXPORT_ENCODING": "utf-8",
    # -- archive scale: what a run holds stays small (newscrawl.frontier; docs/performance.md) --
    #: Requests wait on disk (JOBDIR's queue, or a spill directory removed at the end of the
    #: run), not in memory; request fingerprints are kept as 8-byte hashes.
    "SCHEDULER": "newscrawl.frontier.scheduler.DiskFrontierScheduler",
    "DUPEFILTER_CLASS": "newscrawl.frontier.scheduler.CompactDupeFilter",
    "NEWSCRAWL_FRONTIER_ON_DISK": True,
    #: Where a run without JOBDIR spills its queue; default: the job's state directory.
    "NEWSCRAWL_FRONTIER_DIR": None,
    #: Keep the objects built before the crawl out of the garbage collector's generations.
    "NEWSCRAWL_GC_FREEZE": True,
    #: The download slot of sitemap requests: one sitemap at a time (empty: no own slot).
    "NEWSCRAWL_SITEMAP_SLOT": "newscrawl-sitemaps",
    # -- the web archive (newscrawl.archive; docs/archive.md) --
    #: ``warc``: keep every article response, with its request, in gzipped WARC files beside
    #: the feed (empty: off).
    "NEWSCRAWL_ARCHIVE": "",
    #: ``articles`` (default) or ``all``: listings, sitemaps, robots.txt and the RSS feed too.
    "NEWSCRAWL_ARCHIVE_PAGES": "articles",
    #: A WARC file is published and the next one started once it reaches this size (1 GiB).
    "NEWSCRAWL_ARCHIVE_MAX_BYTES": 1 << 30,
    #: zlib level of each record's gzip member (warcio's own is 9, twice the CPU for ~3% less).
    "NEWSCRAWL_ARCHIVE_GZIP_LEVEL": 6,
    # -- watch mode (newscrawl.watch; docs/scheduling.md) --
    #: Seconds between two publications of the feed (when it holds anything).
    "NEWSCRAWL_WATCH_PUBLISH_SECONDS": 60.0,
    #: Requests a watch sends at most in any hour (polls and what they lead to).
    "NEWSCRAWL_WATCH_BUDGET_PER_HOUR": 3600,
    #: Seconds between two checkpoints of a watch in the crawl state (the high-water mark a
    #: restart after a kill pages back to).
    "NEWSCRAWL_WATCH_CHECKPOINT_SECONDS": 3600.0,
    #: Alert when every poll has failed for this long (seconds).
    "NEWSCRAWL_WATCH_ALERT_FAILING_SECONDS": 600.0,
    #: Alert when nothing new came for longer than this factor times the site's usual quiet,
    #: and at least this many seconds. The usual quiet: this percentile of the gaps between
    #: consecutive publication times over this many days before the newest one the job knows
    #: (newscrawl.watch.quiet).
    "NEWSCRAWL_WATCH_QUIET_FACTOR": 3.0,
    "NEWSCRAWL_WATCH_QUIET_MIN_SECONDS": 3600.0,
    "NEWSCRAWL_WATCH_QUIET_PERCENTILE": 95.0,
    "NEWSCRAWL_WATCH_QUIET_HISTORY_DAYS": 7.0,
    # -- a browser where a page needs one (newscrawl.browser; docs/browser.md) --
    **{k: v for k, v in browser.as_dict().items() if not isinstance(v, dict)},
    # -- health: monitors, health file, metrics, alerts (newscrawl.monitors; docs/scheduling.md)
    **health.DEFAULTS,
}

#: Components by setting: import path -> order (``None`` disables one of Scrapy's).
COMPONENTS: dict[str, dict[str, int | None]] = {
    "DOWNLOADER_MIDDLEWARES": {
        # Retry-After aware retries replace Scrapy's RetryMiddleware at the same place.
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "newscrawl.middlewares.RetryAfterMiddleware": 550,
        "newscrawl.middlewares.CrawlDelayMiddleware": 110,
        # After the retries (550) and challenge solves (560) in process_response: judges the
        # article page the spider is about to read.
        "newscrawl.integrity.PageIntegrityMiddleware": 540,
        **browser.DOWNLOADER_MIDDLEWARES,
        # Next to the handler: each response as downloaded (before decompression, redirects,
        # retries); inert unless NEWSCRAWL_ARCHIVE=warc.
        "newscrawl.archive.middleware.WarcArchiveMiddleware": 980,
        # Watch mode: conditional polls, after robots.txt, retries and redirects.
        "newscrawl.watch.middlewares.ConditionalPolls": 120,
    },
    # process_spider_output runs from the highest order down: the window and sections first,
    # then what an incremental run skips, then the "Load more" requests of what is left.
    "SPIDER_MIDDLEWARES": {
        "newscrawl.discovery.scope.ScopeMiddleware": 930,
        "newscrawl.state.middleware.IncrementalMiddleware": 920,
        # Watch mode: of a polled page's links, the articles and sitemaps kept above.
        "newscrawl.watch.middlewares.WatchFollow": 915,
        "newscrawl.browser.loadmore.LoadMoreMiddleware": 910,
        # A capped run: the articles sitemaps give wait behind the listings, newest first.
        "newscrawl.discovery.newest.NewestFirstMiddleware": 905,
        # Sitemaps that are still wanted are read one at a time (newscrawl.frontier.sitemaps).
        "newscrawl.frontier.sitemaps.SitemapSlotMiddleware": 900,
        # Nearest the engine: in a capped run each record goes to the pipelines on its own.
        "newscrawl.output.cap.DetachedRecordsMiddleware": 10,
    },
    "ITEM_PIPELINES": {
        "newscrawl.output.validate.ValidationPipeline": 100,
        "newscrawl.output.dedup.DedupPipeline": 200,
        # After de-duplication: an article's version is counted only for a record that is kept.
        "newscrawl.output.versioning.VersioningPipeline": 300,
        # Last: only records that would reach the feed take part in max_articles' newest N.
        "newscrawl.output.cap.MaxArticlesPipeline": 400,
    },
    "EXTENSIONS": {
        # Scrapy's feed exporter, able to publish a feed while the run goes on (watch mode).
        "scrapy.extensions.feedexport.FeedExporter": None,
        "newscrawl.output.rotation.RotatingFeedExporter": 0,
        # First: takes the job's lock and opens the crawl state before anything else runs.
        "newscrawl.state.session.CrawlStateExtension": 100,
        # Counts what reached each feed; a run that lost records exits 5.
        "newscrawl.output.delivery.Delivery": 150,
        "newscrawl.output.summary.RunSummary": 500,
        # What a re-extraction read and changed (-a reextract=DIR; newscrawl.archive.replay).
        "newscrawl.archive.replay.ReextractReport": 600,
        "newscrawl.output.runstats.RunStats": 900,
        **health.COMPONENTS["EXTENSIONS"],
        # Watch mode: keeps the run alive, polls, publishes, keeps health beating.
        "newscrawl.watch.extension.WatchExtension": 960,
        # Last: once every component is built and the spider opened.
        "newscrawl.frontier.collector.FreezeStartupObjects": 990,
    },
}
COMPONENTS["DOWNLOADER_MIDDLEWARES"].update(health.COMPONENTS["DOWNLOADER_MIDDLEWARES"])
COMPONENTS["ITEM_PIPELINES"].update(health.COMPONENTS["ITEM_PIPELINES"])

#: Local feeds are written as X.jsonl.part and renamed to X.jsonl when complete.
FEED_STORAGES: dict[str, str] = {
    "": "newscrawl.output.feeds.AtomicFileFeedStorage",
    "file": "newscrawl.output.feeds.AtomicFileFeedStorage",
}

#: CSV feeds write lists and nested objects as JSON, not Python reprs.
FEED_EXPORTERS: dict[str, str] = {"csv": "newscrawl.output.feeds.CsvItemExporter"}

PROFILES: dict[str, dict[str, Any]] = {
    "": {},
    "live": {},
    "replica": {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "NEWSCRAWL_HONOUR_CRAWL_DELAY": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "NEWSCRAWL_RETRY_AFTER_MAX": 2.0,
        "DOWNLOAD_TIMEOUT": 10,
        "LOGSTATS_INTERVAL": 10.0,
        # No shared per-host rate or concurrency for workers of a shared crawl
        # (newscrawl.frontier.limiter).
        "NEWSCRAWL_FRONTIER_RATE": 0,
        "NEWSCRAWL_FRONTIER_CONCURRENCY": 0,
    },
}


class ProfileError(SettingError):
    """An unknown profile name."""


def apply_profile(settings: BaseSettings) -> str:
    """Apply the profile named by ``NEWSCRAWL_PROFILE``; returns its name."""
    name = str(settings.get("NEWSCRAWL_PROFILE") or "").strip().lower()
    if name not in PROFILES:
        raise ProfileError(
            f"NEWSCRAWL_PROFILE: unknown profile {name!r}; use one of: "
            + ", ".join(p for p in PROFILES if p)
        )
    for key, value in PROFILES[name].items():
        settings.set(key, value, priority="spider")
    return name


def install_components(settings: BaseSettings) -> None:
    """Add the project's components, leaving any a user configured (or disabled) as they are."""
    inspecting = settings.getbool(INSPECT)
    for key, value in DEFAULTS.items():
        if inspecting and key in ("SCHEDULER", "DUPEFILTER_CLASS"):
            # scrapy shell / parse keep Scrapy's (or their own): their requests carry callbacks
            # that no disk queue can hold, and the shell fetches a page again on request.
            continue
        settings.set(key, value, priority="addon")
    if inspecting:
        # Nothing to judge: a look at one page is not a run (no monitors, exit status or alert).
        settings.set("SPIDERMON_ENABLED", False, priority="addon")
    for setting, components in COMPONENTS.items():
        for path, order in components.items():
            if order is None:
                settings.set_in_component_priority_dict(setting, load_object(path), None)
            else:
                settings.setdefault_in_component_priority_dict(setting, load_object(path), order)
    slots = settings.getdict("DOWNLOAD_SLOTS")
    sitemap_slot = settings.get("NEWSCRAWL_SITEMAP_SLOT")
    if sitemap_slot and sitemap_slot not in slots:
        slots[sitemap_slot] = {"concurrency": 1}
        settings.set(
            "DOWNLOAD_SLOTS", slots, priority=settings.getpriority("DOWNLOAD_SLOTS") or "addon"
        )
    for setting, table in (("FEED_STORAGES", FEED_STORAGES),
                           ("FEED_EXPORTERS", FEED_EXPORTERS),
                           ("DOWNLOAD_HANDLERS", browser.DOWNLOAD_HANDLERS)):  # fmt: skip
        merged = {**table, **settings.getdict(setting)}
        settings.set(setting, merged, priority=settings.getpriority(setting) or "addon")


class Addon:
    """``ADDONS = {"newscrawl.addon.Addon": 0}``: see the module doc."""

    def update_settings(self, settings: BaseSettings) -> None:
        install_components(settings)
        apply_profile(settings)
        # Every setting checked at once, before anything is built from them: a bad value stops
        # the crawl here, naming the setting (the crawl command exits 2).
        CrawlSettings.check(settings)
        edition = settings.get("NEWSCRAWL_EDITION") or "en"
        configure_output(settings, str(edition))
        replay_settings(settings)
