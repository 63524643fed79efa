"""One run's hold on its job's state: the lock, the reconciled state, the incremental policy.

Built as a Scrapy extension (``CrawlStateExtension``), before the engine opens the spider:

1. take the job's lock (a second run of the same job stops here, with a non-zero exit);
2. open the SQLite state and finish the feeds a killed run left behind;
3. start a run record and take the policy's snapshot of the state;
4. act as the feed ledger: feeds are registered before their first line and absorbed into the
   state before they are published;
5. when the engine stops: remember what the run saw, close the run (a complete run moves the
   high-water mark), release the lock.

The incremental middleware asks the policy (:func:`policy_for`) what to fetch; the versioning
pipeline asks it what to emit.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Self
from weakref import WeakKeyDictionary

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newscrawl.commands.inspect import INSPECT
from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.dates import parse_iso
from newscrawl.discovery.args import ArgumentError, CrawlArgs
from newscrawl.normalize.urls import canonical_url
from newscrawl.output.delivery import EXIT_STAT
from newscrawl.output.feeds import set_feed_ledger
from newscrawl.output.runfiles import RUN_FEED
from newscrawl.state.backend import state_backend
from newscrawl.state.lock import JobAlreadyRunning, RunLock
from newscrawl.state.policy import IncrementalPolicy, Mode
from newscrawl.state.reconcile import FeedReport, publish_feed, reconcile
from newscrawl.state.store import CorruptState, CrawlState, StateError

logger = logging.getLogger(__name__)

DEFAULT_OVERLAP_HOURS = 2.0

#: What the state keeps of a record.
STATE_KEYS = ("url", "fingerprint", "version", "date_modified", "date_published", "post_id",
              "crawled_at")  # fmt: skip

_SESSIONS: WeakKeyDictionary[Crawler, CrawlSession] = WeakKeyDictionary()


def state_dir(settings: BaseSettings) -> Path:
    """``NEWSCRAWL_STATE_DIR``, by default ``{NEWSCRAWL_OUTPUT_DIR}/state``."""
    config = crawl_settings(settings)
    if config.state_dir:
        return Path(config.state_dir)
    return Path(config.output_dir) / "state"


@dataclass(frozen=True)
class RunPlan:
    """Whether the run keeps crawl state, in which mode, and why (logged when the run starts)."""

    mode: Mode | None  # None: no crawl state (an export, or the state is turned off)
    reason: str

    def describe(self) -> str:
        if self.mode is None:
            return f"Run mode: full crawl without crawl state ({self.reason})"
        return f"Run mode: {self.mode.value} ({self.reason})"


def run_plan(crawler: Crawler) -> RunPlan:
    """The one rule for a run's mode.

    - ``-a mode=incremental|full`` (or ``NEWSCRAWL_MODE``): that mode, with the job's state;
    - otherwise, a feed given with ``-o``/``-O`` makes the run an *export*: the whole crawl is
      written to that feed, and the job's crawl state is neither read nor changed;
    - otherwise (the scheduled job's command line): incremental.
    ``NEWSCRAWL_STATE_ENABLED = False`` turns the state off whatever the mode.
    """
    settings = crawler.settings
    where = state_dir(settings)
    if settings.getbool(INSPECT):
        return RunPlan(None, "scrapy shell and scrapy parse look at pages; they are not runs")
    if not crawl_settings(settings).state_enabled:
        return RunPlan(None, "NEWSCRAWL_STATE_ENABLED is off")
    given = CrawlArgs.from_settings(settings).mode  # -a mode=… or -s NEWSCRAWL_MODE=…
    if given == "watch":
        if settings.getpriority("FEEDS") == SETTINGS_PRIORITIES["cmdline"]:
            # Each publication is a new file beside the last; one file named with -o/-O would
            # be appended to (or replaced) while its last publication is still being written.
            raise ArgumentError(
                "mode=watch publishes its own feeds in NEWSCRAWL_OUTPUT_DIR; drop -o/-O "
                "(they name the one file of a single run)"
            )
        # A watch is one long incremental run: its feeds, state and exactly-once are the same.
        return RunPlan(
            Mode.INCREMENTAL,
            f"-a mode=watch: an incremental pass, then polling for what is new; crawl state "
            f"in {where}",
        )
    if given:
        return RunPlan(Mode(given), f"-a mode={given}; crawl state in {where}")
    if settings.getpriority("FEEDS") == SETTINGS_PRIORITIES["cmdline"]:
        return RunPlan(
            None,
            f"an export: -o/-O names the output and no -a mode= was given, so the whole crawl "
            f"is written there and the crawl state in {where} is neither read nor changed; "
            f"add -a mode=incremental to run as that job",
        )
    return RunPlan(Mode.INCREMENTAL, f"the default without -o/-O; crawl state in {where}")


def session_for(crawler: Crawler | None) -> CrawlSession | None:
    """The running crawl's session; ``None`` when the crawl keeps no state."""
    return _SESSIONS.get(crawler) if crawler is not None else None


def policy_for(crawler: Crawler | None) -> IncrementalPolicy | None:
    """The running crawl's incremental policy; ``None`` when the crawl keeps no state."""
    session = session_for(crawler)
    return session.policy if session is not None else None


class CrawlSession:
    def __init__(
        self,
        directory: Path,
        mode: Mode,
        overlap: timedelta,
        canonical: Callable[[str], str] = str,
        jobdir: Path | None = None,
        open_state: Callable[[Path], CrawlState] = CrawlState,
    ) -> None:
        self.dir = directory
        self.open_state = open_state
        self.jobdir = jobdir
        self.mode = mode
        self.overlap = overlap
        self.canonical = canonical
        self.lock = RunLock(directory)
        self.state: CrawlState | None = None
        self.policy: IncrementalPolicy | None = None
        self.run_id: int | None = None
        self.recovered: list[FeedReport] = []
        self.feeds: list[Path] = []
        #: What this run's feeds brought into the state, as each was published.
        self.published: list[FeedReport] = []
        self.feed_key: int | None = None
        #: The high-water mark once the run is closed (moved only by a complete run).
        self.high_water_after: str | None = None
        #: Records that reached the end of the pipelines (only their state keys, one JSON line
        #: each, in an unnamed temporary file of the state directory), kept only while the run
        #: has no local feed for the state to learn them from.
        self.scraped: IO[bytes] | None = None
        #: Every record this run emitted (set against what its feed holds on disk).
        self.scraped_count = 0

    def open(self) -> None:
        self.lock.acquire()
        try:
            self.state = self.open_state(self.dir)
            self.recovered = reconcile(self.state)
            self._retire_jobdir_of_killed_run()
            self.run_id = self.state.start_run(self.mode.value, os.getpid())
            self.policy = IncrementalPolicy(
                mode=self.mode,
                known=self.state.known(),
                high_water=parse_iso(self.state.high_water_mark()),
                overlap=self.overlap,
                sitemap_marks=self.state.sitemap_lastmods(),
                canonical=self.canonical,
            )
        except BaseException:
            self.lock.release()
            raise

    def _retire_jobdir_of_killed_run(self) -> None:
        """Set a JOBDIR aside when the last run was killed rather than stopped.

        Scrapy saves its request queue on a graceful stop only; after ``kill -9`` the JOBDIR's
        dupefilter remembers requests whose responses were never handled, and a resumed run would
        skip them for good. The crawl state resumes such a run instead: without the JOBDIR, the
        run reads sitemaps and listings again and fetches what no feed holds yet.
        """
        assert self.state is not None
        runs = self.state.runs()
        killed = bool(runs) and runs[-1]["finished_at"] is None
        if not killed or self.jobdir is None or not self.jobdir.is_dir():
            return
        if not any(self.jobdir.iterdir()):
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.jobdir.with_name(f"{self.jobdir.name}.killed-{stamp}")
        self.jobdir.rename(aside)
        logger.warning(
            "The last run (pid %s) was killed, so its JOBDIR cannot be trusted; moved it to %s. "
            "This run resumes from the crawl state instead.",
            runs[-1]["pid"],
            aside,
        )

    # -- FeedLedger ----------------------------------------------------------------------------

    def claims(self, feed_key: int) -> bool:
        if self.feed_key is None:
            self.feed_key = feed_key
        return feed_key == self.feed_key

    def register_feed(self, final: Path, append_at: int | None = None) -> None:
        assert self.state is not None
        self.state.register_feed(final, self.run_id, append_at)
        self.feeds.append(final)

    def publish_feed(self, final: Path, replace: bool) -> Path:
        assert self.state is not None
        report = publish_feed(self.state, final, replace=replace)
        self.published.append(report)
        if report.unpublished is not None:
            raise report.unpublished  # the lines are absorbed and whole in the .part file
        published = report.path
        # A feed whose file could not be created has nothing to show.
        self.feeds = [
            published if path == final else path
            for path in self.feeds
            if path != final or published.exists()
        ]
        return published

    def note_scraped(self, record: Mapping[str, Any]) -> None:
        self.scraped_count += 1
        if self.feeds or self.feed_key is not None:
            return  # the state learns the run's records from its feed
        if self.scraped is None:
            self.scraped = tempfile.TemporaryFile(dir=self.dir, prefix="scraped-")  # noqa: SIM115 - closed in close()
        keys = {key: record.get(key) for key in STATE_KEYS}
        self.scraped.write(json.dumps(keys, ensure_ascii=False).encode() + b"\n")

    # -- a long run's checkpoints ---------------------------------------------------------------

    def checkpoint(self, partial: bool = False, delivered: bool = True) -> bool:
        """Close the run so far as a run of its own and go on under a new one; for a watch,
        once the feed holding everything so far is published (its incremental pass, later once
        in a while). When complete (nothing limited, lost or left unsettled), it moves the
        high-water mark and the sitemap marks as a scheduled run's end does, so a restart after
        a kill pages back only to it. Returns whether it was complete."""
        state, policy = self.state, self.policy
        if state is None or policy is None or self.run_id is None:
            return False
        missing = self.scraped_count - self.written if self.feed_key is not None else 0
        unsettled = policy.unsettled
        complete = not partial and delivered and missing <= 0 and not unsettled
        state.touch_where(policy.seen_unchanged)
        state.finish_run(
            self.run_id, "finished" if complete else "checkpoint", complete,
            {} if unsettled else policy.sitemaps_seen,
        )  # fmt: skip
        self.run_id = state.start_run(self.mode.value, os.getpid())
        logger.info(
            "Checkpoint: the run so far is %s; high-water mark %s",
            "complete"
            if complete
            else "not complete (limited, lost records or unsettled requests)",
            state.high_water_mark(),
        )
        return complete

    # -- end -----------------------------------------------------------------------------------

    @property
    def written(self) -> int:
        """Records of this run that its JSON Lines feed holds on disk."""
        return sum(r.absorbed + r.repeated for r in self.published)

    def close(self, reason: str, partial: bool = False, delivered: bool = True) -> None:
        """End the run; ``partial``: it was limited (a date window, sections, a cap), so even
        when it finishes it does not move the high-water mark or the sitemap marks;
        ``delivered``: every feed got every record (:mod:`newscrawl.output.delivery`)."""
        if self.state is None:
            return
        state, self.state = self.state, None
        try:
            assert self.policy is not None and self.run_id is not None
            state.touch_where(self.policy.seen_unchanged)
            missing = self.scraped_count - self.written if self.feed_key is not None else 0
            # A run that lost records is not complete: the next one must not stop paging at a
            # high-water mark past articles no feed holds.
            lost = missing > 0 or (not delivered and self.scraped_count > 0)
            complete = reason == "finished" and not partial and not lost
            if self.feed_key is not None and missing > 0:
                logger.error(
                    "The crawl state learnt only the %d records on disk; the %d not written are "
                    "fetched and emitted again by the next run of this job (state %s)",
                    self.written,
                    missing,
                    self.dir,
                )
            elif self.feed_key is None and self.scraped_count and not delivered:
                logger.error(
                    "The feeds did not get this run's %d records; the crawl state learnt none "
                    "of them, so the next run of this job fetches and emits them again",
                    self.scraped_count,
                )
            elif complete and self.feed_key is None and self.scraped is not None:
                # No local feed (-o stdout:, s3://…): nothing on disk to absorb, so the state
                # learns the run's records when it completes and its feeds took them all; a
                # killed run's are emitted again.
                self.scraped.seek(0)
                with state.transaction() as db:
                    for line in self.scraped:
                        state.absorb(db, json.loads(line))
                logger.info(
                    "No local feed: the state learnt this run's %d records at its end",
                    self.scraped_count,
                )
            unsettled = self.policy.unsettled
            if unsettled:
                logger.info(
                    "%d article request(s) ended without an item (e.g. %s); the sitemaps are "
                    "read again next time",
                    len(unsettled),
                    ", ".join(sorted(unsettled)[:3]),
                )
            sitemaps = {} if unsettled else self.policy.sitemaps_seen
            state.finish_run(self.run_id, reason, complete, sitemaps)
            self.high_water_after = state.high_water_mark()
            if complete and self.jobdir is not None and self.jobdir.is_dir():
                # A finished back-fill's JOBDIR holds only its dupefilter, which would make the
                # next run with the same JOBDIR skip every page.
                shutil.rmtree(self.jobdir)
                logger.info("The crawl is complete; removed its JOBDIR %s", self.jobdir)
            if not complete:
                logger.info(
                    "Run ended with %r%s%s: the high-water mark stays where the last complete run "
                    "left it, so the next run looks at everything again",
                    reason,
                    " (limited by its arguments)" if partial else "",
                    " (its output failed)" if lost else "",
                )
        finally:
            if self.scraped is not None:
                self.scraped.close()
            state.close()
            self.lock.release()


class CrawlStateExtension:
    """Scrapy extension that opens a :class:`CrawlSession` for the crawl (see module doc)."""

    def __init__(self, crawler: Crawler, session: CrawlSession) -> None:
        self.crawler = crawler
        self.session = session
        self.reason = "unknown"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        config = crawl_settings(settings)
        plan = run_plan(crawler)
        logger.info("%s", plan.describe())
        if plan.mode is None:
            raise disabled(cls, plan.reason)
        session = CrawlSession(
            state_dir(settings),
            plan.mode,
            timedelta(hours=config.incremental_overlap_hours),
            canonical=_canonical_for(settings),
            jobdir=Path(config.jobdir) if config.jobdir else None,
            open_state=state_backend(crawler),
        )
        try:
            session.open()
        except JobAlreadyRunning as exc:
            logger.error("%s", exc)
            raise
        except CorruptState as exc:
            feed = settings.get(RUN_FEED)
            logger.error("%s", exc.advice(Path(feed).parent if feed else "FEEDS_FOLDER"))
            raise
        except StateError as exc:
            logger.error("%s", exc)
            raise
        ext = cls(crawler, session)
        _SESSIONS[crawler] = session
        set_feed_ledger(crawler, session)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        assert session.policy is not None
        logger.info(
            "Crawl state %s: mode %s, %d known articles, high-water mark %s",
            session.dir,
            session.mode.value,
            len(session.policy.known),
            session.policy.high_water or "none (no complete run yet)",
        )
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def engine_stopped(self) -> None:
        try:
            stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
            # Delivered: no feed missed a record, and some feed stored them (with no feed at
            # all, the records went nowhere).
            stored = any(key.startswith("feedexport/success_count/") for key in stats)
            delivered = stored and EXIT_STAT not in stats
            self.session.close(
                self.reason,
                partial=CrawlArgs.from_settings(self.crawler.settings).limited,
                delivered=delivered,
            )
        finally:
            set_feed_ledger(self.crawler, None)
            _SESSIONS.pop(self.crawler, None)


def _canonical_for(settings: BaseSettings) -> Callable[[str], str]:
    """Map links to canonical URLs on the crawl's edition (production host, no query)."""
    edition = CrawlArgs.from_settings(settings).site.edition
    return lambda url: canonical_url(url, edition)
