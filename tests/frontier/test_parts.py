"""The frontier's parts against a real redis-server: leases, back-off, claims, the rate limit."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from pathlib import Path

import pytest
import redis
from scrapy import Request, Spider
from scrapy.settings import Settings

from newscrawl.frontier.connection import Keys, connect
from newscrawl.frontier.leases import LEASE_META, REQUEUE, LeasedQueue
from newscrawl.frontier.limiter import RESERVE
from newscrawl.frontier.testing import RedisServer
from newscrawl.state.redis_store import RedisCrawlState, feed_owner
from tests.support.wait import wait_until

KEYS = Keys("newscrawl:test")


class Site(Spider):
    name = "site"

    def parse(self, response: object) -> None:
        pass


def settings_for(server: RedisServer, **extra: object) -> Settings:
    return Settings({"REDIS_URL": server.url, **extra})


def test_a_lease_nobody_renews_goes_back_to_the_queue(redis_server: RedisServer) -> None:
    client = connect(settings_for(redis_server))
    spider = Site()
    # A lease long enough that the checks before its end never race it (every write of the
    # test Redis waits for its fsync).
    lease = 3.0
    queue = LeasedQueue(client, spider, KEYS, worker="host:1", lease_seconds=lease)
    leased_at = time.monotonic()
    for n in range(3):
        queue.push(Request(f"http://127.0.0.1/{n}", priority=n))
    first, second = queue.pop(), queue.pop()
    assert first is not None and second is not None
    assert (first.url, second.url) == ("http://127.0.0.1/2", "http://127.0.0.1/1")  # priority
    assert first.meta[LEASE_META] != second.meta[LEASE_META]
    assert len(queue) == 1 and client.zcard(KEYS.leases) == 2
    assert client.hget(KEYS.lease_owner, first.meta[LEASE_META]) == b"host:1"

    requeue = client.register_script(REQUEUE)
    keys = [KEYS.queue, KEYS.leases, KEYS.lease_data, KEYS.lease_owner, KEYS.status]
    back = requeue(keys=keys)
    if time.monotonic() - leased_at < lease:  # asked before the leases could end
        assert back == []  # not expired yet
    if back == []:
        back = wait_until(lambda: requeue(keys=keys), "the leases expired", timeout=30)
    assert time.monotonic() - leased_at >= lease - 0.1  # not before their end
    assert sorted(back[1::2]) == [b"host:1", b"host:1"]
    assert len(queue) == 3 and client.zcard(KEYS.leases) == 0
    assert client.hget(KEYS.status, "requeued:host:1") == b"2"
    again = queue.pop()  # the re-queued request keeps its priority
    assert again is not None and again.url == "http://127.0.0.1/2"


def test_a_request_is_marked_seen_and_queued_in_one_step(redis_server: RedisServer) -> None:
    client = connect(settings_for(redis_server))
    queue = LeasedQueue(client, Site(), KEYS, worker="host:1", lease_seconds=30)
    request = Request("http://127.0.0.1/a", priority=3)
    assert queue.push_unseen(request, "fp-a")
    assert not queue.push_unseen(request, "fp-a")  # seen: not queued again
    assert queue.push_unseen(request.replace(dont_filter=True), None)  # a retry: always queued
    assert client.sismember(KEYS.dupefilter, "fp-a") and client.scard(KEYS.dupefilter) == 1
    assert len(queue) == 2
    popped = [queue.pop(), queue.pop()]
    assert {(r.url, r.priority, r.dont_filter) for r in popped if r is not None} == {
        (request.url, 3, False),
        (request.url, 3, True),
    }


def test_a_lost_connection_waits_for_redis_to_come_back(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = connect(settings_for(redis_server))
    client.set("kept", "yes")
    redis_server.kill()
    threading.Timer(1.5, redis_server.start).start()
    with caplog.at_level(logging.WARNING, logger="newscrawl.frontier.connection"):
        assert client.get("kept") == b"yes"  # AOF: the restart kept it
    assert "Redis connection lost" in caplog.text


def test_a_lost_connection_gives_up_after_its_bound(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = connect(settings_for(redis_server, NEWSCRAWL_REDIS_RETRY_SECONDS=1.5))
    client.ping()
    redis_server.kill()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(redis.ConnectionError):
        client.get("anything")
    assert time.monotonic() - started < 15
    assert "giving up" in caplog.text


def record(url: str, version: int, fingerprint: str) -> dict[str, object]:
    return {"url": url, "version": version, "fingerprint": fingerprint, "post_id": None,
            "date_published": "2026-11-01T09:00:00Z", "date_modified": None}  # fmt: skip


def test_a_version_belongs_to_the_first_feed_that_claims_it(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    client = redis_server.client()
    claims = (KEYS.fingerprint_claims, KEYS.post_id_claims)
    one = RedisCrawlState(tmp_path / "one", client, KEYS.state, claims=claims)
    two = RedisCrawlState(tmp_path / "two", client, KEYS.state, claims=claims)
    feed_one, feed_two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    a1 = record("https://x/a", 1, "fa")
    assert one.absorb(None, a1, feed=feed_one)
    assert one.absorb(None, a1, feed=feed_one)  # again, after a kill: still its own
    assert not two.absorb(None, a1, feed=feed_two)  # another worker's copy: a duplicate
    assert two.claimed_elsewhere(a1, feed_two) and not one.claimed_elsewhere(a1, feed_one)
    # The same content under another URL is the same article, in this crawl.
    assert not two.absorb(None, record("https://x/alias", 1, "fa"), feed=feed_two)
    # A newer version is anyone's to claim; the older one is then a duplicate everywhere.
    assert two.absorb(None, record("https://x/a", 2, "fa2"), feed=feed_two)
    assert one.claimed_elsewhere(a1, feed_one)
    assert two.article("https://x/a").version == 2  # type: ignore[union-attr]
    assert one.articles().keys() == {"https://x/a"}
    assert client.hget(f"{KEYS.state}:articles", "https://x/a") is not None
    assert feed_owner(feed_one) != feed_owner(feed_two)


def test_the_shared_rate_spaces_requests_of_all_workers(redis_server: RedisServer) -> None:
    clients = [redis_server.client() for _ in range(3)]
    reserves = [client.register_script(RESERVE) for client in clients]
    key = KEYS.limiter("127.0.0.1")
    # Three workers ask for 30 requests at once at one per 10 s: slots 10 s apart (however slow
    # the calls), each request waiting for its own.
    answers = [reserves[n % 3](keys=[key], args=[10.0]) for n in range(30)]
    slots = [float(slot) for _, slot in answers]
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert all(abs(gap - 10.0) < 1e-5 for gap in gaps)
    assert float(answers[-1][0]) > 0 and float(answers[0][0]) == 0


def test_the_limiter_waits_without_blocking_the_loop(redis_server: RedisServer) -> None:
    from scrapy.utils.test import get_crawler

    from newscrawl.frontier.limiter import SharedRateLimitMiddleware

    crawler = get_crawler(Site, {"REDIS_URL": redis_server.url, "NEWSCRAWL_FRONTIER": "redis",
                                 "NEWSCRAWL_FRONTIER_RATE": 10})  # fmt: skip
    crawler.spider = Site()
    middleware = SharedRateLimitMiddleware.from_crawler(crawler)

    async def fetch_five() -> float:
        started = time.monotonic()
        await asyncio.gather(
            *(middleware.process_request(Request(f"http://127.0.0.1/{n}")) for n in range(5))
        )
        return time.monotonic() - started

    assert asyncio.run(fetch_five()) >= 0.39  # 5 slots 0.1 s apart: the last one 0.4 s on


def test_workers_share_one_concurrency_per_host(redis_server: RedisServer) -> None:
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from newscrawl.frontier.limiter import TOKEN_META, SharedConcurrencyMiddleware

    settings = {"REDIS_URL": redis_server.url, "NEWSCRAWL_FRONTIER": "redis",
                "CONCURRENT_REQUESTS_PER_DOMAIN": 2}  # fmt: skip
    # Two workers, each with its own connection: together they keep one worker's 2 open.
    workers = [SharedConcurrencyMiddleware.from_crawler(get_crawler(Site, settings))
               for _ in range(2)]  # fmt: skip
    requests = [Request(f"http://127.0.0.1/{n}") for n in range(3)]

    async def three_at_once() -> list[str]:
        order: list[str] = []

        async def fetch(worker: SharedConcurrencyMiddleware, request: Request) -> None:
            await worker.process_request(request)
            order.append(request.url)

        tasks = [asyncio.create_task(fetch(workers[n % 2], r)) for n, r in enumerate(requests)]
        deadline = time.monotonic() + 30
        while len(order) < 2:  # two tokens: two requests go through ...
            assert time.monotonic() < deadline, order
            await asyncio.sleep(0.01)
        # ... and the third, given time to go through too, still waits for a token (under load
        # this can only miss a bug, never fail a sound limiter).
        await asyncio.sleep(0.2)
        assert len(order) == 2
        first = next(r for r in requests if r.url == order[0])
        workers[0].process_response(first, Response(first.url))
        assert TOKEN_META not in first.meta
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
        return order

    order = asyncio.run(three_at_once())
    assert sorted(order) == sorted(r.url for r in requests)
    key = workers[0].keys.open_requests("127.0.0.1")  # type: ignore[union-attr]
    assert redis_server.client().zcard(key) == 2
    for request in requests:  # an error gives the token back too (the released one: no-op)
        workers[1].process_exception(request, ConnectionError())
    assert redis_server.client().zcard(key) == 0


def test_a_dead_workers_concurrency_tokens_expire(redis_server: RedisServer) -> None:
    from newscrawl.frontier.limiter import ACQUIRE

    acquire = redis_server.client().register_script(ACQUIRE)
    key = KEYS.open_requests("127.0.0.1")
    hold = 3.0
    taken = time.monotonic()
    assert acquire(keys=[key], args=[1, "dead-worker", hold]) == 1
    got = acquire(keys=[key], args=[1, "live-worker", hold])
    if time.monotonic() - taken < hold:  # asked before the token could expire
        assert got == 0  # the one token is out
    if got == 0:  # never given back: it expires, and the live worker gets it then, not before
        wait_until(lambda: acquire(keys=[key], args=[1, "live-worker", hold]) == 1,
                   "the dead worker's token expired", timeout=30)  # fmt: skip
    assert time.monotonic() - taken >= hold - 0.1


def test_a_pages_links_are_looked_up_in_the_shared_state_at_once(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    client = redis_server.client()
    state = RedisCrawlState(tmp_path / "state", client, KEYS.state)
    assert state.absorb(None, record("https://x/a", 1, "fa"), feed=tmp_path / "one.jsonl")
    known = state.known()
    calls = client.info("commandstats")
    known.prefetch(["https://x/a", "https://x/b", "https://x/a"])
    after = client.info("commandstats")
    assert after["cmdstat_hmget"]["calls"] - calls.get("cmdstat_hmget", {"calls": 0})["calls"] == 1
    hgets = after.get("cmdstat_hget", {"calls": 0})["calls"]
    assert known["https://x/a"].version == 1 and "https://x/b" not in known
    assert known.get("https://x/b") is None
    assert client.info("commandstats").get("cmdstat_hget", {"calls": 0})["calls"] == hgets
    # A URL outside the batch is read from Redis, so what another worker claims since is seen.
    assert state.absorb(None, record("https://x/c", 1, "fc"), feed=tmp_path / "two.jsonl")
    assert "https://x/c" in known
