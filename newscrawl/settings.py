"""Scrapy settings for newscrawl: polite by default, and the newscrawl add-on.

A crawl of the live site obeys robots.txt (including its Crawl-delay), adapts its pace with
AutoThrottle, names itself and a contact in its User-Agent, caps response sizes and retries
transient failures (5xx, timeouts, 429 after its Retry-After). Every component of the project
(middlewares, pipelines, extensions, feed storage, the browser) and the profiles
(``-s NEWSCRAWL_PROFILE=replica`` lifts the delays for the bundled replica on 127.0.0.1) are
installed by one add-on, ``newscrawl.addon.Addon``, which also holds the defaults of the
``NEWSCRAWL_*`` settings.
"""

from __future__ import annotations

# Sets tldextract's offline suffix list before Scrapy imports its cookie middleware.
import newscrawl.browser  # noqa: F401

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
#: Project commands: shell and parse are not runs of the job (newscrawl.commands).
COMMANDS_MODULE = "newscrawl.commands"

# The frontier add-on is inert unless -s NEWSCRAWL_FRONTIER=redis (docs/scaling.md).
ADDONS = {"newscrawl.addon.Addon": 0, "newscrawl.frontier.addon.FrontierAddon": 10}

USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; newscrawl@example.org)"
ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

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
URLLENGTH_LIMIT = 2083

# -- Retries: 5xx, timeouts, 429 (after Retry-After, capped) ----------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Longest Retry-After we wait for before retrying (seconds).
NEWSCRAWL_RETRY_AFTER_MAX = 120.0

LOG_LEVEL = "INFO"
#: A dropped item is logged by the reason, which names its URL, not printed whole.
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
TELNETCONSOLE_ENABLED = False

# -- Health: `scrapy crawl` exits with the run's health (newscrawl.monitors; the monitors, the
# health file and the alerts are installed by the add-on) -------------------------------------
COMMANDS_MODULE = "newscrawl.commands"
