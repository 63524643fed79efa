"""The exit status contract of ``scrapy crawl``: how a run tells its scheduler what went wrong.

Any component may record why the run should fail in the crawler stats, as
``newscrawl/exit/<reason>`` with the status it asks for (:func:`record_exit`). The project's
``crawl`` command (``newscrawl.commands.crawl``) exits with the most severe status recorded:

====  ======================================================================
code  meaning
====  ======================================================================
0     the run is healthy
1     a crash (an exception escaped; Scrapy's own status), also a health judgement that raised
2     bad arguments (one line on stderr, no traceback)
3     unhealthy output: a monitor failed (too few articles, field coverage drift, rejects, …)
4     the site was unreachable or blocked
5     the output failed (the feed could not be written or published, or the health file
      beside it: ``newscrawl.monitors.actions.write_health_file``)
6     stopped on request: a SIGTERM or SIGINT stopped the run gracefully (the feed is
      published, the next run carries on); not a failure for a scheduler
====  ======================================================================

Severity is 1 > 5 > 4 > 3 > 6 > 0: a crash of the judgement (``health_judgement``) is
recorded like the others and wins; a stopped run whose output failed, or whose site was
unreachable, still says so; 2 ends the run before any of these is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from scrapy.statscollectors import StatsCollector

EXIT_PREFIX = "newscrawl/exit/"


class ExitStatus(IntEnum):
    OK = 0
    CRASH = 1
    BAD_ARGUMENTS = 2
    UNHEALTHY = 3
    UNREACHABLE = 4
    OUTPUT_FAILED = 5
    STOPPED = 6


#: Most severe first; 2 is not recorded in stats, 1 only by a judgement that raised.
SEVERITY: tuple[ExitStatus, ...] = (
    ExitStatus.CRASH,
    ExitStatus.OUTPUT_FAILED,
    ExitStatus.UNREACHABLE,
    ExitStatus.UNHEALTHY,
    ExitStatus.STOPPED,
)


def record_exit(stats: StatsCollector, reason: str, code: int) -> None:
    """Ask for exit status ``code`` because of ``reason`` (a short stable name)."""
    stats.set_value(f"{EXIT_PREFIX}{reason}", int(code))


def exit_reasons(stats: Mapping[str, Any]) -> dict[str, int]:
    """Every reason recorded, with its status."""
    return {
        key.removeprefix(EXIT_PREFIX): int(value)
        for key, value in stats.items()
        if key.startswith(EXIT_PREFIX) and isinstance(value, int)
    }


def exit_status(stats: Mapping[str, Any]) -> int:
    """The status the run exits with: the most severe one recorded, else 0."""
    recorded = set(exit_reasons(stats).values())
    for code in SEVERITY:
        if code in recorded:
            return int(code)
    return int(ExitStatus.OK)
