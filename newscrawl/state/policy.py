"""What an incremental run fetches and emits, decided from the state of earlier runs.

Pure over a snapshot of the state taken when the run starts (the state itself only moves when a
feed is absorbed), plus what the run itself has emitted so far. ``mode=full`` fetches
everything but emits by the same rule, so that the feeds hold each version of an article once
whatever the mode.

Where a run learns what changed without fetching an article page:
- a monthly sitemap's ``<lastmod>`` in the index: months whose lastmod has not moved since the
  last complete run are not read (months at or after the high-water mark always are);
- an article's ``<lastmod>`` in a monthly sitemap: the modified time; not later than the one the
  state holds means unchanged;
- a listing card's date (publication time): paging stops once a page brings no unknown article
  and its cards are older than the high-water mark minus the overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from newscrawl.dates import month_span, parse_iso
from newscrawl.discovery.rules import POST_ID_PATH
from newscrawl.schema import fingerprint
from newscrawl.state.store import ArticleState


class Mode(StrEnum):
    INCREMENTAL = "incremental"
    FULL = "full"


class Change(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Decision:
    change: Change
    version: int

    @property
    def emit(self) -> bool:
        return self.change is not Change.UNCHANGED


@dataclass
class IncrementalPolicy:
    mode: Mode
    known: Mapping[str, ArticleState]
    high_water: datetime | None = None
    overlap: timedelta = timedelta(hours=2)
    sitemap_marks: Mapping[str, str] = field(default_factory=dict)
    #: Maps a link as a page writes it to the canonical URL the state is keyed by.
    canonical: Callable[[str], str] = str
    #: What this run has emitted: canonical URL -> (fingerprint, date_modified, version).
    emitted: dict[str, tuple[str, datetime | None, int]] = field(default_factory=dict)
    #: Sitemap lastmods read in this run; stored when the run completes.
    sitemaps_seen: dict[str, str] = field(default_factory=dict)
    _sitemaps_listed: dict[str, str] = field(default_factory=dict)
    #: Known articles the run saw unchanged without fetching them.
    skipped: set[str] = field(default_factory=set)
    #: Known articles the run fetched and found unchanged.
    unchanged: set[str] = field(default_factory=set)
    #: Articles the run decided to fetch, and those whose fetch ended with an item.
    requested: set[str] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)

    @property
    def incremental(self) -> bool:
        return self.mode is Mode.INCREMENTAL

    @property
    def seen_unchanged(self) -> set[str]:
        """Known articles this run saw (fetched or not) and did not emit again."""
        return (self.skipped | self.unchanged) - self.emitted.keys()

    @property
    def horizon(self) -> datetime | None:
        """Cards and months older than this hold nothing new (``None``: no complete run yet)."""
        if not self.incremental or self.high_water is None:
            return None
        return self.high_water - self.overlap

    # -- discovery: what to fetch ------------------------------------------------------------

    def wants_article(self, url: str, lastmod: datetime | str | None = None) -> bool:
        """Whether to fetch an article link; ``lastmod`` is the sitemap's modified time."""
        key = self._key(url)
        if not self.incremental or key is None:
            self._requested(key)
            return True
        if key in self.emitted or key in self.unchanged:
            return False  # fetched in this run already
        state = self.known.get(key)
        if state is None:
            self._requested(key)
            return True
        when = parse_iso(lastmod)
        if when is None:
            # A listing card or an RSS item: no sign of a change to a known article.
            self.skipped.add(key)
            return False
        stored = parse_iso(state.date_modified) or parse_iso(state.date_published)
        if stored is not None and when <= stored:
            self.skipped.add(key)
            return False
        self._requested(key)
        return True

    def _requested(self, key: str | None) -> None:
        # An old /article/{post_id} URL redirects to the article, whose own request the
        # dupefilter may already have taken: it is an alias, not a request to account for.
        if key is not None and not POST_ID_PATH.match(urlsplit(key).path):
            self.requested.add(key)

    def settled(self, urls: Iterable[str | None]) -> None:
        """An article request came to an end with an item (scraped or dropped) for ``urls``."""
        for url in urls:
            key = self._key(url) if url else None
            if key is not None:
                self.outcomes.add(key)

    @property
    def unsettled(self) -> set[str]:
        """Articles this run meant to fetch that yielded no item (the fetch failed, or the page
        was not an article): the sitemaps that listed them are read again next time."""
        return self.requested - self.outcomes - self.emitted.keys() - self.unchanged

    def wants_next_page(self, cards: Iterable[tuple[str, datetime | None]]) -> bool:
        """Whether a listing page whose cards are ``(url, date)`` is worth paging past.

        Listings are newest first. Once a page reaches back past the horizon (the high-water
        mark minus the overlap), later pages only hold older cards; paging goes on only while
        the page shows an article the state does not know from before the horizon (a gap to
        fill). Without dates, paging goes on while a page shows an unknown article.
        """
        horizon = self.horizon
        if horizon is None:
            return True
        cards = list(cards)
        unknown = [(url, when) for url, when in cards if self._key(url) not in self.known]
        dates = [when for _, when in cards if when is not None]
        if not dates:
            return bool(unknown)
        if min(dates) >= horizon:
            return True
        return any(when is None or when < horizon for _, when in unknown)

    def wants_sitemap(
        self, url: str, lastmod: datetime | str | None, month: tuple[int, int] | None
    ) -> bool:
        """Whether to read a monthly sitemap listed in the index with ``lastmod``.

        Sitemaps are keyed by path, the same on the production host and a replica. The
        ``lastmod`` becomes the sitemap's mark once the sitemap has been read
        (:meth:`sitemap_read`) and the run completes.
        """
        key = urlsplit(url).path
        when = parse_iso(lastmod)
        if when is not None:
            self._sitemaps_listed[key] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        horizon = self.horizon
        if horizon is None:
            return True
        if month is not None and month_span(*month)[1] > horizon:
            return True
        mark = parse_iso(self.sitemap_marks.get(key))
        return when is None or mark is None or when > mark

    def sitemap_read(self, url: str) -> None:
        """A monthly sitemap was read whole: its listed ``lastmod`` may become its mark."""
        key = urlsplit(url).path
        if key in self._sitemaps_listed:
            self.sitemaps_seen[key] = self._sitemaps_listed[key]

    # -- emission: what to write -------------------------------------------------------------

    def decide(self, record: Mapping[str, Any]) -> Decision:
        """New, updated (and its version) or unchanged, against the state and this run."""
        key = record["url"]
        digest = record.get("fingerprint") or fingerprint(record)
        modified = parse_iso(record.get("date_modified"))
        if key in self.emitted:
            last_digest, last_modified, last_version = self.emitted[key]
        elif key in self.known:
            state = self.known[key]
            last_digest, last_version = state.fingerprint, state.version
            last_modified = parse_iso(state.date_modified)
        else:
            self.emitted[key] = (digest, modified, 1)
            return Decision(Change.NEW, 1)
        later = modified is not None and (last_modified is None or modified > last_modified)
        if digest == last_digest and not later:
            self.unchanged.add(key)
            return Decision(Change.UNCHANGED, last_version)
        self.emitted[key] = (digest, modified, last_version + 1)
        return Decision(Change.UPDATED, last_version + 1)

    def _key(self, url: str) -> str | None:
        try:
            key = self.canonical(url)
        except ValueError:
            return None
        old_url = POST_ID_PATH.match(urlsplit(key).path)
        if old_url:
            return self.by_post_id.get(old_url.group(1), key)
        return key

    @cached_property
    def by_post_id(self) -> dict[str, str]:
        """Known articles by post id, for the old ``/article/{post_id}`` URLs."""
        return {s.post_id: url for url, s in self.known.items() if s.post_id}
