"""The site's usual quiet: how long it usually goes without publishing, learned from the job.

A watch raises its "nothing new" alert when no new article came for longer than
``NEWSCRAWL_WATCH_QUIET_FACTOR`` times the usual quiet (at least
``NEWSCRAWL_WATCH_QUIET_MIN_SECONDS``). The usual quiet is the
``NEWSCRAWL_WATCH_QUIET_PERCENTILE`` (95) percentile, nearest rank, of the gaps between
consecutive publication times (``date_published``) over the ``NEWSCRAWL_WATCH_QUIET_HISTORY_DAYS``
(7) before the newest one. A watch seeds it from its crawl state when its incremental pass is
over (every article the job knows, :meth:`~newscrawl.state.store.CrawlState.published_within`),
so a restarted watch judges the quiet right from its first window, then adds each new article it
publishes. It holds one time per article of that window: bounded by the site's pace, not by the
run's length.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise

from newscrawl.dates import parse_iso


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in (0, 100]) of non-empty ``values``."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share / 100 * len(ordered)) - 1, 0)]


class UsualQuiet:
    def __init__(self, days: float, share: float) -> None:
        self.days = days
        self.window = timedelta(days=days)
        self.share = share
        #: Publication time of each article of the window, by URL (an article counts once).
        self.published: dict[str, datetime] = {}

    def add(self, articles: Iterable[tuple[str, str | datetime | None]]) -> None:
        """Learn the publication times of ``(url, date_published)`` pairs."""
        for url, published in articles:
            moment = parse_iso(published)
            if moment is not None:
                self.published[url] = moment
        if self.published:
            since = max(self.published.values()) - self.window
            for old in [u for u, m in self.published.items() if m < since]:
                del self.published[old]

    def gaps(self) -> list[float]:
        """Seconds between consecutive publications of the window."""
        times = sorted(self.published.values())
        return [(later - earlier).total_seconds() for earlier, later in pairwise(times)]

    def seconds(self) -> float | None:
        """The usual quiet; ``None`` until two publication times are known."""
        gaps = self.gaps()
        return percentile(gaps, self.share) if gaps else None
