"""The job's published feeds and run files, read from disk.

A job's output directory holds ``almayadeen/{edition}/X.jsonl`` (a run's feed, published whole:
runs write ``X.jsonl.part`` and rename it), and beside it ``X.stats.json`` (the run's outcome),
``X.summary.json``, ``X.rejects.jl`` (rejected records, not articles) and, when the run judged
its own health, ``X.health.json``. Only ``*.jsonl`` files are feeds.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from newscrawl.dataset.schema import record_schema

#: Where a job's feeds are, below its output directory.
FEED_GLOB = "almayadeen/*/*.jsonl"
STATS_SUFFIX = ".stats.json"
HEALTH_SUFFIX = ".health.json"


class FeedError(ValueError):
    """A feed that cannot be read as records of the schema (the message names the file)."""


@dataclass(frozen=True)
class FeedFile:
    """One published feed: its path relative to the output directory, size and mtime."""

    path: Path
    rel: str
    size: int
    mtime_ns: int

    @property
    def signature(self) -> dict[str, int]:
        return {"size": self.size, "mtime_ns": self.mtime_ns}


def find_feeds(output_dir: Path) -> list[FeedFile]:
    """Every published feed below ``output_dir``, oldest name first."""
    feeds = []
    for path in sorted(output_dir.glob(FEED_GLOB)):
        if not path.is_file():
            continue
        stat = path.stat()
        rel = path.relative_to(output_dir).as_posix()
        feeds.append(FeedFile(path, rel, stat.st_size, stat.st_mtime_ns))
    return feeds


def read_feed(path: Path) -> pa.Table:
    """Every line of a feed as one table of the record schema. A line that is not JSON, a field
    the schema does not know or a value of the wrong type fails with the file's name."""
    schema = record_schema()
    if path.stat().st_size == 0:
        return schema.empty_table()
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    try:
        table = pajson.read_json(path, parse_options=options)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        # Arrow counts rows within a block it parsed: the line is found here, by its number.
        raise FeedError(
            bad_line(path, options) or f"{path}: not a feed of the record schema: {exc}"
        ) from exc
    return table.select(schema.names).cast(schema)


#: Lines checked at once while looking for a bad one (then one by one within a failing block).
_BLOCK_LINES = 1000
_ARROW_ROW = re.compile(r"\s*in row \d+$")


def bad_line(path: Path, options: pajson.ParseOptions) -> str | None:
    """``path:N: what is wrong`` for the first line of the feed that is not a record of the
    schema (not JSON, torn, an unknown field, a value of the wrong type); ``None`` if none is."""
    with path.open("rb") as feed:
        block: list[bytes] = []
        first = 1
        for number, line in enumerate(feed, 1):
            if not line.endswith(b"\n"):
                return f"{path}:{number}: a torn last line (no line end): {line[:60]!r}..."
            try:
                json.loads(line)
            except ValueError as exc:
                return f"{path}:{number}: not JSON ({exc}): {line[:60]!r}..."
            block.append(line)
            if len(block) == _BLOCK_LINES:
                found = _bad_in_block(path, first, block, options)
                if found:
                    return found
                first, block = number + 1, []
        return _bad_in_block(path, first, block, options) if block else None


def _bad_in_block(
    path: Path, first: int, block: list[bytes], options: pajson.ParseOptions
) -> str | None:
    def error(lines: list[bytes]) -> str | None:
        try:
            pajson.read_json(io.BytesIO(b"".join(lines)), parse_options=options)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            return _ARROW_ROW.sub("", str(exc))
        return None

    if error(block) is None:
        return None
    for offset, line in enumerate(block):
        problem = error([line])
        if problem is not None:
            return f"{path}:{first + offset}: not a record of the schema: {problem}"
    return None


def filled(column: pa.ChunkedArray) -> int:
    """How many values of a column are known: not null, not an empty list or string."""
    kind = column.type
    if pa.types.is_list(kind):
        mask = pc.greater(pc.list_value_length(column), 0)
    elif pa.types.is_string(kind):
        mask = pc.greater(pc.utf8_length(column), 0)
    else:
        mask = pc.is_valid(column)
    return int(pc.sum(mask).as_py() or 0)  # nulls are not counted


def coverage(table: pa.Table) -> dict[str, int]:
    """For each field, the number of records that fill it."""
    return {name: filled(table.column(name)) for name in table.column_names}


@dataclass
class RunFiles:
    """One run as its files tell it: the stats (``X.stats.json``) and, when written, the health
    verdict (``X.health.json``)."""

    stem: str
    edition: str
    stats: dict[str, Any]
    health: dict[str, Any] | None

    @property
    def started_at(self) -> str:
        return str(self.stats.get("started_at") or self.stem)

    @property
    def healthy(self) -> bool | None:
        """The run's verdict: its health file's ``healthy`` when it has one, else whether its
        stats say it finished with no error; ``None`` when neither tells."""
        if self.health is not None:
            verdict = self.health.get("healthy")
            return verdict if isinstance(verdict, bool) else None
        if not self.stats:
            return None
        return self.stats.get("finish_reason") == "finished" and not self.stats.get("errors")

    @property
    def failed_checks(self) -> list[str]:
        """The names of the health checks that failed (``checks``: ``{"name", "ok", ...}``)."""
        checks = (self.health or {}).get("checks") or []
        return [str(c.get("name")) for c in checks if isinstance(c, dict) and c.get("ok") is False]


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON: {exc}") from exc
    return data if isinstance(data, dict) else None


def find_runs(output_dir: Path) -> list[RunFiles]:
    """Every run that left a stats file, in the order the runs started."""
    runs = []
    for stats_path in output_dir.glob(f"almayadeen/*/*{STATS_SUFFIX}"):
        stem = stats_path.name[: -len(STATS_SUFFIX)]
        stats = _load(stats_path) or {}
        health = _load(stats_path.with_name(stem + HEALTH_SUFFIX))
        runs.append(RunFiles(stem, stats_path.parent.name, stats, health))
    return sorted(runs, key=lambda run: (run.started_at, run.stem))
