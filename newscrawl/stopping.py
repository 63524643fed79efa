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
  judge a whole run (finish reason, article floor, field coverage) leave it unjudged;
- sends :data:`stop_requested` (a Scrapy signal, on the reactor, before Scrapy's graceful stop
  begins), for the components that stop at once rather than wait for what is under way.

Scrapy's graceful stop waits for every request under way: those waiting in a download slot for
their delay (Crawl-delay, AutoThrottle), those being transferred (up to ``DOWNLOAD_TIMEOUT``),
and the parsing of what they bring. A watch (``newscrawl.watch``) does not wait: on
:data:`stop_requested` it calls :func:`cut_downloads`, which fails each of those requests at
once with :class:`StopRequested` (an ``IgnoreRequest``: the request's errback sees it, nothing
logs it as an error). The transfers are cancelled in the download handler
(``newscrawl.browser.handler`` runs each through :class:`Downloads`), which aborts their
connections. Nothing is lost: an article cut off was not written, so the crawl state (which
learns from the published feeds) does not hold it, and the next start fetches it again.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Awaitable
from types import FrameType
from typing import Any, Self
from weakref import WeakKeyDictionary

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

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
#: Requests :func:`cut_downloads` failed (dropped from a slot's queue or cut off in transfer).
CUT_STAT = "newscrawl/stop/requests_cut"

#: Scrapy signal (``crawler.signals``), no arguments: a stop signal arrived; sent on the reactor
#: before Scrapy's graceful stop begins.
stop_requested = object()


class StopRequested(IgnoreRequest):
    """A request dropped or cut off by a stop; the next start fetches it again."""

    def __init__(self, request: Request) -> None:
        super().__init__(f"stopped: {request.url} is fetched again at the next start")


class Downloads:
    """The downloads a crawl's handlers have under way (:meth:`run`), so that :meth:`cut_off`
    can cancel them all at once; once cut off, a download asked for fails at once."""

    def __init__(self) -> None:
        self._under_way: set[asyncio.Future[Response]] = set()
        self.cut = False

    async def run(self, request: Request, download: Awaitable[Response]) -> Response:
        if self.cut:
            if asyncio.iscoroutine(download):
                download.close()
            raise StopRequested(request)
        task = asyncio.ensure_future(download)
        self._under_way.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            if self.cut and task.cancelled():
                raise StopRequested(request) from None
            raise
        finally:
            self._under_way.discard(task)

    def cut_off(self) -> int:
        """Cancel every download under way (its connection is aborted); how many."""
        self.cut = True
        under_way = list(self._under_way)
        for task in under_way:
            task.cancel()
        return len(under_way)


_DOWNLOADS: WeakKeyDictionary[Crawler, Downloads] = WeakKeyDictionary()


def downloads(crawler: Crawler) -> Downloads:
    """The crawl's :class:`Downloads` (one for all its download handlers)."""
    found = _DOWNLOADS.get(crawler)
    if found is None:
        found = _DOWNLOADS[crawler] = Downloads()
    return found


def cut_downloads(crawler: Crawler) -> int:
    """Fail every request under way in the downloader with :class:`StopRequested`: those
    waiting in a download slot's queue (for a delay or a free connection) are never sent, those
    being transferred are cancelled. Returns how many (also counted in :data:`CUT_STAT`)."""
    cut = 0
    engine = crawler.engine
    if engine is not None:
        for slot in list(engine.downloader.slots.values()):
            slot.close()  # its delayed call: the queue is not looked at again
            while slot.queue:
                request, queued = slot.queue.popleft()
                queued.errback(Failure(StopRequested(request)))
                cut += 1
    cut += downloads(crawler).cut_off()
    if crawler.stats is not None and cut:
        crawler.stats.inc_value(CUT_STAT, cut)
    return cut


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
        from twisted.internet import reactor

        def handle(number: int, frame: FrameType | None) -> None:
            if not STOP.is_set():
                STOP.set()
                stats = self.crawler.stats
                if stats is not None:
                    stats.set_value(STOP_STAT, signal.Signals(number).name)
                    record_exit(stats, STOP_REASON, ExitStatus.STOPPED)
                # Before Scrapy's graceful stop, which the previous handler schedules likewise.
                reactor.callFromThread(self.crawler.signals.send_catch_log, stop_requested)
            previous(number, frame)

        return handle
