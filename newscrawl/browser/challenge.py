"""Cloudflare-style challenge pages: solved once in Chromium, then passed with plain requests.

A challenge is a 403/503 answer that Cloudflare signs (``Server: cloudflare`` or a ``cf-ray``
header) and whose page is the interstitial ("Just a moment...") or is marked
``cf-mitigated: challenge``. On one, :class:`ChallengeMiddleware`:

1. holds the request while a single browser solve runs (one at a time; requests challenged
   meanwhile wait for it instead of starting their own);
2. loads the URL in Chromium with the same User-Agent, waits until the page is no longer the
   interstitial, and reads the cookies the browser context earned;
3. re-issues the held request carrying those cookies; Scrapy's cookie middleware stores them in
   its jar, so every later plain request sends them too, until the site challenges again and a
   new solve replaces them. The solve runs in the browser's default context, so the browser's
   own requests (JS listings) carry the clearance as well, and a challenged browser request is
   re-issued the same way.

The page the browser rendered is not used as the answer: the article is fetched again over plain
HTTP so that extraction always sees the server's bytes, never a re-serialized DOM.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from newscrawl.browser.config import BrowserUnavailable
from newscrawl.components import disabled
from newscrawl.config import crawl_settings

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES: frozenset[int] = frozenset({403, 429, 503})
#: Body markers of the interstitial, read from the first bytes of the page.
CHALLENGE_BODY_MARKERS: tuple[bytes, ...] = (
    b"Just a moment...",
    b"challenge-platform",
    b"cf_chl_opt",
    b"Checking your browser",
)
#: Title the browser shows while the challenge runs; the solve waits until it is gone.
CHALLENGE_TITLE = "Just a moment"
BODY_SNIFF_BYTES = 65536

#: Request meta keys this middleware uses.
SOLVE_META = "newscrawl_challenge_solve"
ROUNDS_META = "newscrawl_challenge_rounds"
GENERATION_META = "newscrawl_challenge_generation"


def signed_by_cloudflare(response: Response) -> bool:
    """The answer comes from Cloudflare: ``Server: cloudflare`` or a ``cf-ray`` header."""
    headers = response.headers
    return (headers.get("Server") or b"").lower() == b"cloudflare" or b"cf-ray" in headers


def is_challenge(response: Response) -> bool:
    """True when ``response`` is a Cloudflare challenge rather than the page asked for.

    A page the browser rendered carries the status and headers of its first answer but the DOM
    of its last: the challenge script may already have reloaded it. Status and headers decide
    there, so page methods that ran on the interstitial are run again after a solve.
    """
    if response.status not in CHALLENGE_STATUSES or not signed_by_cloudflare(response):
        return False
    headers = response.headers
    if (
        headers.get("cf-mitigated") or b""
    ).lower() == b"challenge" or "playwright" in response.flags:
        return True
    head = response.body[:BODY_SNIFF_BYTES]
    return any(marker in head for marker in CHALLENGE_BODY_MARKERS)


async def wait_until_cleared(page: Page, timeout_ms: float) -> None:
    """Page method: wait until the challenge script has reloaded into the real page."""
    await page.wait_for_function(
        f"() => !(document.title || '').includes({CHALLENGE_TITLE!r})",
        timeout=timeout_ms,
    )


async def context_cookies(page: Page) -> list[dict[str, Any]]:
    """Page method: the cookies the browser context holds for the page's URL."""
    return [dict(cookie) for cookie in await page.context.cookies(page.url)]


