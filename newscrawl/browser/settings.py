"""The crawl settings newscrawl.browser needs, in one place (``newscrawl/settings.py`` uses them).

Requests without ``meta["playwright"]`` keep Scrapy's HTTP handler: the handler below delegates
them untouched and starts Chromium only when a request asks for it.
"""

from __future__ import annotations

from typing import Any

from newscrawl.browser.config import DEFAULT_PATH

handler_path = "newscrawl.browser.handler.BrowserDownloadHandler"

#: The Chromium executable (the environment variable of the same name overrides it).
NEWSCRAWL_BROWSER_PATH = DEFAULT_PATH
DOWNLOAD_HANDLERS = {"http": handler_path, "https": handler_path}
DOWNLOADER_MIDDLEWARES = {
    # After decompression (590) and redirects (600) in process_response, before cookies (700)
    # in process_request, so a re-issued request's clearance cookies reach the jar.
    "newscrawl.browser.challenge.ChallengeMiddleware": 560,
    # Last before the handler: counts what is actually downloaded, plain or in the browser.
    "newscrawl.browser.stats.RenderShareStats": 990,
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
#: Only documents, scripts, styles and XHR of the crawled host; no images, media, fonts.
PLAYWRIGHT_ABORT_REQUEST = "newscrawl.browser.resources.should_abort_request"
#: The browser keeps its own headers (and cookies); its context gets Scrapy's User-Agent.
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
#: Seconds one browser request may take in all (a page that hangs is closed and the request fails).
NEWSCRAWL_BROWSER_TIMEOUT = 120.0
#: Pages one browser context serves before new pages go to a fresh one (0: never recycle).
NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT = 100
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
NEWSCRAWL_CHALLENGE_ENABLED = True
#: Re-issues of one request after solves before it is given up (kept as the 403).
NEWSCRAWL_CHALLENGE_MAX_ROUNDS = 3
#: Seconds the browser waits for a challenge to clear.
NEWSCRAWL_CHALLENGE_TIMEOUT = 30.0
#: Solves failing in a row after which challenged pages are given up instead of solved again.
NEWSCRAWL_CHALLENGE_MAX_FAILED_SOLVES = 3


def as_dict() -> dict[str, Any]:
    """Every setting above, for ``custom_settings`` or a settings module."""
    return {
        name: value for name, value in globals().items() if name.isupper() and name != "HANDLER"
    }
