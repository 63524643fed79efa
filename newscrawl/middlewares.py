"""Downloader middlewares that Scrapy lacks: Retry-After on 429/503, robots.txt Crawl-delay.

Scrapy's RetryMiddleware retries a 429 at once, whatever its ``Retry-After`` says, and Scrapy
reads robots.txt for Allow/Disallow only, not for ``Crawl-delay``. Both are small additions.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from protego import Protego
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.response import response_status_message

from newscrawl.config import crawl_settings
from newscrawl.stopping import wait_async

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for: delta-seconds or an HTTP date."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that, for a response with ``Retry-After``, waits that long (capped by
    ``NEWSCRAWL_RETRY_AFTER_MAX``) before handing the retry back to the scheduler."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.max_wait = crawl_settings(crawler.settings).retry_after_max

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait:
            capped = min(wait, self.max_wait)
            self.crawler.stats.inc_value("newscrawl/retry_after/waits")
            self.crawler.stats.inc_value("newscrawl/retry_after/seconds", round(capped))
            logger.info("Retry-After %.1fs (waiting %.1fs) for %s", wait, capped, request.url)
            if await wait_async(capped):
                return response  # a stop was asked for: not retried, counted as it answered
        return retry


class CrawlDelayMiddleware:
    """Keeps each host's download delay at or above its robots.txt ``Crawl-delay``.

    Reads the robots.txt responses that RobotsTxtMiddleware fetches (they pass through the
    downloader middlewares too) and raises the host's slot delay; AutoThrottle may lower a
    slot's delay after each response, so the floor is put back on every request and response.
    """

    def __init__(self, crawler: Crawler) -> None:
        config = crawl_settings(crawler.settings)
        if not config.honour_crawl_delay:
            raise NotConfigured
        self.crawler = crawler
        self.user_agent = config.user_agent
        self.cap = config.max_crawl_delay
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _apply(self, request: Request) -> None:
        if not self.delays:
            return
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        floor = self.delays.get(key)
        slot = downloader.slots.get(key)
        if floor is not None and slot is not None and slot.delay < floor:
            slot.delay = floor

    def process_request(self, request: Request) -> None:
        self._apply(request)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and request.url.endswith("/robots.txt"):
            text = response.body.decode("utf-8", errors="replace")
            delay = Protego.parse(text).crawl_delay(self.user_agent)
            if delay:
                key = self.crawler.engine.downloader.get_slot_key(request)
                self.delays[key] = min(float(delay), self.cap)
                self.crawler.stats.set_value("newscrawl/crawl_delay", self.delays[key])
                logger.info("robots.txt asks for Crawl-delay %s on %s", delay, key)
        self._apply(request)
        return response
