"""A scrapy-redis scheduler whose popped requests are leased, and the rule that ends the crawl.

scrapy-redis keeps the frontier (a priority queue) and the request dupefilter in Redis, so any
number of workers share one crawl. Alone, it pops a request and then holds it only in the
worker's memory: a killed worker loses every request it had in flight. Here a pop is a *lease*
(one Lua script, atomic): the request moves from the queue to ``leases`` (a ZSET of expiry
times, Redis's clock) with its data and owner beside it. The worker renews its leases every
``NEWSCRAWL_FRONTIER_HEARTBEAT`` seconds while Scrapy still processes them, and releases each
one once the engine is done with its request: its response went through the callback, its
items through the pipelines and into the feed, its follow-up requests into the queue. A lease
nobody renews for ``NEWSCRAWL_FRONTIER_LEASE_SECONDS`` (its worker died) goes back to the
queue, put there by whichever worker notices first.

The crawl ends when the queue is empty, no lease is held and no worker is busy (still reading
its start requests) for ``NEWSCRAWL_FRONTIER_IDLE_GRACE`` seconds in a row; the worker that
sees it marks the crawl finished and every idle worker then closes. Until then an idle worker
keeps polling (``spider_idle`` raises ``DontCloseSpider``), because another worker may still
feed the queue. A worker that starts while the crawl is running joins it; one that starts
after it finished begins the next crawl (a new generation: empty queue and dupefilter).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any, Self

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawl.config import crawl_settings
from newscrawl.frontier.connection import Keys, connect

logger = logging.getLogger(__name__)

LEASE_META = "newscrawl_lease"
STAT_PREFIX = "newscrawl/frontier"

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: queue, leases, lease_data, lease_owner, counter; ARGV: ttl, worker
POP = (
    _NOW
    + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
local id = tostring(redis.call('INCR', KEYS[5]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), id)
redis.call('HSET', KEYS[3], id, item[1], id .. ':score', item[2])
redis.call('HSET', KEYS[4], id, ARGV[2])
return {id, item[1]}
"""
)

# KEYS: dupefilter, queue; ARGV: fingerprint (or '' for a request that is never filtered),
# score, data. Marks the request seen and queues it in one step: a worker killed between the
# two (scrapy-redis does them one after the other) would leave it seen and never queued.
# Returns 1 when queued, 0 when it was seen before.
PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: leases, lease_data, lease_owner; ARGV: ids
ACK = """
for _, id in ipairs(ARGV) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id, id .. ':score')
  redis.call('HDEL', KEYS[3], id)
end
return #ARGV
"""

# KEYS: leases, workers; ARGV: ttl, worker, ids (only leases still held are renewed)
RENEW = (
    _NOW
    + """
redis.call('ZADD', KEYS[2], now, ARGV[2])
local renewed = 0
for i = 3, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return renewed
"""
)

# KEYS: queue, leases, lease_data, lease_owner, status; ARGV: ids to release now (or none:
# then every expired lease). Returns {id, owner, ...} of the leases put back in the queue.
REQUEUE = (
    _NOW
    + """
local ids = ARGV
if #ids == 0 then ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now) end
local out = {}
for _, id in ipairs(ids) do
  local data = redis.call('HGET', KEYS[3], id)
  local owner = redis.call('HGET', KEYS[4], id) or ''
  if data then
    local score = redis.call('HGET', KEYS[3], id .. ':score') or '0'
    redis.call('ZADD', KEYS[1], score, data)
    redis.call('HINCRBY', KEYS[5], 'requeued', 1)
    redis.call('HINCRBY', KEYS[5], 'requeued:' .. owner, 1)
    table.insert(out, id)
    table.insert(out, owner)
  end
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id, id .. ':score')
  redis.call('HDEL', KEYS[4], id)
end
return out
"""
)

# KEYS: status, then what a new crawl starts without: queue, dupefilter, leases, lease_data,
# lease_owner, fingerprint and post id claims
BEGIN = """
if redis.call('HGET', KEYS[1], 'state') == 'running' then
  return {'join', redis.call('HGET', KEYS[1], 'generation')}
end
redis.call('DEL', unpack(KEYS, 2))
redis.call('HDEL', KEYS[1], 'idle_since')
redis.call('HSET', KEYS[1], 'state', 'running')
return {'new', tostring(redis.call('HINCRBY', KEYS[1], 'generation', 1))}
"""

