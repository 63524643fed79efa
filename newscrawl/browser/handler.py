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
  keeps its own headers and cookies otherwise, so a challenge's reload carries the cookie it set;
- a browser request that takes longer than ``NEWSCRAWL_BROWSER_TIMEOUT`` seconds (or its
  ``meta["newscrawl_browser_timeout"]``) fails with :class:`BrowserTimeout` and its page is closed:
  Playwright's own timeouts cover navigation and waits, not every call, and one stuck page must not
  hold a crawl forever;
- every download, plain or in the browser, runs through the crawl's
  :class:`~newscrawl.stopping.Downloads`, so a stop that does not wait for what is under way
  (a watch's, :func:`newscrawl.stopping.cut_downloads`) cancels it;
- memory stays flat on long runs: after ``NEWSCRAWL_BROWSER_PAGES_PER_CONTEXT`` pages, new pages go
  to a fresh browser context (which starts with the old one's cookies, so a clearance survives)
  and the old context is closed as soon as its last page is.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from contextlib import suppress
from typing import Any
from weakref import WeakSet

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
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
from newscrawl.config import crawl_settings
from newscrawl.stopping import downloads

logger = logging.getLogger(__name__)

#: Crawls already warned that Chromium is missing.
_WARNED: WeakSet[Crawler] = WeakSet()

#: Request meta key: seconds this browser request may take (the setting otherwise).
TIMEOUT_META = "newscrawl_browser_timeout"


class BrowserTimeout(RuntimeError):
    """A browser request took longer than its time limit; its page was closed."""


#: Browser contexts never need service workers; blocking them keeps every request on a page.
CONTEXT_DEFAULTS: dict[str, Any] = {"service_workers": "block"}


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        path = browser_path(crawler.settings)
        self.config.launch_options = launch_options(path, self.config.launch_options)
        self.missing_browser = missing_browser_message(path)
        if self.missing_browser and crawler not in _WARNED:
            # One handler per scheme (http, https): one warning per crawl.
            _WARNED.add(crawler)
            logger.warning("%s; pages that need a browser will fail", self.missing_browser)
        self._driver_lock = asyncio.Lock()
        self._driver_started = False
        self.pages_per_context = crawl_settings(crawler.settings).browser_pages_per_context
        if self.config.max_contexts is not None and self.config.max_contexts < 2:
            # A fresh context opens while the old one drains: that takes two.
            logger.info("PLAYWRIGHT_MAX_CONTEXTS < 2: browser contexts are not recycled")
            self.pages_per_context = 0
        self._rotate_lock = asyncio.Lock()
        self._generation = 0
        self._served = 0
        self._in_flight: Counter[str] = Counter()
        self._retired: set[str] = set()
        self._carried_cookies: list[Any] = []
        self.timeout = crawl_settings(crawler.settings).browser_timeout
        #: The page of each browser request in flight (by request id), to close on a timeout.
        self._pages: dict[int, Page] = {}
        self.downloads = downloads(crawler)

    async def download_request(self, request: Request) -> Response:
        return await self.downloads.run(request, super().download_request(request))

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
        if self._carried_cookies:
            kwargs["storage_state"] = {"cookies": self._carried_cookies, "origins": []}
        kwargs.update(request.meta.get("playwright_context_kwargs") or {})
        request.meta["playwright_context_kwargs"] = kwargs
        name = request.meta.get("playwright_context") or await self._current_context()
        request.meta["playwright_context"] = name
        self._in_flight[name] += 1
        timeout = request.meta.get(TIMEOUT_META) or self.timeout
        try:
            response: Response = await asyncio.wait_for(
                super()._download_request(request, spider), timeout
            )
        except TimeoutError as error:
            self.stats.inc_value("newscrawl/browser/timeouts")
            page = self._pages.get(id(request))
            if page is not None and not page.is_closed():
                with suppress(PlaywrightError, TimeoutError):
                    await asyncio.wait_for(page.close(), 10)
            raise BrowserTimeout(
                f"{request.url} took more than {timeout:g} s in the browser"
            ) from error
        finally:
            self._pages.pop(id(request), None)
            self._in_flight[name] -= 1
            if name in self._retired and not self._in_flight[name]:
                await self._close_context(name)
        return response

    async def _create_page(self, request: Request, spider: Spider) -> Page:
        page: Page = await super()._create_page(request=request, spider=spider)
        self._pages[id(request)] = page
        return page

    def _context_name(self) -> str:
        return f"newscrawl-{self._generation}"

    async def _current_context(self) -> str:
        """The context new pages go to, starting a fresh one every ``pages_per_context`` pages.

        Only one context drains at a time: scrapy-playwright creates contexts under one lock, and a
        creation waiting for a free context slot there would keep the draining context's last
        pages from ever being created.
        """
        async with self._rotate_lock:
            if (
                self.pages_per_context
                and self._served >= self.pages_per_context
                and not self._retired
            ):
                old = self._context_name()
                wrapper = self.context_wrappers.get(old)
                if wrapper is not None:
                    self._carried_cookies = await wrapper.context.cookies()
                self._retired.add(old)
                self._generation += 1
                self._served = 0
                self.stats.inc_value("newscrawl/browser/contexts_recycled")
                if not self._in_flight[old]:
                    await self._close_context(old)
            self._served += 1
            return self._context_name()

    async def _close_context(self, name: str) -> None:
        self._retired.discard(name)
        wrapper = self.context_wrappers.get(name)
        if wrapper is not None:
            await wrapper.context.close()
