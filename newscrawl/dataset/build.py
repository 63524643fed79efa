"""Build the dataset from a job's feeds: incremental, atomic, idempotent.

Only feeds the manifest does not list (or lists with another size or mtime) are read. Their
records are split by partition into a spool under ``.staging/``; then each partition they touch
is merged with the partition already there and written whole:

- history: every ``(url, version)`` once (a version already held is not added again);
- current: per ``url`` the record with the highest ``version``, a tie going to the latest
  ``crawled_at`` (and then to the record already held). An article whose new version moved to
  another month leaves its old partition.

Merging is idempotent, so reading a feed twice (after a build killed before its commit) gives the
same tables as reading it once. See ``store`` for the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newscrawl.dataset.feeds import FeedFile, coverage, find_feeds, read_feed
from newscrawl.dataset.schema import (
    CRAWLED_AT,
    KEY,
    VERSION,
    file_schema,
    partition_values,
    partitions,
    record_schema,
)
from newscrawl.dataset.store import (
    DATA_FILE,
    LINES,
    Layout,
    Manifest,
    fsync_file,
    locked,
    roll_forward,
)

#: Rows per JSON Lines batch and per Parquet row group.
BATCH_ROWS = 2000
#: New records held in memory (Arrow bytes) before the spool goes to disk.
SPOOL_MEMORY = 128 * 1024 * 1024
#: ``(version, crawled_at as epoch seconds, -1 when unknown)``: the larger wins.
Rank = tuple[int, int]


@dataclass
class BuildResult:
    feeds_read: int
    records_read: int
    current_rows: int
    history_rows: int
    partitions_written: int
    seconds: float

    @property
    def changed(self) -> bool:
        return self.feeds_read > 0

    def summary(self) -> str:
        if not self.changed:
            return (
                f"dataset up to date: no new feeds; {self.current_rows} articles, "
                f"{self.history_rows} versions"
            )
        return (
            f"dataset built: {self.feeds_read} feeds read ({self.records_read} records), "
            f"{self.partitions_written} partition files written; {self.current_rows} articles, "
            f"{self.history_rows} versions; {self.seconds:.1f} s"
        )


def schema_id() -> str:
    return hashlib.sha256(file_schema().to_string().encode("utf-8")).hexdigest()[:16]


def ranks(table: pa.Table) -> Iterator[tuple[str, Rank]]:
    seconds = pc.cast(table.column(CRAWLED_AT), file_schema().field(CRAWLED_AT).type)
    crawled = pc.coalesce(pc.cast(seconds, pa.int64()), pa.scalar(-1))
    urls = table.column(KEY).to_pylist()
    versions = table.column(VERSION).to_pylist()
    yield from zip(urls, zip(versions, crawled.to_pylist(), strict=True), strict=True)


def first_of_each(table: pa.Table, keys: Iterable[tuple[object, ...]]) -> pa.Table:
    """The rows of ``table`` whose key (one per row, in row order) is seen for the first time."""
    seen: set[tuple[object, ...]] = set()
    keep = []
    for index, key in enumerate(keys):
        if key not in seen:
            seen.add(key)
            keep.append(index)
    return table if len(keep) == table.num_rows else table.take(pa.array(keep, pa.int64()))


def read_part(path: Path) -> pa.Table:
    """A partition file in the file schema (Parquet keeps seconds as milliseconds)."""
    return pq.read_table(path).cast(file_schema())


def sort_rows(table: pa.Table) -> pa.Table:
    return table.sort_by([(KEY, "ascending"), (VERSION, "ascending")])


class Spool:
    """The new records, split by partition: kept in memory up to ``memory`` bytes, then written
    to Parquet files under the staging folder; the rank of every record is kept in memory (to
    choose the current versions)."""

    def __init__(self, folder: Path, memory: int = SPOOL_MEMORY) -> None:
        self.folder = folder
        self.memory = memory
        self.held = 0
        self.pieces: dict[str, list[pa.Table | Path]] = defaultdict(list)
        self.ranks: dict[str, dict[str, Rank]] = defaultdict(dict)

    @property
    def partitions(self) -> list[str]:
        return sorted(self.pieces)

    def add(self, table: pa.Table) -> None:
        where = partitions(table)
        for part in sorted(pc.unique(where).to_pylist()):
            rows = table.filter(pc.equal(where, part)).select(file_schema().names)
            self.pieces[part].append(rows)
            self.held += rows.nbytes
            best = self.ranks[part]
            for url, rank in ranks(rows):
                if url not in best or rank > best[url]:
                    best[url] = rank
        if self.held > self.memory:
            self.spill()

    def spill(self) -> None:
        """Write every piece held in memory to its file."""
        for part, pieces in self.pieces.items():
            for index, piece in enumerate(pieces):
                if isinstance(piece, pa.Table):
                    path = self.folder / part / f"{index:05d}.parquet"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    pq.write_table(piece, path)
                    pieces[index] = path
        self.held = 0

    def read(self, part: str) -> pa.Table:
        return pa.concat_tables(
            [piece if isinstance(piece, pa.Table) else read_part(piece)
             for piece in self.pieces[part]]
        )  # fmt: skip


class Builder:
    def __init__(self, output_dir: Path) -> None:
        self.layout = Layout(output_dir)
        self.output_dir = output_dir

    def run(self) -> BuildResult:
        started = time.monotonic()
        with locked(self.layout):
            manifest = Manifest.load(self.layout.manifest)
            roll_forward(self.layout, manifest)
            #: What the dataset holds now (``manifest`` becomes the next one).
            self.committed = Manifest.load(self.layout.manifest)
            fresh = manifest.schema != schema_id()
            if fresh:  # a new layout or record schema: built again from every feed
                old_parts = {t: list(parts) for t, parts in manifest.tables.items()}
                manifest = Manifest(schema=schema_id())
            else:
                old_parts = {}
            todo = [feed for feed in find_feeds(self.output_dir) if self._unread(manifest, feed)]
            if not todo and not fresh:
                return BuildResult(
                    0, 0, manifest.rows("current"), manifest.rows("history"), 0,
                    time.monotonic() - started,
                )  # fmt: skip
            result = self._build(manifest, todo, old_parts)
            result.seconds = time.monotonic() - started
            return result

    @staticmethod
    def _unread(manifest: Manifest, feed: FeedFile) -> bool:
        entry = manifest.feeds.get(feed.rel)
        return entry is None or any(entry.get(k) != v for k, v in feed.signature.items())

    def _build(
        self, manifest: Manifest, todo: list[FeedFile], old_parts: dict[str, list[str]]
    ) -> BuildResult:
        layout = self.layout
        layout.staging.mkdir(parents=True)
        spool = Spool(layout.staging / "spool")
        records = 0
        for feed in todo:
            table = read_feed(feed.path)
            records += table.num_rows
            editions = pc.unique(table.column("edition")).to_pylist()
            manifest.feeds[feed.rel] = {
                **feed.signature,
                "records": table.num_rows,
                "editions": sorted(e for e in editions if e),
                "coverage": coverage(table),
            }
            spool.add(table)
            del table

        replace: list[tuple[str, str]] = []
        for part in spool.partitions:
            merged = self._merge_history(part, spool.read(part))
            if merged is not None:
                replace.append(self._stage("history", part, merged))
                manifest.tables["history"][part] = merged.num_rows
            del merged
        emptied = []
        for part, table in self._merge_current(spool):
            if table is None:
                emptied.append(part)
                manifest.tables["current"].pop(part, None)
            else:
                replace.append(self._stage("current", part, table))
                replace.append(self._stage_lines(part, table))
                manifest.tables["current"][part] = table.num_rows
            del table

        gone = [(name, part) for name, parts in old_parts.items() for part in parts
                if part not in manifest.tables.get(name, {})]  # fmt: skip
        remove = []
        for name, part in gone + [("current", part) for part in emptied]:
            remove.append(layout.rel(layout.data_file(name, part)))
            if name == "current":
                remove.append(layout.rel(layout.lines(part)))
        staged_jsonl = layout.staging / "current.jsonl"
        replace += self._write_jsonl(staged_jsonl, manifest)
        replace.append((layout.rel(staged_jsonl), layout.rel(layout.jsonl)))

        manifest.built_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        manifest.pending = {"replace": replace, "remove": remove}
        manifest.save(layout.manifest)  # the commit point
        roll_forward(layout, manifest)
        return BuildResult(
            feeds_read=len(todo),
            records_read=records,
            current_rows=manifest.rows("current"),
            history_rows=manifest.rows("history"),
            partitions_written=sum(final.endswith(DATA_FILE) for _, final in replace),
            seconds=0.0,
        )

    def _merge_history(self, part: str, new: pa.Table) -> pa.Table | None:
        """The partition with the new versions added, or ``None`` when it holds them all."""
        existing = self._held("history", part)
        combined = new if existing is None else pa.concat_tables([existing, new])
        merged = first_of_each(combined, ((u, v) for u, (v, _) in ranks(combined)))
        if existing is not None and merged.num_rows == existing.num_rows:
            return None
        return sort_rows(merged)

    def _held(self, table: str, part: str) -> pa.Table | None:
        """A partition as the dataset holds it (``None``: not held, or of another schema)."""
        held = self.committed
        if part not in held.tables.get(table, {}) or held.schema != schema_id():
            return None
        return read_part(self.layout.data_file(table, part))

    def _current_index(self) -> dict[str, tuple[Rank, str]]:
        """Every article of the current table: its rank and partition."""
        held = self.committed
        index: dict[str, tuple[Rank, str]] = {}
        if held.schema != schema_id():
            return index
        for part in held.tables.get("current", {}):
            path = self.layout.data_file("current", part)
            keys = pq.read_table(path, columns=[KEY, VERSION, CRAWLED_AT])
            for url, rank in ranks(keys):
                index[url] = (rank, part)
        return index

    def _merge_current(self, spool: Spool) -> Iterator[tuple[str, pa.Table | None]]:
        """Each current partition the new records change, with its new rows, one partition at a
        time (``None``: it is now empty)."""
        index = self._current_index()
        winners: dict[str, tuple[Rank, str]] = {}
        for part, best in spool.ranks.items():
            for url, rank in best.items():
                if url not in winners or rank > winners[url][0]:
                    winners[url] = (rank, part)
        drop: dict[str, set[str]] = defaultdict(set)
        add: dict[str, dict[str, Rank]] = defaultdict(dict)
        for url, (rank, part) in winners.items():
            held = index.get(url)
            if held is not None and held[0] >= rank:
                continue  # the table holds this version (or a later one) already
            if held is not None:
                drop[held[1]].add(url)
            add[part][url] = rank
        for part in sorted(set(drop) | set(add)):
            pieces = []
            existing = self._held("current", part)
            if existing is not None:
                gone = drop[part] | set(add[part])
                mask = pc.invert(
                    pc.is_in(existing.column(KEY), pa.array(sorted(gone), pa.string()))
                )
                pieces.append(existing.filter(mask))
            if add[part]:
                new = spool.read(part)
                wanted = add[part]
                keep = [i for i, (url, rank) in enumerate(ranks(new)) if wanted.get(url) == rank]
                chosen = new.take(pa.array(keep, pa.int64()))
                pieces.append(first_of_each(chosen, ((u,) for u in chosen.column(KEY).to_pylist())))
            table = pa.concat_tables(pieces) if pieces else None
            yield part, sort_rows(table) if table is not None and table.num_rows else None

    def _stage(self, table: str, part: str, rows: pa.Table) -> tuple[str, str]:
        staged = self.layout.staging / table / part / DATA_FILE
        staged.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            rows.cast(file_schema()), staged, row_group_size=BATCH_ROWS * 10, compression="zstd"
        )
        fsync_file(staged)
        return self.layout.rel(staged), self.layout.rel(self.layout.data_file(table, part))

    def _stage_lines(self, part: str, rows: pa.Table) -> tuple[str, str]:
        """The partition's records as feed lines, kept beside the tables (in ``.lines/``) so that
        ``current.jsonl`` is rebuilt by copying the partitions a build did not change."""
        staged = self.layout.staging / LINES / f"{part}.jsonl"
        staged.parent.mkdir(parents=True, exist_ok=True)
        with staged.open("w", encoding="utf-8") as out:
            out.writelines(jsonl_lines(rows, partition_values(part)[0]))
            out.flush()
            os.fsync(out.fileno())
        return self.layout.rel(staged), self.layout.rel(self.layout.lines(part))

    def _write_jsonl(self, path: Path, manifest: Manifest) -> list[tuple[str, str]]:
        """``current.jsonl``: each partition's lines (staged ones first) one after the other; the
        lines of a partition that has none yet are written (and staged) from its Parquet file."""
        staged_lines: list[tuple[str, str]] = []
        with path.open("wb") as out:
            for part in sorted(manifest.tables["current"]):
                source = self.layout.staging / LINES / f"{part}.jsonl"
                if not source.exists() and self.layout.lines(part).exists():
                    source = self.layout.lines(part)
                if not source.exists():
                    rows = read_part(self.layout.data_file("current", part))
                    staged_lines.append(self._stage_lines(part, rows))
                with source.open("rb") as lines:
                    shutil.copyfileobj(lines, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        return staged_lines


def jsonl_lines(rows: pa.Table, edition: str | None) -> Iterator[str]:
    """Each row of a partition as one feed line."""
    schema = record_schema()
    table = rows.append_column("edition", pa.array([edition] * rows.num_rows, pa.string()))
    columns = []
    for name in schema.names:
        column = table.column(name)
        if pa.types.is_timestamp(column.type):
            column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%SZ")
        columns.append(column)
    table = pa.Table.from_arrays(columns, names=schema.names)
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        for record in batch.to_pylist():
            yield json.dumps(record, ensure_ascii=False) + "\n"


def build(output_dir: Path) -> BuildResult:
    """Bring ``output_dir/dataset`` up to date with the feeds below ``output_dir``."""
    return Builder(output_dir).run()
