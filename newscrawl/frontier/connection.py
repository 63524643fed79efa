"""The Redis connection every frontier component uses, and the names of the crawl's keys.

A worker that loses its connection does not crash: each command is retried with exponential
back-off (logged at WARNING), for at most ``NEWSCRAWL_REDIS_RETRY_SECONDS`` in all, after which
the error is raised; a stop signal ends the back-off at once (``newscrawl.stopping``). Redis
restarted with persistence on (AOF) comes back with every key, so the worker resumes where it
was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from scrapy.settings import BaseSettings

from newscrawl.config import crawl_settings
from newscrawl.stopping import STOP, wait

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The value of ``NEWSCRAWL_FRONTIER`` that makes a crawl a worker of a shared Redis crawl.
REDIS = "redis"
DEFAULT_RETRY_SECONDS = 300.0
RETRYABLE = (RedisConnectionError, RedisTimeoutError, BusyLoadingError, ConnectionError, OSError)


def frontier_enabled(settings: BaseSettings) -> bool:
    return crawl_settings(settings).frontier == REDIS


class LoggedRetry(Retry):
    """redis-py's retry, bounded by time, logging each failed attempt."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            ExponentialBackoff(cap=5.0, base=0.1), retries=-1, supported_errors=RETRYABLE
        )
        self.seconds = seconds

    def call_with_retry(
        self,
        do: Callable[[], T],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        self._backoff.reset()
        started = time.monotonic()
        failures = 0
        while True:
            try:
                return do()
            except RETRYABLE as error:
                failures += 1
                if with_failure_count:
                    fail(error, failures)
                else:
                    fail(error)
                waited = time.monotonic() - started
                if STOP.is_set() or waited >= self.seconds:
                    logger.error(
                        "Redis unreachable for %.0f s (%d attempts): giving up%s: %s",
                        waited, failures, " (a stop was asked for)" if STOP.is_set() else "", error,
                    )  # fmt: skip
                    raise
                backoff = min(self._backoff.compute(failures), self.seconds - waited)
                logger.warning(
                    "Redis connection lost (%s); retry %d in %.1f s", error, failures, backoff
                )
                wait(backoff)  # a stop signal ends the wait, and the retries


def connect(settings: BaseSettings) -> redis.Redis:
    """A client for ``REDIS_URL`` that rides out restarts (see the module doc)."""
    config = crawl_settings(settings)
    url = config.redis_url
    if not url:
        raise ValueError("NEWSCRAWL_FRONTIER=redis needs REDIS_URL (redis://host:6379/0)")
    seconds = config.redis_retry_seconds
    client: redis.Redis = redis.Redis.from_url(
        url,
        retry=LoggedRetry(seconds),
        retry_on_error=list(RETRYABLE),
        socket_connect_timeout=5,
        socket_timeout=30,
        health_check_interval=10,
    )
    return client


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one shared crawl (``NEWSCRAWL_FRONTIER_NAME``, by default the spider and
    edition): every worker started with the same name works on the same crawl."""

    prefix: str

    @classmethod
    def of(cls, settings: BaseSettings, spider_name: str) -> Keys:
        """The keys of one shared crawl: the spider's name and the edition the arguments set."""
        edition = settings.get("NEWSCRAWL_EDITION") or "en"
        name = crawl_settings(settings).frontier_name or f"{spider_name}:{edition}"
        return cls(f"newscrawl:{name}")

    @property
    def queue(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def leases(self) -> str:
        """ZSET lease id -> expiry (Redis time, seconds)."""
        return f"{self.prefix}:leases"

    @property
    def lease_data(self) -> str:
        """HASH lease id -> the serialized request; ``{id}:score`` -> its queue score."""
        return f"{self.prefix}:leases:data"

    @property
    def lease_owner(self) -> str:
        """HASH lease id -> the worker holding it."""
        return f"{self.prefix}:leases:owner"

    @property
    def lease_counter(self) -> str:
        return f"{self.prefix}:leases:next"

    @property
    def workers(self) -> str:
        """ZSET worker id -> last heartbeat (Redis time)."""
        return f"{self.prefix}:workers"

    @property
    def status(self) -> str:
        """HASH: ``state`` (running, finished), ``generation``, ``requeued``, ``idle_since``."""
        return f"{self.prefix}:status"

    @property
    def fingerprint_claims(self) -> str:
        """HASH content fingerprint -> the URL that holds it, in this crawl."""
        return f"{self.prefix}:claims:fingerprint"

    @property
    def post_id_claims(self) -> str:
        """HASH post id -> the URL that holds it, in this crawl."""
        return f"{self.prefix}:claims:post_id"

    @property
    def state(self) -> str:
        """Prefix of the shared crawl state (newscrawl.state.redis_store); kept across crawls."""
        return f"{self.prefix}:state"

    def limiter(self, host: str) -> str:
        return f"{self.prefix}:limiter:{host}"

    def open_requests(self, host: str) -> str:
        return f"{self.prefix}:open:{host}"
