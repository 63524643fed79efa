"""Scrapy settings for newscrawl: polite by default.

A crawl of the live site obeys robots.txt (including its Crawl-delay), adapts its pace with
AutoThrottle, names itself and a contact in its User-Agent, caps response sizes and retries
transient failures (5xx, timeouts, 429 after its Retry-After). ``-s NEWSCRAWL_PROFILE=replica``
lifts the delays for crawling the bundled replica on 127.0.0.1 (see
``newscrawl.extensions.profile``).
"""

from __future__ import annotations

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; newscrawl@example.org)"
ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# Where feeds, rejects and state go unless overridden.
NEWSCRAWL_OUTPUT_DIR = "output"

# -- Politeness ------------------------------------------------------------------------------
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
#: Honour robots.txt ``Crawl-delay`` as a floor under the per-host delay.
NEWSCRAWL_HONOUR_CRAWL_DELAY = True
#: Longest Crawl-delay we accept from robots.txt (seconds); a larger one is capped.
NEWSCRAWL_MAX_CRAWL_DELAY = 30.0

# -- Limits: a page that never ends or a listing that never stops costs bounded bytes --------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False
#: Pages of one listing followed at most (?page=N); older articles come from the sitemaps.
NEWSCRAWL_MAX_LISTING_PAGES = 1000
#: Follow the tag, author and section listings that article pages link (not in incremental
#: runs after a complete one, which find what is new on section listings and sitemaps).
NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS = True
URLLENGTH_LIMIT = 2083

# -- Retries: 5xx, timeouts, 429 (after Retry-After, capped) ----------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Longest Retry-After we wait for before retrying (seconds).
NEWSCRAWL_RETRY_AFTER_MAX = 120.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.RetryAfterMiddleware": 550,
    "newscrawl.middlewares.CrawlDelayMiddleware": 110,
}

# -- Output ----------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.pipelines.validate.ValidationPipeline": 100,
    # 200-299: reserved for incremental state (which records are new or changed).
    "newscrawl.pipelines.dedup.DedupPipeline": 300,
}
EXTENSIONS = {
    "newscrawl.extensions.summary.RunSummary": 500,
}
#: The default feed (set by the spider when -o/-O is not given):
#: {NEWSCRAWL_OUTPUT_DIR}/almayadeen/{edition}/{date}T{time}.jsonl, rejects beside it.
NEWSCRAWL_DEFAULT_FEED = True
#: Profile of settings for a kind of target: "" (the live site) or "replica".
NEWSCRAWL_PROFILE = ""

LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False

# -- Incremental, resumable, exactly-once runs (newscrawl.state; see docs/scheduling.md) ------
#: Crawl state (SQLite) and the run lock; default {NEWSCRAWL_OUTPUT_DIR}/state.
NEWSCRAWL_STATE_DIR = None
NEWSCRAWL_STATE_ENABLED = True
#: How far before the last run's high-water mark listings are still paged (hours).
NEWSCRAWL_INCREMENTAL_OVERLAP_HOURS = 2.0
#: Feed lines between two fsyncs (each line reaches the kernel as it is written).
NEWSCRAWL_FEED_FSYNC_EVERY = 100
ITEM_PIPELINES["newscrawl.state.pipeline.VersioningPipeline"] = 200
EXTENSIONS["newscrawl.state.session.CrawlStateExtension"] = 100
EXTENSIONS["newscrawl.extensions.runstats.RunStats"] = 900
#: Local feeds are written as X.jsonl.part and renamed to X.jsonl when complete.
FEED_STORAGES = {
    "": "newscrawl.feeds.AtomicFileFeedStorage",
    "file": "newscrawl.feeds.AtomicFileFeedStorage",
}

# -- Scaling out: many workers, one crawl (newscrawl.frontier; docs/scaling.md) --------------
# Off unless -s NEWSCRAWL_FRONTIER=redis -s REDIS_URL=redis://host:6379/0: then this crawl is a
# worker of a shared crawl (scrapy-redis frontier with leases, shared state and rate limit).
ADDONS = {"newscrawl.frontier.addon.FrontierAddon": 0}
NEWSCRAWL_FRONTIER = ""
REDIS_URL = None
#: Requests per second per host, all workers together (0: no shared limit; the replica
#: profile lifts it). One worker's DOWNLOAD_DELAY of 0.5 s is 2 per second.
NEWSCRAWL_FRONTIER_RATE = 2.0
# -- end of the scaling-out block -------------------------------------------------------------

# -- Browser where a page needs one (newscrawl.browser; docs/browser.md) ----------------------
# Challenges are solved in Chromium and their cookies reused by plain requests; "Load more"
# listings are learned once in Chromium and followed as JSON. Every other request keeps Scrapy's
# HTTP handler (the handler below delegates to it and starts no browser for it).
from newscrawl.browser import settings as browser  # noqa: E402

NEWSCRAWL_BROWSER_PATH = browser.NEWSCRAWL_BROWSER_PATH
DOWNLOAD_HANDLERS = browser.DOWNLOAD_HANDLERS
DOWNLOADER_MIDDLEWARES.update(browser.DOWNLOADER_MIDDLEWARES)
PLAYWRIGHT_BROWSER_TYPE = browser.PLAYWRIGHT_BROWSER_TYPE
PLAYWRIGHT_ABORT_REQUEST = browser.PLAYWRIGHT_ABORT_REQUEST
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = browser.PLAYWRIGHT_PROCESS_REQUEST_HEADERS
PLAYWRIGHT_MAX_CONTEXTS = browser.PLAYWRIGHT_MAX_CONTEXTS
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = browser.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = browser.PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT
NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT = browser.NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT
NEWSCRAWL_BROWSER_TIMEOUT = browser.NEWSCRAWL_BROWSER_TIMEOUT
NEWSCRAWL_CHALLENGE_ENABLED = browser.NEWSCRAWL_CHALLENGE_ENABLED
NEWSCRAWL_CHALLENGE_MAX_ROUNDS = browser.NEWSCRAWL_CHALLENGE_MAX_ROUNDS
NEWSCRAWL_CHALLENGE_TIMEOUT = browser.NEWSCRAWL_CHALLENGE_TIMEOUT
NEWSCRAWL_CHALLENGE_MAX_FAILED_SOLVES = browser.NEWSCRAWL_CHALLENGE_MAX_FAILED_SOLVES
# -- end of the browser block -----------------------------------------------------------------
