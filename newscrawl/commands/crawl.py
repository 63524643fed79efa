"""``scrapy crawl``, with an exit status a scheduler can act on (``newscrawl.monitors.exit``).

Scrapy's own ``crawl`` exits 0 unless the crawler could not start. This one exits with the
most severe status the run's components recorded (3 unhealthy output, 4 site unreachable or
blocked, 5 output failed, 6 stopped on request, 1 a health judgement that raised), prints each
failed check on stderr, and turns a bad spider argument or setting (``newscrawl.config``) into
one line and status 2 instead of a traceback. A crash stays 1.

A watch (``-a mode=watch``) then leaves at once (:func:`leave_now`): everything it keeps is on
disk by then (the feed published, the state saved, the health written, the log flushed), and
the interpreter's teardown, which frees the process's objects one by one, took most of a
stop's time (about 0.2 s of CPU, seconds on a loaded machine).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Any, NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawl.config import SettingError
from newscrawl.discovery.args import ArgumentError, CrawlArgs
from newscrawl.monitors.exit import ExitStatus, exit_reasons, exit_status
from newscrawl.monitors.run import JUDGEMENT_ERROR_STAT
from newscrawl.state.lock import JobAlreadyRunning
from newscrawl.state.store import StateError

FAILURES_STAT = "newscrawl/health/failures"


class Command(ScrapyCrawl):
    def long_desc(self) -> str:
        return (
            "Run a spider of the project. Exit status: 0 healthy, 1 crash, 2 bad arguments or "
            "settings, 3 unhealthy output, 4 site unreachable or blocked, 5 output failed, "
            "6 stopped on request (SIGTERM, SIGINT)."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name" if args else "")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        bad: list[ArgumentError | SettingError] = []
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        _trap_argument_errors(started, bad)
        self.crawler_process.start()
        if bad:
            print(f"error: {bad[0]}", file=sys.stderr)
            self.exitcode = ExitStatus.BAD_ARGUMENTS
            return
        if self.crawler_process.bootstrap_failed:
            self.exitcode = ExitStatus.CRASH
            return
        self.exitcode = self.status_of(crawler)
        if CrawlArgs.from_settings(crawler.settings).mode == "watch":
            leave_now(self.exitcode)

    @staticmethod
    def status_of(crawler: Crawler) -> int:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        status = exit_status(stats)
        errors = stats.get(JUDGEMENT_ERROR_STAT) or []
        if errors:  # the tracebacks are in the log
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            print(f"error: the run's health judgement failed: {errors[0]}{more}", file=sys.stderr)
        if status:
            reasons = ", ".join(f"{r} ({c})" for r, c in sorted(exit_reasons(stats).items()))
            print(f"newscrawl: exit status {status}: {reasons}", file=sys.stderr)
            for line in stats.get(FAILURES_STAT) or []:
                print(f"newscrawl:   {line}", file=sys.stderr)
        return status


def leave_now(status: int) -> NoReturn:
    """End the process with ``status`` once the logs and the standard streams are flushed,
    without the interpreter's teardown (see the module doc)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


#: What the user gave wrong: a spider argument or a setting (exit status 2, one line).
BAD_INPUT = (ArgumentError, SettingError)


def _trap_argument_errors(started: Any, bad: list[ArgumentError | SettingError]) -> None:
    """Keep a bad argument or setting from reaching the log as a traceback; remember it."""
    if isinstance(started, Deferred):

        def trap(failure: Failure) -> Failure | None:
            if isinstance(failure.value, BAD_INPUT):
                bad.append(failure.value)
                return None
            return failure

        started.addErrback(trap)
    elif isinstance(started, asyncio.Future):

        def done(task: asyncio.Future[Any]) -> None:
            if task.cancelled():
                return
            error = task.exception()  # retrieved: asyncio does not log it again
            if isinstance(error, BAD_INPUT):
                bad.append(error)
            elif isinstance(error, StateError | JobAlreadyRunning):
                print(f"error: {error}", file=sys.stderr)  # says what to do; logged already
            elif error is not None:
                print(f"error: {error!r}", file=sys.stderr)

        started.add_done_callback(done)
