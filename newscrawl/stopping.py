"""A stop asked for by a signal: noticed at once, waited for nowhere, and said in the exit status.

Scrapy stops gracefully on the first SIGTERM or SIGINT (it closes the spider, so the feed is
published and the state closed) and hard on the second. :class:`StopSignals` (an extension)
puts a handler in front of Scrapy's once the reactor runs (in a run of the job only: ``scrapy
shell`` and ``scrapy parse`` are not runs, :mod:`newscrawl.commands.inspect`, and the shell runs
its reactor in a thread of its own, where no handler can be installed), which

- sets :data:`STOP`, so that every wait ends within a fraction of a second: a Redis
  reconnect's back-off, which blocks the reactor (``newscrawl.frontier.connection``,
  :func:`wait`), and a ``Retry-After`` or a shared rate limit's wait, which a graceful stop
  would otherwise sit through (``newscrawl.middlewares``, ``newscrawl.frontier.limiter``,
  :func:`wait_async`);
- records ``newscrawl/stop/signal`` and the exit reason ``stopped`` with status 6
  (``newscrawl.monitors.exit``): a run stopped on request is not a failure, and the checks that
  judge a whole run (finish reason, article floor, field coverage) leave it unjudged.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from types import FrameType
from typing import Any, Self

from scrapy.crawler import Crawler

from newscrawl.commands.inspect import INSPECT
from newscrawl.components import disabled
from newscrawl.monitors.exit import ExitStatus, record_exit

logger = logging.getLogger(__name__)

#: Set once a stop signal arrived (for the whole process: one crawl a process).
STOP = threading.Event()
STOP_STAT = "newscrawl/stop/signal"
STOP_REASON = "stopped"
SIGNALS = (signal.SIGTERM, signal.SIGINT)
#: How often :func:`wait` looks at :data:`STOP`.
POLL_SECONDS = 0.1


def wait(seconds: float) -> bool:
    """Sleep up to ``seconds``, less when a stop is asked for; whether one was."""
    deadline = time.monotonic() + max(seconds, 0.0)
    while not STOP.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        # Short sleeps: a signal handler may run in this very thread, between two of them.
        time.sleep(min(POLL_SECONDS, left))
    return True


async def wait_async(seconds: float) -> bool:
    """:func:`wait` for coroutines on the reactor's loop (a Retry-After wait): a graceful stop
    waits for the requests in progress, so none may sleep through it."""
    deadline = time.monotonic() + max(seconds, 0.0)
    while not STOP.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        await asyncio.sleep(min(POLL_SECONDS, left))
    return True


class StopSignals:
    """Scrapy extension: see the module doc."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool(INSPECT):
            raise disabled(cls, "not a run of the job (scrapy shell or parse): no exit status")
        extension = cls(crawler)
        from twisted.internet import reactor

        # Scrapy installs its own handlers when the reactor starts: ours go in front of them.
        reactor.callWhenRunning(extension.install)
        return extension

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            # Python takes signal handlers in the main thread only (a reactor run in a thread
            # of its own): Scrapy's stay, and a stop is still graceful, without status 6.
            logger.debug("Stop signals: the reactor runs outside the main thread; not installed")
            return
        for number in SIGNALS:
            previous = signal.getsignal(number)
            if callable(previous):
                signal.signal(number, self._handler(previous))

    def _handler(self, previous: Any) -> Any:
        def handle(number: int, frame: FrameType | None) -> None:
            if not STOP.is_set():
                STOP.set()
                stats = self.crawler.stats
                if stats is not None:
                    stats.set_value(STOP_STAT, signal.Signals(number).name)
                    record_exit(stats, STOP_REASON, ExitStatus.STOPPED)
            previous(number, frame)

        return handle
