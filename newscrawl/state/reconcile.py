"""Finishing a feed: from ``X.jsonl.part`` (being written) to ``X.jsonl`` (complete, in the state).

The same steps serve a run that closes cleanly and the start of a run after one that was killed:

1. ``open``: the run was writing ``X.jsonl.part``. Its complete lines are absorbed into the state
   in one transaction; a torn last line (the process died mid-write) and any line that is not
   JSON are moved to ``X.jsonl.salvage`` and dropped from the feed (the article is fetched again,
   since the state never learnt of it); a line whose version the state already holds is a
   duplicate and is dropped. The feed is then marked ``absorbed``, in the same transaction.
2. ``absorbed``: ``X.jsonl.part`` is renamed to ``X.jsonl`` (atomic), then marked ``published``.

A kill between any two steps leaves a status from which the next start resumes, and every step
is idempotent, so each version of each article ends up in exactly one published feed line.

A killed run's web archive (``X.00000.warc.gz.part``…, :mod:`newscrawl.archive`) is finished
before its feed is published: complete records kept, a torn last one cut off, renamed.

A killed run may also leave its rejects as ``X.rejects.jl.part`` beside its feed ``X.jsonl``:
the same start keeps its complete lines, moves a torn last line to ``X.rejects.jl.salvage`` and
renames it to ``X.rejects.jl``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from newscrawl.archive.warc import finish_warc_parts
from newscrawl.output.feeds import (
    FeedNotPublished,
    finish_line_file,
    fsync_dir,
    part_path,
    publish_part,
    salvage_path,
)
from newscrawl.output.runfiles import rejects_for
from newscrawl.state.store import CrawlState

logger = logging.getLogger(__name__)

#: Keys that make a feed line an article record the state tracks.
RECORD_KEYS = ("url", "fingerprint", "version")


@dataclass
class FeedReport:
    path: Path
    kept: int = 0
    absorbed: int = 0
    #: Of ``absorbed``, the lines of an article's first version.
    absorbed_new: int = 0
    duplicates: int = 0
    #: Lines of a full run that repeat the version the state holds (kept: a full run's feed is
    #: the whole crawl).
    repeated: int = 0
    salvaged: int = 0
    torn: bool = False
    recovered: bool = False  # finished on behalf of a run that did not close it
    #: Absorbed, but its ``.part`` file could not take its name (it stays ``absorbed``).
    unpublished: FeedNotPublished | None = None


def publish_feed(
    state: CrawlState, final: Path, *, recovered: bool = False, replace: bool = False
) -> FeedReport:
    """Absorb and publish one registered feed, resuming from whatever step it reached.

    A file that took the feed's name meanwhile is replaced only with ``replace`` (``-O``);
    otherwise the feed is published under a free name (``X-2.jsonl``), never lost. The feed of a
    ``full`` run keeps lines whose version the state already holds (it is the whole crawl); any
    other feed drops them as duplicates (a killed run's lines that a later feed also holds).
    """
    entry = state.feed(final)
    if entry is None:
        raise ValueError(f"{final} is not a feed registered in {state.path}")
    report = FeedReport(final, recovered=recovered)
    part = part_path(final)
    if entry.status == "open":
        full = state.run_mode(entry.run_id) == "full"
        _absorb(state, final, part, report, keep_known=full, appending=entry.append_at is not None)
        entry = state.feed(final)
        assert entry is not None
    if entry.status == "absorbed":
        target = final
        if part.exists():
            try:
                target = publish_part(final, append_at=entry.append_at, replace=replace)
            except FeedNotPublished as exc:
                report.unpublished = exc  # absorbed, whole in its .part: published next time
                report.path = exc.part
                return report
        with state.transaction() as db:
            state.set_feed_status(db, final, "published")
            if target != final:
                state.move_feed(db, final, target)
        report.path = target
    return report


def reconcile(state: CrawlState) -> list[FeedReport]:
    """Finish every feed a previous run left unfinished (run with the job's lock held).

    A killed run's web archive is finished first: a record in a published feed always points
    into a published WARC file."""
    finish_archives(state)
    reports = []
    for entry in state.feeds(unfinished=True):
        report = publish_feed(state, entry.path, recovered=True)
        if report.unpublished is not None:
            logger.error(
                "The feed of an interrupted run could not be published (%s); its lines stay "
                "whole in %s, known to the crawl state, and the next run tries again",
                report.unpublished,
                report.path,
            )
            reports.append(report)
            continue
        logger.warning(
            "Recovered feed of an interrupted run: %s (%d lines kept, %d duplicates dropped, "
            "%d lines salvaged%s)",
            report.path,
            report.kept,
            report.duplicates,
            report.salvaged,
            ", torn last line" if report.torn else "",
        )
        reports.append(report)
    finish_rejects(state)
    return reports


def killed_runs(state: CrawlState) -> set[Any]:
    """The ids of the runs that never finished (a new run has not started yet)."""
    return {run["id"] for run in state.runs() if run["finished_at"] is None}


def finish_archives(state: CrawlState) -> list[Path]:
    """Publish the WARC files that killed runs left as ``.part`` beside their feeds."""
    killed = killed_runs(state)
    finished: list[Path] = []
    for entry in state.feeds():
        if entry.run_id in killed:
            finished += finish_warc_parts(entry.path)
    return finished


def finish_rejects(state: CrawlState) -> list[Path]:
    """Publish the rejects files that killed runs left as ``.part`` beside their feeds."""
    killed = killed_runs(state)
    finished = []
    for entry in state.feeds():
        final = rejects_for(entry.path)
        part = part_path(final)
        if entry.run_id not in killed or not part.exists():
            continue
        kept, salvaged = finish_line_file(part, final)
        logger.warning(
            "Recovered rejects of an interrupted run: %s (%d kept, %d lines salvaged to %s)",
            final,
            kept,
            salvaged,
            salvage_path(final),
        )
        finished.append(final)
    return finished


def _absorb(
    state: CrawlState,
    final: Path,
    part: Path,
    report: FeedReport,
    keep_known: bool = False,
    appending: bool = False,
) -> None:
    # A feed appended to an existing file: only this run's lines, in its part file, are new.
    source = part if part.exists() or appending else final
    with state.transaction() as db:
        if not source.exists():
            # Registered, then killed before the first line: nothing to publish.
            state.set_feed_status(db, final, "published", lines=0)
            return
        drop: set[int] = set()
        versions: set[tuple[str, Any]] = set()
        salvage: list[bytes] = []
        with source.open("rb") as feed:
            for number, line in enumerate(_lines(feed)):
                if not line.endswith(b"\n"):
                    report.torn = True
                    salvage.append(line + b"\n")
                    drop.add(number)
                    break
                record = _parse(line)
                if record is None:
                    salvage.append(line)
                    drop.add(number)
                    continue
                if all(key in record for key in RECORD_KEYS):
                    version = (record["url"], record["version"])
                    # Once per feed too: absorbing is idempotent per feed in the shared state.
                    if version not in versions and state.absorb(db, record, feed=final):
                        versions.add(version)
                        report.absorbed += 1
                        report.absorbed_new += record["version"] == 1
                    elif keep_known:
                        report.repeated += 1
                    else:
                        report.duplicates += 1
                        drop.add(number)
                        continue
                report.kept += 1
        report.salvaged = len(salvage)
        if salvage:
            with salvage_path(final).open("ab") as out:
                out.writelines(salvage)
                _fsync(out)
            logger.error(
                "%s: %d line(s) were not complete JSON records; kept them in %s",
                source,
                len(salvage),
                salvage_path(final),
            )
        if drop and source == part:
            _rewrite_without(part, drop)
        state.set_feed_status(db, final, "absorbed", lines=report.kept)


def _lines(feed: BinaryIO) -> Iterator[bytes]:
    while line := feed.readline():
        yield line


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _rewrite_without(part: Path, drop: set[int]) -> None:
    tmp = part.with_name(part.name + ".tmp")
    with part.open("rb") as src, tmp.open("wb") as out:
        for number, line in enumerate(_lines(src)):
            if number not in drop:
                out.write(line)
        _fsync(out)
    os.replace(tmp, part)
    fsync_dir(part.parent)


def _fsync(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())
