"""Scrapy's scheduler with its request queue on disk, and a dupefilter of 8-byte fingerprints.

A sitemap of a month can list thousands of articles, and a back-fill reads a decade of months
first (sitemaps go before listings): in memory, the scheduler would hold a ``Request`` for
every article of the archive at once (2-3 KB each). :class:`DiskFrontierScheduler` keeps them
where Scrapy keeps them under ``JOBDIR``, in its disk queues (one per priority, so the order
stays: articles before listing pages, a listing's next page before listings not yet opened).
With ``JOBDIR`` set, that is Scrapy's own ``JOBDIR/requests.queue``, as before. Without one,
the queue goes to a spill directory that lives as long as the run: ``NEWSCRAWL_FRONTIER_DIR``
if set, else the job's state directory for a run of the job, else (an export, ``scrapy parse``,
a run with no state) the system's temporary directory; it is removed when the run ends, and one
a killed run left in the state directory is removed by the next run of the job (which holds the
job's lock). ``NEWSCRAWL_FRONTIER_ON_DISK = False`` keeps Scrapy's in-memory queue.

In a capped run (``max_articles``), a request that waited in the queue while the run found
newer articles is dropped when its turn comes if it can only lead to articles older than the
newest N the run holds (:class:`newscrawl.discovery.newest.NewestBar`), as it would have been
when it was found.

:class:`CompactDupeFilter` is Scrapy's ``RFPDupeFilter`` keeping the first 8 bytes of each
request fingerprint in a :class:`~newscrawl.frontier.hashes.HashSet` (about 10 bytes a request
instead of about 100). Under ``JOBDIR`` it keeps them in ``JOBDIR/frontier.seen``, 8 bytes a
request, appended as requests are seen and read back when the job resumes.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Self

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter

from newscrawl.config import crawl_settings
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.newest import FILTERED_STAT, NewestBar, bar_for
from newscrawl.frontier.hashes import HashSet, bytes_hash

logger = logging.getLogger(__name__)

#: The dupefilter's file under ``JOBDIR``: 8-byte big-endian hashes, appended.
SEEN_FILE = "frontier.seen"
HASH_BYTES = 8

#: Spill directories are named ``frontier-…`` inside their parent.
SPILL_PREFIX = "frontier-"


def spill_parent(crawler: Crawler) -> tuple[Path | None, bool]:
    """Where a run without ``JOBDIR`` spills its queue, and whether the job's lock covers it
    (so that spill directories left there by killed runs may be removed). A run that keeps no
    crawl state (an export) leaves the job's state directory alone: it spills to the system's
    temporary directory."""
    config = crawl_settings(crawler.settings)
    if config.frontier_dir:
        return Path(config.frontier_dir), False
    from newscrawl.state.session import run_plan, state_dir

    if run_plan(crawler).mode is not None:
        return state_dir(crawler.settings), True
    return None, False


class DiskFrontierScheduler(Scheduler):
    """See the module doc."""

    spill_dir: Path | None = None
    #: A capped run's bar: what waited in the queue past it is not fetched.
    newest: NewestBar | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        scheduler = super().from_crawler(crawler)
        if CrawlArgs.from_settings(settings).max_articles:
            scheduler.newest = bar_for(crawler)
        if scheduler.dqdir is None and crawl_settings(settings).frontier_on_disk:
            parent, locked = spill_parent(crawler)
            if parent is not None:
                parent.mkdir(parents=True, exist_ok=True)
                if locked:
                    _remove_stale_spills(parent)
            scheduler.spill_dir = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=parent))
            scheduler.dqdir = scheduler._dqdir(str(scheduler.spill_dir))
            logger.info("Request queue on disk in %s (removed when the run ends)", scheduler.dqdir)
        return scheduler

    def next_request(self) -> Request | None:
        request = super().next_request()
        while request is not None and self.newest is not None and self.newest.excludes(request):
            if self.stats is not None:
                self.stats.inc_value(FILTERED_STAT)
            request = super().next_request()
        return request

    def close(self, reason: str) -> Any:
        try:
            return super().close(reason)
        finally:
            if self.spill_dir is not None:
                shutil.rmtree(self.spill_dir, ignore_errors=True)


def _remove_stale_spills(parent: Path) -> None:
    for stale in parent.glob(SPILL_PREFIX + "*"):
        if stale.is_dir():
            logger.info("Removing the request queue a killed run left: %s", stale)
            shutil.rmtree(stale, ignore_errors=True)


class CompactDupeFilter(RFPDupeFilter):
    """See the module doc."""

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        # The base class gets no path: this filter keeps its own file, in one format whatever
        # the installed Scrapy writes to its ``requests.seen``.
        super().__init__(None, debug, **kwargs)
        self._seen = HashSet()
        self._seen_file: BinaryIO | None = None
        if path:
            self._seen_file = Path(path, SEEN_FILE).open("a+b", buffering=0)  # noqa: SIM115
            self._seen_file.seek(0)
            self._seen.update(read_hashes(self._seen_file.read()))

    def request_seen(self, request: Request) -> bool:
        value = bytes_hash(self.fingerprinter.fingerprint(request))
        if not self._seen.add(value):
            return True
        if self._seen_file is not None:
            self._seen_file.write(value.to_bytes(HASH_BYTES, "big"))
        return False

    def close(self, reason: str) -> None:
        if self._seen_file is not None:
            self._seen_file.close()
        super().close(reason)

    def __len__(self) -> int:
        return len(self._seen)


def read_hashes(data: bytes) -> Iterator[int]:
    """The hashes of a ``frontier.seen`` file; a record torn by a kill (a short tail) is dropped."""
    whole = len(data) - len(data) % HASH_BYTES
    for start in range(0, whole, HASH_BYTES):
        yield int.from_bytes(data[start : start + HASH_BYTES], "big")
