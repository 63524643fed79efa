"""What an incremental run fetches and emits, decided from the state of earlier runs.

Pure over a snapshot of the state taken when the run starts (the state itself only moves when a
feed is absorbed), plus what the run itself has emitted so far. ``mode=full`` fetches
everything and emits every article: new and changed ones as in an incremental run, unchanged
ones again with the version the state holds, so that a full run's feed is the whole crawl.

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
from newscrawl.frontier.hashes import HashSet, url_hash
from newscrawl.schema import fingerprint
from newscrawl.state.store import ArticleState, KnownArticles


class Mode(StrEnum):
    INCREMENTAL = "incremental"
    FULL = "full"


class Change(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: Unchanged, and emitted all the same: a full run's feed is the whole crawl.
    REPEATED = "repeated"


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
    sitemap_marks: dict[str, str] = field(default_factory=dict)
    #: Maps a link as a page writes it to the canonical URL the state is keyed by.
    canonical: Callable[[str], str] = str
    #: What this run has emitted, by URL hash: the fingerprint's hash, modified time and
    #: version packed in one int (:func:`_pack`): a few dozen bytes an article, not hundreds.
    emitted: dict[int, int] = field(default_factory=dict)
    #: Sitemap lastmods read in this run; stored when the run completes.
    sitemaps_seen: dict[str, str] = field(default_factory=dict)
    _sitemaps_listed: dict[str, str] = field(default_factory=dict)
    #: Known articles the run saw unchanged without fetching them (URL hashes).
    skipped: HashSet = field(default_factory=HashSet)
    #: Known articles the run fetched and found unchanged (URL hashes).
    unchanged: HashSet = field(default_factory=HashSet)
    #: Of those, the ones a full run emitted again all the same (counted as repeated, not as
    #: skipped: a record counts in one column of the run stats).
    repeated: HashSet = field(default_factory=HashSet)
    #: Article requests not settled yet (URL hash -> URL), and the URLs of those settled.
    _pending: dict[int, str] = field(default_factory=dict)
    _settled: HashSet = field(default_factory=HashSet)
    #: A watch (``-a mode=watch``) after its first pass: marks move as sitemaps are read.
    watching: bool = False

    @property
    def incremental(self) -> bool:
        return self.mode is Mode.INCREMENTAL

    def seen_unchanged(self, url: str) -> bool:
        """Whether this run saw the known article ``url`` (fetched or not) and did not emit it
        again (such articles are marked as seen when the run ends)."""
        key = url_hash(url)
        return (key in self.skipped or key in self.unchanged) and key not in self.emitted

    @property
    def seen_unchanged_count(self) -> int:
        """Known articles seen unchanged and not emitted (a full run's repeated ones are)."""
        emitted, skipped, repeated = self.emitted, self.skipped, self.repeated
        return sum(1 for key in skipped if key not in emitted and key not in repeated) + sum(
            1
            for key in self.unchanged
            if key not in skipped and key not in emitted and key not in repeated
        )

    @property
    def horizon(self) -> datetime | None:
        """Cards and months older than this hold nothing new (``None``: no complete run yet)."""
        if not self.incremental or self.high_water is None:
            return None
        return self.high_water - self.overlap

    # -- discovery: what to fetch ------------------------------------------------------------

    def prefetch(self, urls: Iterable[str]) -> None:
        """Links about to be judged (one page's): the state may read them in one go."""
        if self.incremental and isinstance(self.known, KnownArticles):
            self.known.prefetch(key for url in urls if (key := self._key(url)) is not None)

    def wants_article(self, url: str, lastmod: datetime | str | None = None) -> bool:
        """Whether to fetch an article link; ``lastmod`` is the sitemap's modified time."""
        key = self._key(url)
        if not self.incremental or key is None:
            self._requested(key)
            return True
        hashed = url_hash(key)
        if hashed in self.emitted or hashed in self.unchanged:
            # Fetched in this run already; a long run (a watch) fetches it again when its
            # sitemap shows it modified since.
            last = _unpack(self.emitted[hashed])[1] if hashed in self.emitted else None
            moved = _seconds(parse_iso(lastmod))
            if moved is None or last is None or moved <= last:
                return False
            self._requested(key)
            return True
        state = self.known.get(key)
        if state is None:
            self._requested(key)
            return True
        when = parse_iso(lastmod)
        if when is None:
            # A listing card or an RSS item: no sign of a change to a known article.
            self.skipped.add(hashed)
            return False
        stored = parse_iso(state.date_modified) or parse_iso(state.date_published)
        if stored is not None and when <= stored:
            self.skipped.add(hashed)
            return False
        self._requested(key)
        return True

    def _requested(self, key: str | None) -> None:
        # An old /article/{post_id} URL redirects to the article, whose own request the
        # dupefilter may already have taken: it is an alias, not a request to account for.
        if key is not None and not POST_ID_PATH.match(urlsplit(key).path):
            hashed = url_hash(key)
            if hashed not in self._settled:
                self._pending[hashed] = key

    def settled(self, urls: Iterable[str | None]) -> None:
        """An article request came to an end with an item (scraped or dropped) for ``urls``."""
        for url in urls:
            key = self._key(url) if url else None
            if key is not None:
                hashed = url_hash(key)
                self._settled.add(hashed)
                self._pending.pop(hashed, None)

    @property
    def unsettled(self) -> set[str]:
        """Articles this run meant to fetch that yielded no item (the fetch failed, or the page
        was not an article): the sitemaps that listed them are read again next time."""
        done = self.emitted.keys()
        return {
            url
            for key, url in self._pending.items()
            if key not in done and key not in self.unchanged
        }

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
            if self.watching:
                self.sitemap_marks[key] = self._sitemaps_listed[key]

    def start_watching(self, newest: datetime | None) -> None:
        """The first pass of a watch is over: from now on a monthly sitemap is read again only
        when its ``lastmod`` moves past the one this run read last (or its month reaches the
        newest article known, ``newest``), and listing paging stops as after a complete run."""
        self.sitemap_marks = {**self.sitemap_marks, **self.sitemaps_seen}
        listed = [when for value in self._sitemaps_listed.values() if (when := parse_iso(value))]
        # The feed of the pass may not be in the state yet: a sitemap's lastmod bounds it too.
        newest = max([*listed, *([newest] if newest else [])], default=None)
        if newest is not None:
            self.high_water = max(self.high_water or newest, newest)
        self.watching = True

    # -- emission: what to write -------------------------------------------------------------

    def decide(self, record: Mapping[str, Any]) -> Decision:
        """New, updated (and its version) or unchanged, against the state and this run."""
        key = record["url"]
        hashed = url_hash(key)
        digest = url_hash(record.get("fingerprint") or fingerprint(record))
        modified = parse_iso(record.get("date_modified"))
        stamp = _seconds(modified)
        if hashed in self.emitted:
            last_digest, last_stamp, last_version = _unpack(self.emitted[hashed])
        elif (state := self.known.get(key)) is not None:
            last_digest, last_version = url_hash(state.fingerprint), state.version
            last_stamp = _seconds(parse_iso(state.date_modified))
        else:
            self.emitted[hashed] = _pack(digest, stamp, 1)
            return Decision(Change.NEW, 1)
        later = stamp is not None and (last_stamp is None or stamp > last_stamp)
        if digest == last_digest and not later:
            self.unchanged.add(hashed)
            if not self.incremental and hashed not in self.emitted:
                self.repeated.add(hashed)
                return Decision(Change.REPEATED, last_version)
            return Decision(Change.UNCHANGED, last_version)
        self.emitted[hashed] = _pack(digest, stamp, last_version + 1)
        return Decision(Change.UPDATED, last_version + 1)

    def _key(self, url: str) -> str | None:
        try:
            key = self.canonical(url)
        except ValueError:
            return None
        old_url = POST_ID_PATH.match(urlsplit(key).path)
        if old_url:
            return self._post_url(old_url.group(1)) or key
        return key

    def _post_url(self, post_id: str) -> str | None:
        """The known article with ``post_id``, for the old ``/article/{post_id}`` URLs."""
        if isinstance(self.known, KnownArticles):
            return self.known.url_of_post(post_id)
        return self._by_post_id.get(post_id)

    @cached_property
    def _by_post_id(self) -> dict[str, str]:
        return {s.post_id: url for url, s in self.known.items() if s.post_id}


def _seconds(moment: datetime | None) -> int | None:
    """A modified time to whole seconds since the epoch (what feeds and the state keep)."""
    return None if moment is None else int(moment.timestamp())


def _pack(digest: int, stamp: int | None, version: int) -> int:
    """Fingerprint hash, modified time and version in one int (0 stands for no time)."""
    return (digest << 64) | ((0 if stamp is None else max(stamp + 1, 1)) << 24) | version


def _unpack(packed: int) -> tuple[int, int | None, int]:
    stamp = (packed >> 24) & ((1 << 40) - 1)
    return packed >> 64, (stamp - 1 if stamp else None), packed & ((1 << 24) - 1)
