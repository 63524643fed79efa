"""One request rate and one concurrency per host for all the workers of a shared crawl, in Redis.

``NEWSCRAWL_FRONTIER_RATE`` (requests per second per host, all workers together; 0: no shared
limit). Every request reserves the host's next free slot in one Lua script (Redis's clock, so
workers on several machines agree) and waits for it before it goes to the downloader: N workers
together keep the rate one worker would. Each worker's own politeness (AutoThrottle,
``DOWNLOAD_DELAY``, Crawl-delay) still applies on top.

``NEWSCRAWL_FRONTIER_CONCURRENCY`` (requests open at once per host, all workers together;
default ``CONCURRENT_REQUESTS_PER_DOMAIN``, what one worker would open; 0: no shared limit).
A request takes one of the host's tokens (a sorted set in Redis) before it is downloaded and
gives it back with its response or its error; while none is free it waits, polling with
back-off. A token expires ``DOWNLOAD_TIMEOUT`` + 5 s after it was taken, so a killed worker's
tokens come back on their own.

The replica profile lifts both limits.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newscrawl.config import crawl_settings
from newscrawl.frontier.connection import Keys, connect, frontier_enabled
from newscrawl.stopping import wait_async

#: Request meta key: the concurrency token the request holds (``host token``).
TOKEN_META = "newscrawl_frontier_token"

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
        rate = crawl_settings(crawler.settings).frontier_rate
        if rate <= 0:
            raise NotConfigured
        return cls(crawler, rate)

    async def process_request(self, request: Request) -> None:
        if self.keys is None:
            self.keys = Keys.of(self.crawler.settings, self.crawler.spidercls.name)
        host = urlsplit(request.url).hostname or ""
        wait = float(self._reserve(keys=[self.keys.limiter(host)], args=[self.interval])[0])
        if wait > 0:
            await wait_async(wait)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("newscrawl/frontier/rate_limited_ms", round(wait * 1000))


# KEYS: the host's token set; ARGV: limit, token, hold (s). Drops expired tokens, then takes one
# if fewer than the limit are out. Returns 1 when taken, else 0.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 60)
return 1
"""

#: Polling while the host has no free token: from the first wait to the longest.
POLL_FIRST, POLL_MAX = 0.02, 0.5


class SharedConcurrencyMiddleware:
    """Downloader middleware: hold one of the host's shared tokens while downloading (see the
    module doc). It sits next to the downloader, so a response or error reaches it first."""

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.hold = crawl_settings(crawler.settings).download_timeout + 5.0
        self.server = connect(crawler.settings)
        self._acquire = self.server.register_script(ACQUIRE)
        self.keys: Keys | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not frontier_enabled(crawler.settings):
            raise NotConfigured
        config = crawl_settings(crawler.settings)
        limit = config.frontier_concurrency
        if limit is None:
            limit = config.concurrent_requests_per_domain
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def _key(self, request: Request) -> str:
        if self.keys is None:
            self.keys = Keys.of(self.crawler.settings, self.crawler.spidercls.name)
        return self.keys.open_requests(urlsplit(request.url).hostname or "")

    async def process_request(self, request: Request) -> None:
        key = self._key(request)
        token = uuid.uuid4().hex
        wait, waited = POLL_FIRST, 0.0
        while not self._acquire(keys=[key], args=[self.limit, token, self.hold]):
            await asyncio.sleep(wait)
            waited += wait
            wait = min(wait * 2, POLL_MAX)
        request.meta[TOKEN_META] = f"{key} {token}"
        stats = self.crawler.stats
        if waited and stats is not None:
            stats.inc_value("newscrawl/frontier/concurrency_wait_ms", round(waited * 1000))

    def _release(self, request: Request) -> None:
        held = request.meta.pop(TOKEN_META, None)
        if held:
            key, token = held.split(" ", 1)
            self.server.zrem(key, token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
