"""Download handler: Scrapy's HTTP handler for plain requests, Chromium for ``meta["playwright"]``.

scrapy-playwright's handler already hands requests without ``meta["playwright"]`` to Scrapy's
HTTP/1.1 handler untouched; this subclass adds what newscrawl needs on top:

- Playwright's driver starts on the first request that needs a browser, not at engine start, so a
  crawl that never meets a challenge or a JS listing never starts Node or Chromium;
- Chromium is launched from the ``NEWSCRAWL_BROWSER_PATH`` setting, headless, with our flags;
- a missing executable is a :class:`~newscrawl.browser.config.BrowserUnavailable` error naming the
  way to install it, raised at once instead of a launch that hangs or asks for
  ``playwright install``;
- the browser sends the same User-Agent as the plain request (its context is created with it), and
  keeps its own headers and cookies otherwise, so a challenge's reload carries the cookie it set.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from newscrawl.browser.config import (
    BrowserUnavailable,
    browser_path,
    launch_options,
    missing_browser_message,
)

logger = logging.getLogger(__name__)

#: Browser contexts never need service workers; blocking them keeps every request on a page.
CONTEXT_DEFAULTS: dict[str, Any] = {"service_workers": "block"}


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        path = browser_path(crawler.settings)
        self.config.launch_options = launch_options(path, self.config.launch_options)
        self.missing_browser = missing_browser_message(path)
        if self.missing_browser:
            logger.warning("%s; pages that need a browser will fail", self.missing_browser)
        self._driver_lock = asyncio.Lock()
        self._driver_started = False

    async def _maybe_launch_in_thread(self) -> None:
        """Engine start: nothing to do until a request needs the browser."""

    def _engine_started(self) -> None:
        """Engine start on older Scrapy: likewise nothing."""

    async def _start_driver(self) -> None:
        async with self._driver_lock:
            if not self._driver_started:
                await self._launch()
                self._driver_started = True

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        if self.missing_browser:
            raise BrowserUnavailable(self.missing_browser)
        await self._start_driver()
        kwargs = dict(CONTEXT_DEFAULTS)
        user_agent = request.headers.get("User-Agent")
        if user_agent:
            kwargs["user_agent"] = user_agent.decode()
        kwargs.update(request.meta.get("playwright_context_kwargs") or {})
        request.meta["playwright_context_kwargs"] = kwargs
        response: Response = await super()._download_request(request, spider)
        return response