def scrapy_cookies(browser_cookies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Browser cookies as ``Request.cookies`` entries, host-only (the jar uses the host)."""
    return [
        {"name": c["name"], "value": c["value"], "path": c.get("path") or "/"}
        for c in browser_cookies
        if c.get("name")
    ]


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ChallengeMiddleware:
    """Downloader middleware: one browser solve at a time, clearance reused by plain requests."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = crawl_settings(crawler.settings)
        self.max_rounds = config.challenge_max_rounds
        self.solve_timeout_ms = config.challenge_timeout * 1000
        #: Solves failing in a row before the middleware stops trying (a wall it cannot pass).
        self.max_failed_solves = config.challenge_max_failed_solves
        self._failed_solves = 0
        self._lock = asyncio.Lock()
        #: Bumped after every solve; a request sent before the latest solve just retries.
        self._generation = 0
        self._cookies: dict[str, list[dict[str, Any]]] = {}
        self._closing: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChallengeMiddleware:
        if not crawl_settings(crawler.settings).challenge_enabled:
            raise disabled(cls, "NEWSCRAWL_CHALLENGE_ENABLED is off")
        return cls(crawler)

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newscrawl/challenge/{key}")

    def process_request(self, request: Request) -> None:
        request.meta[GENERATION_META] = self._generation

    async def process_response(self, request: Request, response: Response) -> Response | Request:
        if request.meta.get(SOLVE_META) or not is_challenge(response):
            return response
        self._inc("challenged")
        rounds = request.meta.get(ROUNDS_META, 0)
        if rounds >= self.max_rounds:
            self._inc("gave_up")
            logger.warning("Still challenged after %d solves, giving up: %s", rounds, request)
            return response
        site = _site(request.url)
        async with self._lock:
            if self._failed_solves >= self.max_failed_solves:
                self._inc("not_solved")
                return response
            if self._generation == request.meta.get(GENERATION_META):
                cookies = await self._solve(request)
                self._generation += 1
                if cookies:
                    self._cookies[site] = cookies
                    self._failed_solves = 0
                else:
                    self._cookies.pop(site, None)  # they were just refused: useless now
                    self._failed_solves += 1
                    if self._failed_solves == self.max_failed_solves:
                        logger.error(
                            "%d challenge solves failed in a row: challenged pages are given up",
                            self._failed_solves,
                        )
        earned = self._cookies.get(site)
        if not earned:
            return response
        self._inc("reissued")
        meta = {**request.meta, ROUNDS_META: rounds + 1}
        cookies = _merged(request.cookies, earned)
        return request.replace(cookies=cookies, meta=meta, dont_filter=True)

    async def _solve(self, request: Request) -> list[dict[str, Any]]:
        """Load ``request.url`` in the browser until the challenge clears; its cookies, or []."""
        read_cookies = PageMethod(context_cookies)
        user_agent = request.headers.get("User-Agent")
        solve = Request(
            request.url,
            meta={
                "playwright": True,
                "playwright_page_methods": [
                    PageMethod(wait_until_cleared, self.solve_timeout_ms),
                    read_cookies,
                ],
                "dont_merge_cookies": True,
                "dont_redirect": True,
                SOLVE_META: True,
            },
            headers={"User-Agent": user_agent} if user_agent else None,
            dont_filter=True,
        )
        assert self.crawler.engine is not None
        self._inc("solves")
        try:
            await self.crawler.engine.download_async(solve)
        except BrowserUnavailable as error:
            self._inc("browser_missing")
            logger.error("Cannot solve the challenge on %s: %s", request.url, error)
            self._close_spider("browser_missing")
            return []
        except Exception as error:
            self._inc("solve_failed")
            logger.error("Browser could not pass the challenge on %s: %r", request.url, error)
            return []
        cookies = scrapy_cookies(read_cookies.result or [])
        if not cookies:
            self._inc("solve_failed")
            logger.error("Challenge on %s passed but the browser holds no cookies", request.url)
            return []
        self._inc("solved")
        logger.info("Challenge solved in the browser for %s", _site(request.url))
        return cookies

    def _close_spider(self, reason: str) -> None:
        assert self.crawler.engine is not None
        if self._closing is None:
            # Not awaited: closing waits for downloads, and this one is still in progress.
            self._closing = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=reason)
            )


def _merged(own: Any, clearance: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``Request.cookies`` (dict or list form) with the clearance cookies replacing same names."""
    names = {c["name"] for c in clearance}
    if isinstance(own, dict):
        own = [{"name": k, "value": v} for k, v in own.items()]
    kept = [c for c in own or [] if c.get("name") not in names]
    return [*kept, *clearance]
