"""Crawl state that persists between runs: one SQLite file in the state directory.

What the state holds, per article: its canonical URL, the fingerprint and modified time of the
last version written to a feed, that version's number, and when the article was first and last
seen. Besides: the feed files runs have written (so a killed run's feed is found and finished),
the runs themselves (the high-water mark of the last complete one) and the sitemap ``lastmod``
values a complete run has read.

The state is only ever advanced from feed lines that are already on disk (see
:mod:`newscrawl.state.reconcile`): it is never ahead of the feeds.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newscrawl.dates import parse_iso
from newscrawl.output.feeds import part_path

DB_FILENAME = "crawl-state.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url           TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    date_modified TEXT,
    date_published TEXT,
    version       INTEGER NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    post_id       TEXT
);
CREATE INDEX IF NOT EXISTS articles_post_id ON articles (post_id);
CREATE TABLE IF NOT EXISTS feeds (
    path       TEXT PRIMARY KEY,   -- the final name (".jsonl"); the run writes path + ".part"
    run_id     INTEGER,
    status     TEXT NOT NULL,      -- open -> absorbed -> published
    lines      INTEGER,
    append_at  INTEGER,            -- -o onto an existing file: its size before this run's lines
    opened_at  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    mode          TEXT NOT NULL,
    pid           INTEGER,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    finish_reason TEXT,
    high_water    TEXT             -- newest article date known when the run completed
);
CREATE TABLE IF NOT EXISTS sitemaps (
    url     TEXT PRIMARY KEY,
    lastmod TEXT NOT NULL
);
"""


class StateError(RuntimeError):
    """The state directory holds no usable state (none at all, or a corrupt one)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class NoState(StateError):
    pass


class CorruptState(StateError):
    def advice(self, feeds: Path | str) -> str:
        """The one message for a corrupt state: what is wrong and the command that repairs it."""
        return (
            f"The crawl state {self.path} is corrupt: {self.problem}. Rebuild it from the feeds "
            f"on disk (the corrupt file is moved aside): python -m newscrawl.state rebuild "
            f"{feeds} --state-dir {self.path.parent}"
        )


class StateNotWritable(StateError):
    """The state directory (or its file) cannot be written: a read-only file system or no
    permission. A run of the job needs it; reading it (``state show``) does not."""

    def __init__(self, path: Path, error: OSError | str) -> None:
        reason = error.strerror or str(error) if isinstance(error, OSError) else error
        directory = path if path.is_dir() else path.parent
        super().__init__(path, f"cannot be written ({reason})")
        self.reason = reason
        self.args = (
            f"The crawl state {path} cannot be written ({reason}). A run of the job keeps its "
            f"lock and crawl state in {directory}: make it writable, point NEWSCRAWL_STATE_DIR "
            "at a writable directory, or export the crawl with -O FILE.jsonl (an export keeps "
            "no state)",
        )


#: The errors of a file system that is read-only, or of a file or folder we may not write.
NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def set_aside(path: Path) -> Path:
    """Move a corrupt state file (and its WAL and shared-memory files) aside; returns where."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            source.rename(aside.with_name(aside.name + suffix))
    return aside


