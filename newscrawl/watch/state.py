"""What a watch keeps between polls, shared by its components: validators, budget, figures.

Everything here is bounded by the number of polled pages and the hourly budget, never by the
number of polls: the process holds the same after a day as after an hour.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler

#: A follow-up request not answered after this long no longer blocks another (seconds).
IN_FLIGHT_SECONDS = 300.0
HOUR = 3600.0


@dataclass
class WatchState:
    budget_per_hour: int
    #: URL -> (ETag, Last-Modified) of each polled page's last full answer.
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: Follow-up requests under way (URL -> when sent), so a page linked by several polled
    #: pages is fetched once.
    in_flight: dict[str, float] = field(default_factory=dict)
    #: When each request of the last hour was sent (at most the budget's worth).
    sent: deque[float] = field(default_factory=deque)
    watching: bool = False
    #: The newest monthly sitemap the index lists: polled with the other pages.
    current_sitemap: str | None = None
    _current_month: tuple[int, int] | None = None
    polls: int = 0
    not_modified: int = 0
    poll_failures: int = 0
    last_good_poll: float | None = None
    #: Since when every poll has failed (``None`` while they answer).
    failing_since: float | None = None

    def __post_init__(self) -> None:
        self.sent = deque(maxlen=max(self.budget_per_hour, 1))

    # -- budget ------------------------------------------------------------------------------

    def requests_last_hour(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        while self.sent and self.sent[0] <= now - HOUR:
            self.sent.popleft()
        return len(self.sent)

    def budget_left(self, now: float | None = None) -> int:
        return max(self.budget_per_hour - self.requests_last_hour(now), 0)

    def sending(self) -> None:
        self.sent.append(time.monotonic())

    # -- follow-ups --------------------------------------------------------------------------

    def claim(self, url: str) -> bool:
        """Whether to send a follow-up for ``url`` (not one already under way)."""
        now = time.monotonic()
        since = self.in_flight.get(url)
        if since is not None and since > now - IN_FLIGHT_SECONDS:
            return False
        self.in_flight[url] = now
        return True

    def release(self, url: str) -> None:
        self.in_flight.pop(url, None)

    def forget_stale(self) -> None:
        cutoff = time.monotonic() - IN_FLIGHT_SECONDS
        for url in [u for u, since in self.in_flight.items() if since <= cutoff]:
            del self.in_flight[url]

    def sitemap_listed(self, url: str, month: tuple[int, int] | None) -> bool:
        """A monthly sitemap the polled index lists; whether it is left to its own poll."""
        if month is not None and (self._current_month is None or month >= self._current_month):
            self._current_month, self.current_sitemap = month, url
        return url == self.current_sitemap and url in self.validators

    # -- polls -------------------------------------------------------------------------------

    def poll_answered(self, modified: bool) -> None:
        self.polls += 1
        self.not_modified += not modified
        self.last_good_poll = time.time()
        self.failing_since = None

    def poll_failed(self) -> None:
        self.polls += 1
        self.poll_failures += 1
        if self.failing_since is None:
            self.failing_since = time.time()


_STATES: WeakKeyDictionary[Crawler, WatchState] = WeakKeyDictionary()


def watch_state(crawler: Crawler) -> WatchState | None:
    """The running watch's state; ``None`` unless the run is a watch."""
    return _STATES.get(crawler)


def open_watch_state(crawler: Crawler, budget_per_hour: int) -> WatchState:
    state = _STATES.get(crawler)
    if state is None:
        state = _STATES[crawler] = WatchState(budget_per_hour)
    return state
