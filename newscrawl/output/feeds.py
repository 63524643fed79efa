"""Atomic feed storage: a feed is written as ``X.jsonl.part`` and renamed to ``X.jsonl`` when whole.

Registered for the ``file`` scheme (``FEED_STORAGES``), so every local feed in ``FEEDS`` gets it.
Scrapy's own ``FileFeedStorage`` writes straight to the final name through a buffer; a run killed
mid-way leaves a ``.jsonl`` with a partial last line that readers globbing ``*.jsonl`` pick up.
Here:

- the file a run writes never ends in ``.jsonl`` until it is complete;
- every line reaches the kernel in one unbuffered write as the exporter produces it (a ``kill -9``
  loses at most the line being written, never one already exported), and is ``fsync``-ed every
  ``NEWSCRAWL_FEED_FSYNC_EVERY`` lines and on close;
- a default feed never overwrites an existing file: if the name is taken, ``-2``, ``-3``… is
  added; a feed the user names is that very file: ``-O`` replaces it, ``-o`` appends to it
  (:func:`append_part`, once the run's lines are whole);
- a line that cannot be written (a full disk) is cut back off the file and counted, and a feed
  that cannot be opened counts every line (:class:`FeedFile`, :mod:`newscrawl.output.delivery`);
- a *ledger* (the crawl state, :mod:`newscrawl.state`) may claim the run's JSON Lines feed:
  it registers the file before its first line and publishes it (absorbs it, then renames it) on
  close; a run killed before that is finished by the next run's start.

The other files of a run are written the same way: line files (the rejects) through
:class:`LineDurableFile` under a ``.part`` name and finished by :func:`finish_line_file`, small
whole files (summary, stats) by :func:`write_text_atomic`.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol, Self
from weakref import WeakKeyDictionary

import scrapy.exporters
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES
from w3lib.url import file_uri_to_path

from newscrawl.config import crawl_settings

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
SALVAGE_SUFFIX = ".salvage"

#: Scrapy's names of the JSON Lines format (``FEED_EXPORTERS``).
JSON_LINES = frozenset({"jsonlines", "jsonl", "jl"})


class FeedNotPublished(OSError):
    """A feed whose lines are whole in its ``.part`` file could not take its name (the path is
    a directory, the folder became read-only...): nothing is lost, the lines stay there."""

    def __init__(self, final: Path, error: OSError) -> None:
        super().__init__(error.errno, f"cannot publish the feed at {final}: {error}")
        self.final = final
        self.part = part_path(final)
        self.error = error


class FeedLedger(Protocol):
    """Keeps account of a run's feed files (implemented by the crawl state)."""

    def claims(self, feed_key: int) -> bool:
        """Whether the ledger keeps account of this feed (one JSON Lines feed per run)."""
        ...

    def register_feed(self, final: Path, append_at: int | None = None) -> None: ...

    def publish_feed(self, final: Path, replace: bool) -> Path: ...


_LEDGERS: WeakKeyDictionary[Crawler, FeedLedger] = WeakKeyDictionary()


def set_feed_ledger(crawler: Crawler, ledger: FeedLedger | None) -> None:
    if ledger is None:
        _LEDGERS.pop(crawler, None)
    else:
        _LEDGERS[crawler] = ledger


def feed_ledger(crawler: Crawler | None) -> FeedLedger | None:
    return _LEDGERS.get(crawler) if crawler is not None else None


_BEFORE_PUBLISH: WeakKeyDictionary[Crawler, list[Callable[[], None]]] = WeakKeyDictionary()


def add_before_publish(crawler: Crawler, publish: Callable[[], None]) -> None:
    """Have ``publish`` run before any feed of the crawl is published: files the records point
    to (the web archive, :mod:`newscrawl.archive`) are published before the records are."""
    _BEFORE_PUBLISH.setdefault(crawler, []).append(publish)


def _publish_first(crawler: Crawler | None) -> None:
    for publish in _BEFORE_PUBLISH.get(crawler, []) if crawler is not None else []:
        publish()


def part_path(final: Path) -> Path:
    return final.with_name(final.name + PART_SUFFIX)


def free_feed_path(wanted: Path) -> Path:
    """``wanted``, or ``wanted`` with ``-2``, ``-3``… before its suffixes when taken."""
    name = wanted.name
    stem, dot, suffix = name.partition(".")
    candidate = wanted
    counter = 1
    while candidate.exists() or part_path(candidate).exists():
        counter += 1
        candidate = wanted.with_name(f"{stem}-{counter}{dot}{suffix}")
    return candidate