def utc_iso(moment: datetime) -> str:
    """A moment as the state writes it (``YYYY-MM-DDTHH:MM:SSZ``, which sorts as it reads)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> str:
    return utc_iso(datetime.now(UTC))


@dataclass(frozen=True)
class ArticleState:
    url: str
    fingerprint: str
    date_modified: str | None
    date_published: str | None
    version: int
    first_seen: str
    last_seen: str
    post_id: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    path: Path
    run_id: int | None
    status: str
    lines: int | None
    append_at: int | None = None

    @property
    def part_path(self) -> Path:
        return part_path(self.path)


class CrawlState:
    """The SQLite state of one job. Not thread-safe; one instance per process."""

    def __init__(
        self, state_dir: Path | str, *, create: bool = True, read_only: bool = False
    ) -> None:
        """Open the state in ``state_dir``; ``create``: start an empty one if there is none
        (else :class:`NoState`). A file SQLite cannot read raises :class:`CorruptState`, a
        directory or file that cannot be written :class:`StateNotWritable`.

        ``read_only``: only read it (``state show``), which works on a read-only file system
        too; nothing is created or changed."""
        self.dir = Path(state_dir)
        self.path = self.dir / DB_FILENAME
        if (read_only or not create) and not self.path.is_file():
            raise NoState(self.path, "there is no crawl state here")
        if read_only:
            self._db = _connect_read_only(self.path)
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if exc.errno in NOT_WRITABLE:
                raise StateNotWritable(self.dir, exc) from None
            raise
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise StateNotWritable(self.path, os.strerror(errno.EACCES))
        self._db = sqlite3.connect(self.path, isolation_level=None)
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            check = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(feeds)")}
            if "append_at" not in columns:  # a state written before feeds could be appended to
                self._db.execute("ALTER TABLE feeds ADD COLUMN append_at INTEGER")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if _cannot_write(self.dir, exc):
                raise StateNotWritable(self.path, str(exc)) from None
            raise CorruptState(self.path, f"not a readable SQLite database ({exc})") from None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- articles ---------------------------------------------------------------------------

    def article(self, url: str) -> ArticleState | None:
        row = self._db.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        return ArticleState(**dict(row)) if row else None

    def articles(self) -> dict[str, ArticleState]:
        """Every known article by URL, loaded whole (for tools and tests; a run looks articles
        up one by one through :meth:`known`)."""
        rows = self._db.execute("SELECT * FROM articles").fetchall()
        return {row["url"]: ArticleState(**dict(row)) for row in rows}

    def known(self) -> KnownArticles:
        """The known articles as a mapping that reads each from the database when asked."""
        return KnownArticles(self._db)

    def article_count(self) -> int:
        count: int = self._db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return count

    def absorb(
        self, db: sqlite3.Connection, record: Mapping[str, Any], feed: Path | None = None
    ) -> bool:
        """Advance the article to ``record``'s version if it is newer; inside a transaction.

        Returns whether the state changed. A version at or below the known one is a duplicate.
        ``feed`` (the feed holding the record) matters to the shared state only
        (:mod:`newscrawl.state.redis_store`).
        """
        url = record["url"]
        version = int(record["version"])
        seen = record.get("crawled_at") or utc_now()
        row = db.execute("SELECT version FROM articles WHERE url = ?", (url,)).fetchone()
        if row is not None and row["version"] >= version:
            return False
        db.execute(
            """
            INSERT INTO articles (url, fingerprint, date_modified, date_published, version,
                                  first_seen, last_seen, post_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(url) DO UPDATE SET
                fingerprint = excluded.fingerprint, date_modified = excluded.date_modified,
                date_published = excluded.date_published, version = excluded.version,
                last_seen = max(articles.last_seen, excluded.last_seen),
                post_id = coalesce(excluded.post_id, articles.post_id)
            """,
            (
                url,
                record["fingerprint"],
                record.get("date_modified"),
                record.get("date_published"),
                version,
                seen,
                seen,
                record.get("post_id"),
            ),
        )
        return True

    def touch_where(self, seen_now: Callable[[str], bool], batch: int = 5000) -> int:
        """Mark as seen now the known articles whose URL ``seen_now`` accepts; how many.

        For a run that remembers what it saw as URL hashes, not URLs: one pass over the
        table, touching in batches (memory stays bounded whatever the archive's size).
        """
        ids = array("q")
        for rowid, url in self._db.execute("SELECT rowid, url FROM articles"):
            if seen_now(url):
                ids.append(rowid)
        seen = utc_now()
        for start in range(0, len(ids), batch):
            with self.transaction() as db:
                db.executemany(
                    "UPDATE articles SET last_seen = max(last_seen, ?) WHERE rowid = ?",
                    ((seen, rowid) for rowid in ids[start : start + batch]),
                )
        return len(ids)

    def touch(self, urls: Iterable[str], seen: str | None = None) -> None:
        """Mark known articles as seen now (their content unchanged)."""
        seen = seen or utc_now()
        with self.transaction() as db:
            db.executemany(
                "UPDATE articles SET last_seen = max(last_seen, ?) WHERE url = ?",
                ((seen, url) for url in urls),
            )

    def newest_article_date(self) -> str | None:
        """The newest publication date known (listing cards show publication dates)."""
        value: str | None = self._db.execute(
            "SELECT max(coalesce(date_published, date_modified)) FROM articles"
        ).fetchone()[0]
        return value

    def published_within(self, days: float) -> list[tuple[str, str]]:
        """``(url, date_published)`` of the articles published in the ``days`` before the
        newest one, oldest first: the job's recent publishing rhythm."""
        newest = self._db.execute("SELECT max(date_published) FROM articles").fetchone()[0]
        moment = parse_iso(newest)
        if moment is None:
            return []
        since = utc_iso(moment - timedelta(days=days))
        rows = self._db.execute(
            "SELECT url, date_published FROM articles WHERE date_published >= ? "
            "ORDER BY date_published",
            (since,),
        )
        return [(url, published) for url, published in rows]

    def last_new_seen(self) -> str | None:
        """When the job first saw the article it saw last (``first_seen``): its last new one."""
        value: str | None = self._db.execute("SELECT max(first_seen) FROM articles").fetchone()[0]
        return value

    # -- feeds -------------------------------------------------------------------------------

    def register_feed(self, path: Path, run_id: int | None, append_at: int | None = None) -> None:
        """Record a feed file before its first line is written, so a crash cannot hide it.

        ``append_at``: the run appends to the existing file ``path``, then that many bytes long.
        """
        now = utc_now()
        with self.transaction() as db:
            # A path is registered again only when a feed is overwritten (-O) or appended to
            # (-o) on purpose.
            db.execute(
                "INSERT INTO feeds (path, run_id, status, append_at, opened_at, updated_at) "
                "VALUES (?, ?, 'open', ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                "run_id = excluded.run_id, status = 'open', lines = NULL, "
                "append_at = excluded.append_at, "
                "opened_at = excluded.opened_at, updated_at = excluded.updated_at",
                (str(path), run_id, append_at, now, now),
            )

    def move_feed(self, db: sqlite3.Connection, path: Path, new_path: Path) -> None:
        db.execute("UPDATE feeds SET path = ? WHERE path = ?", (str(new_path), str(path)))

    def set_feed_status(
        self, db: sqlite3.Connection, path: Path, status: str, lines: int | None = None
    ) -> None:
        db.execute(
            "UPDATE feeds SET status = ?, lines = coalesce(?, lines), updated_at = ? "
            "WHERE path = ?",
            (status, lines, utc_now(), str(path)),
        )

    def feed(self, path: Path) -> FeedEntry | None:
        row = self._db.execute("SELECT * FROM feeds WHERE path = ?", (str(path),)).fetchone()
        return _feed_entry(row) if row else None

    def feeds(self, *, unfinished: bool = False) -> list[FeedEntry]:
        query = "SELECT * FROM feeds"
        if unfinished:
            query += " WHERE status != 'published'"
        rows = self._db.execute(query + " ORDER BY opened_at, path").fetchall()
        return [_feed_entry(row) for row in rows]

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, mode: str, pid: int) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (mode, pid, started_at) VALUES (?, ?, ?)",
                (mode, pid, utc_now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(
        self, run_id: int, reason: str, complete: bool, sitemaps: Mapping[str, str]
    ) -> None:
        """Close the run; a complete run also moves the high-water mark and the sitemap marks."""
        high_water = self.newest_article_date() if complete else None
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, finish_reason = ?, high_water = ? WHERE id = ?",
                (utc_now(), reason, high_water, run_id),
            )
            if complete:
                db.executemany(
                    "INSERT INTO sitemaps (url, lastmod) VALUES (?, ?) "
                    "ON CONFLICT(url) DO UPDATE SET lastmod = excluded.lastmod",
                    sitemaps.items(),
                )

    def high_water_mark(self) -> str | None:
        """The newest article date known at the end of the last complete run."""
        row = self._db.execute(
            "SELECT high_water FROM runs WHERE high_water IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def run_mode(self, run_id: int | None) -> str | None:
        """The mode of run ``run_id`` (``None`` for a feed no run wrote, e.g. one rebuilt)."""
        if run_id is None:
            return None
        row = self._db.execute("SELECT mode FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row[0] if row else None

    def runs(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._db.execute("SELECT * FROM runs ORDER BY id")]

    def sitemap_lastmods(self) -> dict[str, str]:
        rows = self._db.execute("SELECT url, lastmod FROM sitemaps").fetchall()
        return {row["url"]: row["lastmod"] for row in rows}


def _cannot_write(directory: Path, exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite failed for want of writing, not for a damaged file."""
    if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
        return True
    probe = directory / f".newscrawl-write-probe-{os.getpid()}"
    try:
        probe.touch()
    except OSError as error:
        return error.errno in NOT_WRITABLE
    probe.unlink()
    return False


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that only reads ``path``, even where nothing can be written beside it.

    SQLite reads a WAL database through its ``-shm`` file, which it must be able to create;
    in a directory that cannot be written, a database with no write-ahead log left over (every
    closed state) is read as immutable, which needs nothing beside it."""
    if not os.access(path, os.R_OK):
        raise StateError(path, f"cannot be read ({os.strerror(errno.EACCES)})")
    attempts = [f"{path.resolve().as_uri()}?mode=ro"]
    wal = path.with_name(path.name + "-wal")
    if not (wal.exists() and wal.stat().st_size):
        attempts.append(attempts[0] + "&immutable=1")
    error: sqlite3.DatabaseError | None = None
    for uri in attempts:
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            db.execute("SELECT 1 FROM articles LIMIT 1")
            return db
        except sqlite3.DatabaseError as exc:
            db.close()
            error = exc
            if "unable to open" not in str(exc):
                break  # not for want of the -shm file: the file itself is bad
    if error is not None and "unable to open" in str(error):
        raise StateError(
            path,
            f"cannot be read here ({error}): its write-ahead log {wal} holds changes that only "
            "a process able to write the directory can read; run the command where the "
            "directory is writable",
        )
    raise CorruptState(path, f"not a readable SQLite database ({error})")


class KnownArticles(Mapping[str, ArticleState]):
    """The articles table as a read-only mapping by URL, read row by row when asked: a run
    over an archive of any size holds none of it (lookups use the primary key, or the
    ``post_id`` index for :meth:`url_of_post`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __getitem__(self, url: str) -> ArticleState:
        row = self._db.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        if row is None:
            raise KeyError(url)
        return ArticleState(**dict(row))

    def __contains__(self, url: object) -> bool:
        if not isinstance(url, str):
            return False
        query = "SELECT 1 FROM articles WHERE url = ?"
        return self._db.execute(query, (url,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db.execute("SELECT url FROM articles"))

    def __len__(self) -> int:
        count: int = self._db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return count

    def prefetch(self, urls: Iterable[str]) -> None:
        """Lookups of ``urls`` are coming (one page's links): a store that pays a round trip a
        lookup reads them at once. SQLite is local: nothing to do."""

    def url_of_post(self, post_id: str) -> str | None:
        row = self._db.execute(
            "SELECT url FROM articles WHERE post_id = ? LIMIT 1", (post_id,)
        ).fetchone()
        return row[0] if row else None


def _feed_entry(row: sqlite3.Row) -> FeedEntry:
    return FeedEntry(
        path=Path(row["path"]),
        run_id=row["run_id"],
        status=row["status"],
        lines=row["lines"],
        append_at=row["append_at"],
    )
