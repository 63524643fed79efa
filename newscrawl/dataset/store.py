"""Where the dataset lives and how a build is committed.

    OUTPUT_DIR/dataset/
      manifest.json                               the commit point (see below)
      current/edition=en/month=2024-08/data.parquet   every article once, at its latest version
      history/edition=en/month=2024-08/data.parquet   every version of every article
      current.jsonl                               the current table as JSON Lines
      report.html                                 ``python -m newscrawl.dataset report``
      .lines/edition=en/month=2024-08.jsonl        a current partition as feed lines
      .staging/                                   a build's new files, before they are committed

A partition is one file, replaced whole by ``os.replace``: a reader sees the old file or the
new one, never part of one. A build writes every new file under ``.staging/`` (each
``fsync``-ed), then writes the new manifest, which lists the feeds read, the tables' row counts
and the renames still to do (``pending``). Writing the manifest (to a temporary file, renamed
over ``manifest.json``) is the commit point: a build killed before it leaves the dataset as it
was and its staging is discarded by the next build; a build killed after it has its renames
finished by the next build (or report) before anything else is done.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscrawl.output.feeds import fsync_dir, write_text_atomic

DATASET_DIR = "dataset"
TABLES = ("current", "history")
DATA_FILE = "data.parquet"
MANIFEST = "manifest.json"
JSONL = "current.jsonl"
REPORT = "report.html"
STAGING = ".staging"
#: Each current partition's records as feed lines, the pieces ``current.jsonl`` is made of.
LINES = ".lines"
LOCK = ".lock"
#: Bumped when the layout or the manifest changes meaning.
FORMAT = 1


class BuildLocked(RuntimeError):
    """Another build or report of the same dataset holds its lock."""


@dataclass(frozen=True)
class Layout:
    """The paths of one job's dataset."""

    output_dir: Path

    @property
    def root(self) -> Path:
        return self.output_dir / DATASET_DIR

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def staging(self) -> Path:
        return self.root / STAGING

    @property
    def jsonl(self) -> Path:
        return self.root / JSONL

    @property
    def report(self) -> Path:
        return self.root / REPORT

    def lines(self, partition: str) -> Path:
        return self.root / LINES / f"{partition}.jsonl"

    def table(self, name: str) -> Path:
        return self.root / name

    def data_file(self, table: str, partition: str) -> Path:
        return self.root / table / partition / DATA_FILE

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@dataclass
class Manifest:
    """What the dataset holds: the feeds read (path → size, mtime, records, field coverage),
    each table's rows by partition, and the renames a commit has still to do."""

    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, dict[str, int]] = field(default_factory=lambda: {t: {} for t in TABLES})
    schema: str = ""
    built_at: str | None = None
    pending: dict[str, list[Any]] = field(default_factory=dict)

    def rows(self, table: str) -> int:
        return sum(self.tables.get(table, {}).values())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema": self.schema,
            "built_at": self.built_at,
            "rows": {table: self.rows(table) for table in TABLES},
            "tables": self.tables,
            "feeds": self.feeds,
            "pending": self.pending,
        }

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        if data.get("format") != FORMAT:
            return cls()  # another layout: built again from the feeds
        return cls(
            feeds=data["feeds"],
            tables={t: dict(data["tables"].get(t, {})) for t in TABLES},
            schema=data.get("schema", ""),
            built_at=data.get("built_at"),
            pending=data.get("pending") or {},
        )

    def save(self, path: Path) -> None:
        write_text_atomic(path, json.dumps(self.to_json(), indent=1, sort_keys=True))


def fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """Hold the dataset's lock (``flock``; the kernel drops it when the holder dies)."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with (layout.root / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"another build of {layout.root} is running; try again when it has finished"
            ) from None
        yield


def roll_forward(layout: Layout, manifest: Manifest) -> None:
    """Finish a committed build's renames and removals (each done at most once), then clear
    ``pending`` and the staging folder."""
    if manifest.pending:
        for staged, final in manifest.pending.get("replace", []):
            source, target = layout.root / staged, layout.root / final
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                fsync_dir(target.parent)
        for final in manifest.pending.get("remove", []):
            target = layout.root / final
            target.unlink(missing_ok=True)
            for parent in (target.parent, target.parent.parent):
                with contextlib.suppress(OSError):  # not empty: another partition lives there
                    parent.rmdir()
        manifest.pending = {}
        manifest.save(layout.manifest)
    shutil.rmtree(layout.staging, ignore_errors=True)


def open_table(output_dir: Path, name: str) -> Any:
    """A pyarrow dataset over one table's partitions (``edition`` and ``month`` from the paths),
    after finishing a committed build's renames if one was interrupted."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    layout = Layout(output_dir)
    if not layout.manifest.exists():
        raise FileNotFoundError(
            f"no dataset in {layout.root}: run `python -m newscrawl.dataset build`"
        )
    if Manifest.load(layout.manifest).pending:
        # A build was killed after its commit: finish its renames, unless a build running now
        # holds the lock (it finishes them first).
        with contextlib.suppress(BuildLocked), locked(layout):
            roll_forward(layout, Manifest.load(layout.manifest))
    keys = pa.schema([("edition", pa.string()), ("month", pa.string())])
    if not layout.table(name).exists():
        return None
    return ds.dataset(
        layout.table(name), format="parquet", partitioning=ds.partitioning(keys, flavor="hive")
    )