def salvage_path(final: Path) -> Path:
    """Where the lines dropped from ``final`` (torn, or not JSON) are kept."""
    return final.with_name(final.name + SALVAGE_SUFFIX)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text_atomic(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` (UTF-8) in one step: a reader sees the old file or the
    new one, whole, never a part; a crash leaves at most ``target.tmp`` behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def finish_line_file(part: Path, final: Path) -> tuple[int, int]:
    """Publish a JSON Lines file a killed run left as ``part``: keep its complete JSON lines,
    move a torn last line and any line that is not JSON to ``final.salvage``, rename to
    ``final``. Returns (lines kept, lines salvaged)."""
    kept: list[bytes] = []
    salvage: list[bytes] = []
    for line in part.read_bytes().splitlines(keepends=True):
        if line.endswith(b"\n") and _is_json_object(line):
            kept.append(line)
        else:
            salvage.append(line if line.endswith(b"\n") else line + b"\n")
    if salvage:
        with salvage_path(final).open("ab") as out:
            out.writelines(salvage)
            out.flush()
            os.fsync(out.fileno())
        tmp = part.with_name(part.name + ".tmp")
        with tmp.open("wb") as out:
            out.writelines(kept)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, part)
    os.replace(part, final)
    fsync_dir(final.parent)
    return len(kept), len(salvage)


def append_part(part: Path, final: Path, at: int) -> None:
    """Append ``part`` to ``final`` as it was ``at`` bytes long, then remove ``part``.

    Cutting ``final`` back to ``at`` first makes this safe to repeat after a crash (``-o`` onto
    an existing file: Scrapy's append, done once the run's lines are whole)."""
    with final.open("r+b") as out, part.open("rb") as src:
        out.truncate(at)
        out.seek(at)
        while chunk := src.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    part.unlink()
    fsync_dir(final.parent)


def publish_part(final: Path, *, append_at: int | None, replace: bool) -> Path:
    """Give the whole lines of ``final``'s ``.part`` file their name; returns where they are.

    ``append_at``: append them to ``final`` as it was that long (``-o`` onto an existing file);
    else rename, onto ``final`` with ``replace`` (``-O``), or onto a free name beside it when
    ``final`` exists. A rename that fails raises :class:`FeedNotPublished`: the lines stay
    whole in the ``.part`` file."""
    target = final
    try:
        if append_at is not None and final.exists():
            append_part(part_path(final), final, append_at)
            return final
        if final.exists() and not replace:
            target = free_feed_path(final)
            logger.warning("%s exists; publishing the feed as %s", final, target)
        os.replace(part_path(final), target)  # onto a directory: IsADirectoryError
        fsync_dir(final.parent)
    except OSError as exc:
        raise FeedNotPublished(final, exc) from exc
    return target


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


class LineDurableFile(io.RawIOBase):
    """An unbuffered, create-only binary file: each ``write`` goes to the kernel whole."""

    def __init__(self, path: Path, fsync_every: int = 0) -> None:
        super().__init__()
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._fsync_every = fsync_every
        self._unsynced = 0

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._unsynced += 1
        if self._fsync_every and self._unsynced >= self._fsync_every:
            self.sync()
        return total

    def sync(self) -> None:
        os.fsync(self._fd)
        self._unsynced = 0

    def close(self) -> None:
        if not self.closed:
            try:
                self.sync()
                os.close(self._fd)
            finally:
                super().close()


class FeedFile(io.RawIOBase):
    """A feed's ``.part`` file that keeps only whole lines and counts the ones it could not write.

    A line that fails (disk full, I/O error) is cut back off the file, so the file never holds a
    partial line, and is counted in ``failed``; the crawl goes on (the next line may fit) and the
    run reports the loss (:mod:`newscrawl.output.delivery`). A file that cannot be created at
    all counts every line as failed. ``written`` counts the lines on disk.
    """

    def __init__(
        self, path: Path, fsync_every: int = 0, *, unusable: OSError | None = None
    ) -> None:
        """``unusable``: the folder could not be made, so the file is not even tried."""
        super().__init__()
        self.path = path
        self.written = 0
        self.failed = 0
        self.error: OSError | None = None
        self._file: LineDurableFile | None = None
        if unusable is not None:
            self._fail(unusable)
            return
        try:
            self._file = LineDurableFile(path, fsync_every)
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        if self.error is None:
            self.error = exc
            logger.error(
                "Cannot write the feed %s: %s; the lines it misses are counted", self.path, exc
            )

    @property
    def opened(self) -> bool:
        return self._file is not None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        total = len(memoryview(data).cast("B"))
        if self._file is None:
            self.failed += 1
            return total
        start = os.fstat(self._file.fileno()).st_size
        try:
            self._file.write(data)
        except OSError as exc:
            self.failed += 1
            self._fail(exc)
            try:
                os.ftruncate(self._file.fileno(), start)
            except OSError:
                logger.exception("Could not cut a partial line off %s", self.path)
            return total
        self.written += 1
        return total

    def close(self) -> None:
        if not self.closed:
            try:
                if self._file is not None:
                    self._file.close()
            finally:
                super().close()


class AtomicFileFeedStorage:
    """A ``FEED_STORAGES`` entry for local files: ``.part`` while written, renamed when whole."""

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        crawler: Crawler | None = None,
        fsync_every: int = 100,
    ) -> None:
        self.wanted = Path(file_uri_to_path(uri) if uri.startswith("file:") else uri)
        self.crawler = crawler
        self.fsync_every = fsync_every
        self.final: Path | None = None
        #: ``-O`` / ``overwrite``: the user asks for this very file, replaced.
        self.overwrite = bool(feed_options and feed_options.get("overwrite"))
        #: ``-o``: the user asks for this very file, appended to (Scrapy's meaning).
        self.append = (
            not self.overwrite
            and crawler is not None
            and crawler.settings.getpriority("FEEDS") == SETTINGS_PRIORITIES["cmdline"]
        )
        self.format = (feed_options or {}).get("format")
        # FeedExporter hands every batch of one feed the same options: they identify the feed.
        self.feed_key = id(feed_options)
        self.ledger: FeedLedger | None = None
        #: The file this storage writes (its counts say how many lines reached the disk).
        self.file: FeedFile | None = None
        self.append_at: int | None = None
        #: The feed's lines are whole in its ``.part`` file, which could not take its name.
        self.unpublished: FeedNotPublished | None = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> Self:
        return cls(
            uri,
            feed_options=feed_options,
            crawler=crawler,
            fsync_every=crawl_settings(crawler.settings).feed_fsync_every,
        )

    def open(self, spider: Spider) -> IO[bytes]:
        ledger = feed_ledger(self.crawler)
        if ledger is not None and self.format in JSON_LINES and ledger.claims(self.feed_key):
            # The state learns from this feed's lines; other feeds (a second copy, CSV, XML)
            # are only written atomically.
            self.ledger = ledger
        try:
            self.wanted.parent.mkdir(parents=True, exist_ok=True)
            keep = self.overwrite or self.append
            self.final = self.wanted if keep else free_feed_path(self.wanted)
            append_at = self.final.stat().st_size if self.append and self.final.exists() else None
        except OSError as exc:
            # Nothing reaches this feed: every line is counted as not written.
            self.file = FeedFile(part_path(self.wanted), unusable=exc)
            return self.file  # type: ignore[return-value]
        if self.final != self.wanted:
            # The run settled a free name for all its files (newscrawl.output.runfiles);
            # another process took it since.
            logger.warning(
                "%s was taken meanwhile: the feed is %s; the run's other files keep the name %s",
                self.wanted,
                self.final,
                self.wanted.name,
            )
        self.append_at = append_at
        if self.ledger is not None:
            self.ledger.register_feed(self.final, append_at)
        self.file = FeedFile(part_path(self.final), self.fsync_every)
        return self.file  # type: ignore[return-value]

    def store(self, file: IO[bytes]) -> None:
        file.close()
        _publish_first(self.crawler)
        if self.final is None:
            return  # never opened: nothing to publish
        try:
            self._publish(self.final)
        except FeedNotPublished as exc:
            self.unpublished = exc
            raise

    def _publish(self, final: Path) -> None:
        if self.ledger is not None:
            self.final = self.ledger.publish_feed(final, self.overwrite)
            return
        if self.file is not None and not self.file.opened:
            return
        self.final = publish_part(final, append_at=self.append_at if self.append else None,
                                  replace=self.overwrite)  # fmt: skip


class CsvItemExporter(scrapy.exporters.CsvItemExporter):
    """Scrapy's CSV exporter, with lists and nested objects (``authors``, ``tags``,
    ``main_image``, ``images``, ``video``, ``related``) written as JSON in their cell, so that
    they read back whole; Scrapy's joins lists with commas and writes dicts as Python reprs."""

    def _join_if_needed(self, value: Any) -> Any:
        if isinstance(value, list | tuple | dict):
            return json.dumps(value, ensure_ascii=False)
        return value
