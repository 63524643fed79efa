"""One request rate per host for all the workers of a shared crawl, kept in Redis.

``NEWSCRAWL_FRONTIER_RATE`` (requests per second per host, all workers together; 0: no shared
limit). Every request reserves the host's next free slot in one Lua script (Redis's clock, so
workers on several machines agree) and waits for it before it goes to the downloader: N workers
together keep the rate one worker would. Each worker's own politeness (AutoThrottle,
``DOWNLOAD_DELAY``, Crawl-delay) still applies on top. The replica profile lifts the limit.
"""

from __future__ import annotations

import asyncio
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.frontier.connection import Keys, connect, frontier_enabled

# KEYS: the host's limiter key; ARGV: interval (s). Returns the wait before this request (s) and
# the slot it got (Redis time).
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
redis.call('SET', KEYS[1], string.format('%.6f', slot + tonumber(ARGV[1])), 'EX', 3600)
return {string.format('%.6f', slot - now), string.format('%.6f', slot)}
"""


class SharedRateLimitMiddleware:
    """Downloader middleware: wait for the host's shared slot (see the module doc)."""

    def __init__(self, crawler: Crawler, rate: float) -> None:
        self.crawler = crawler
        self.interval = 1.0 / rate
        self.server = connect(crawler.settings)
        self._reserve = self.server.register_script(RESERVE)
        self.keys: Keys | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not frontier_enabled(crawler.settings):
            raise NotConfigured  # (no message: nothing to warn about)
        rate = crawler.settings.getfloat("NEWSCRAWL_FRONTIER_RATE", 0.0)
        if rate <= 0:
            raise NotConfigured
        return cls(crawler, rate)

    async def process_request(self, request: Request) -> None:
        if self.keys is None:
            self.keys = Keys.of(self.crawler.settings, self.crawler.spidercls.name)
        host = urlsplit(request.url).hostname or ""
        wait = float(self._reserve(keys=[self.keys.limiter(host)], args=[self.interval])[0])
        if wait > 0:
            await asyncio.sleep(wait)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("newscrawl/frontier/rate_limited_ms", round(wait * 1000))