# KEYS: status, queue, leases; ARGV: grace, busy (1: this worker has work of its own)
CHECK_END = (
    _NOW
    + """
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 'finished' end
if ARGV[2] == '1' or redis.call('ZCARD', KEYS[2]) > 0 or redis.call('ZCARD', KEYS[3]) > 0 then
  redis.call('HDEL', KEYS[1], 'idle_since')
  return 'busy'
end
local since = redis.call('HGET', KEYS[1], 'idle_since')
if not since then
  redis.call('HSET', KEYS[1], 'idle_since', tostring(now))
  return 'idle'
end
if now - tonumber(since) >= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'state', 'finished')
  redis.call('HDEL', KEYS[1], 'idle_since')
  return 'finished'
end
return 'idle'
"""
)


def worker_id() -> str:
    """This process among the crawl's workers: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue (a ZSET), popping into a lease."""

    def __init__(
        self,
        server: redis.Redis,
        spider: Spider,
        keys: Keys,
        worker: str,
        lease_seconds: float,
        serializer: Any = None,
    ) -> None:
        super().__init__(server, spider, keys.queue, serializer=serializer)
        self.keys = keys
        self.worker = worker
        self.lease_seconds = lease_seconds
        self._pop = server.register_script(POP)
        self._push = server.register_script(PUSH)

    def push_unseen(self, request: Request, fingerprint: str | None) -> bool:
        """Queue ``request`` unless ``fingerprint`` is in the dupefilter, and add it there, in
        one atomic step (``None``: queue it whatever was seen). Whether it was queued."""
        keys = [self.keys.dupefilter, self.keys.queue]
        args = [fingerprint or "", -request.priority, self._encode_request(request)]
        return bool(self._push(keys=keys, args=args))

    def pop(self, timeout: int = 0) -> Request | None:
        k = self.keys
        keys = [k.queue, k.leases, k.lease_data, k.lease_owner, k.lease_counter]
        found = self._pop(keys=keys, args=[self.lease_seconds, self.worker])
        if not found:
            return None
        lease, data = found
        request: Request = self._decode_request(data)
        request.meta[LEASE_META] = lease.decode()
        return request


class FrontierScheduler(Scheduler):
    """The scheduler of ``NEWSCRAWL_FRONTIER=redis`` (see the module doc)."""

    def __init__(self, server: redis.Redis, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(server, persist=True, **kwargs)
        self.crawler = crawler
        config = crawl_settings(crawler.settings)
        self.lease_seconds = config.frontier_lease_seconds
        self.heartbeat = config.frontier_heartbeat
        self.grace = config.frontier_idle_grace
        self.worker = worker_id()
        #: Leases this worker holds: lease id -> its request (while the engine processes it).
        self.held: dict[str, Request] = {}
        self.finished = False
        self.keys: Keys | None = None
        self._loop: task.LoopingCall | None = None
        self._renewer: threading.Thread | None = None
        self._stop = threading.Event()
        #: When the engine's thread last ran the heartbeat (a wedged worker stops renewing).
        self._last_tick = time.monotonic()
        self.stall_seconds = config.frontier_stall_seconds
        self._ack = server.register_script(ACK)
        self._renew = server.register_script(RENEW)
        self._requeue = server.register_script(REQUEUE)
        self._begin = server.register_script(BEGIN)
        self._check_end = server.register_script(CHECK_END)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        server = connect(crawler.settings)
        server.ping()
        instance = cls(server, crawler)
        instance.stats = crawler.stats
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        return instance

    # -- scrapy-redis Scheduler --------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.keys = keys = Keys.of(self.crawler.settings, spider.name)
        self.queue = LeasedQueue(self.server, spider, keys, self.worker, self.lease_seconds)
        debug = crawl_settings(self.crawler.settings).dupefilter_debug
        self.df = RFPDupeFilter(self.server, key=keys.dupefilter, debug=debug)
        how, generation = self._begin(
            keys=[keys.status, keys.queue, keys.dupefilter, keys.leases, keys.lease_data,
                  keys.lease_owner, keys.fingerprint_claims, keys.post_id_claims],
        )  # fmt: skip
        verb = "joined" if how == b"join" else "began"
        logger.info(
            "Frontier %s: worker %s %s crawl generation %s (%d requests queued, %d leased)",
            keys.prefix, self.worker, verb, generation.decode(), len(self.queue),
            self.server.zcard(keys.leases),
        )  # fmt: skip
        self._loop = task.LoopingCall(self.tick)
        self._loop.start(self.heartbeat, now=False).addErrback(
            lambda failure: logger.error("Frontier heartbeat stopped: %s", failure.value)
        )
        # Leases are renewed from a thread of their own: a worker busy parsing (or starved of
        # CPU) for longer than a lease still holds its requests, as long as it lives.
        self._renewer = threading.Thread(target=self._renew_leases, name="leases", daemon=True)
        self._renewer.start()

    def close(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        self._settle_leases()
        if self.held:
            # Requests the engine never finished (a stop, not the end): back to the queue now.
            released = self._release(list(self.held))
            logger.info("Released %d lease(s) back to the queue on close", released)
            self.held.clear()
        if self.keys is not None:
            self.server.zrem(self.keys.workers, self.worker)

    def enqueue_request(self, request: Request) -> bool:
        request.meta.pop(LEASE_META, None)  # a retry or redirect is a request of its own
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push_unseen(request, fingerprint):
            self.df.log(request, self.spider)
            return False
        self._inc("enqueued")
        return True

    def next_request(self) -> Request | None:
        if self.finished:
            return None
        request: Request | None = self.queue.pop()
        if request is not None:
            self.held[request.meta[LEASE_META]] = request
            self._inc("leased")
        return request

    def has_pending_requests(self) -> bool:
        return not self.finished and len(self) > 0

    # -- leases ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Heartbeat in the engine's thread: release finished leases, put expired ones back,
        and wake the engine when the queue has work it is not fetching. When Redis stays
        unreachable past its retries, the worker stops (``redis_unavailable``): its leases
        expire and go back to the queue for the other workers."""
        self._last_tick = time.monotonic()
        try:
            self._beat()
        except redis.RedisError as exc:
            logger.error("Frontier heartbeat failed: %s; stopping this worker", exc)
            if self._loop is not None and self._loop.running:
                self._loop.stop()
            engine = self.crawler.engine
            if engine is not None:
                deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))

    def _beat(self) -> None:
        assert self.keys is not None
        self._settle_leases()
        self._requeue_expired()
        engine = self.crawler.engine
        if getattr(engine, "_start", None) is not None:
            # Still reading its start requests: busy, though it may hold no lease yet.
            self.server.hdel(self.keys.status, "idle_since")
        slot = getattr(engine, "_slot", None)
        if slot is not None and not self.finished and len(self.queue) > 0:
            slot.nextcall.schedule()

    def _renew_leases(self) -> None:
        assert self.keys is not None
        keys = [self.keys.leases, self.keys.workers]
        while not self._stop.wait(self.heartbeat):
            stalled = time.monotonic() - self._last_tick
            if stalled > self.stall_seconds:
                logger.error("The engine has not run for %.0f s: leases are left to expire",
                             stalled)  # fmt: skip
                continue
            try:
                self._renew(keys=keys, args=[self.lease_seconds, self.worker, *self.held.copy()])
            except Exception as exc:  # logged, and tried again at the next beat
                logger.error("Could not renew leases: %s", exc)

    def _settle_leases(self) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is None:
            return  # the engine has let go of its requests: close() releases what is held
        inprogress = slot.inprogress
        done = [lease for lease, request in self.held.items() if request not in inprogress]
        if done:
            assert self.keys is not None
            self._ack(keys=[self.keys.leases, self.keys.lease_data, self.keys.lease_owner],
                      args=done)  # fmt: skip
            for lease in done:
                del self.held[lease]
            self._inc("acked", len(done))

    def _release(self, leases: list[str]) -> int:
        assert self.keys is not None
        k = self.keys
        out = self._requeue(
            keys=[k.queue, k.leases, k.lease_data, k.lease_owner, k.status], args=leases
        )
        return len(out) // 2

    def _requeue_expired(self) -> None:
        assert self.keys is not None
        k = self.keys
        out = self._requeue(keys=[k.queue, k.leases, k.lease_data, k.lease_owner, k.status])
        if not out:
            return
        owners: dict[str, int] = {}
        for owner in out[1::2]:
            owners[owner.decode()] = owners.get(owner.decode(), 0) + 1
        for owner, count in owners.items():
            logger.warning(
                "Re-queued %d expired lease(s) of worker %s (not renewed for %.0f s)",
                count, owner, self.lease_seconds,
            )  # fmt: skip
        self._inc("requeued", len(out) // 2)

    # -- the end of the crawl ----------------------------------------------------------------

    def spider_idle(self, spider: Spider) -> None:
        """Close only when the shared crawl is finished (see the module doc)."""
        if self.finished or self._crawl_finished(busy=False):
            self.finished = True
            return
        raise DontCloseSpider

    def _crawl_finished(self, busy: bool) -> bool:
        assert self.keys is not None
        self._settle_leases()
        self._requeue_expired()
        k = self.keys
        state = self._check_end(keys=[k.status, k.queue, k.leases],
                                args=[self.grace, "1" if busy or self.held else "0"])  # fmt: skip
        if state == b"finished":
            logger.info("Frontier %s: queue empty and no lease held: the crawl is finished",
                        k.prefix)  # fmt: skip
            return True
        return False

    def _inc(self, name: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{STAT_PREFIX}/{name}", count)
