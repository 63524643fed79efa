"""Reading what a crawl wrote: JSON Lines feeds and rejects files (one reader for all)."""

from __future__ import annotations

import fnmatch
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonlines


def parse_jsonl(text: str, name: str = "output") -> list[dict[str, Any]]:
    """Every line of JSON Lines ``text`` (a feed written to stdout, say), each a JSON object;
    a torn last line or a line that is not a JSON object fails loudly."""
    assert not text or text.endswith("\n"), f"{name} ends in a partial line"
    with jsonlines.Reader(io.StringIO(text)) as reader:
        return list(reader.iter(type=dict))


def iter_jsonl(path: Path | str) -> Iterator[dict[str, Any]]:
    """The lines of a JSON Lines file one at a time (for feeds too large to hold), with the same
    checks as ``read_jsonl``."""
    path = Path(path)
    with path.open("rb") as fh:
        if fh.seek(0, 2):
            fh.seek(-1, 2)
            assert fh.read(1) == b"\n", f"{path} ends in a partial line"
    with jsonlines.open(path) as reader:
        yield from reader.iter(type=dict)


def read_jsonl(path: Path | str | None) -> list[dict[str, Any]]:
    """Every line of a JSON Lines file, each a JSON object. A missing file (or ``None``) reads as
    no lines; a torn last line, an empty line or a line that is not a JSON object fails loudly
    (``jsonlines`` names the line)."""
    if path is None or not Path(path).exists():
        return []
    return parse_jsonl(Path(path).read_text("utf-8"), str(path))


def files_under(root: Path, pattern: str) -> list[Path]:
    """Files under ``root`` whose name matches ``pattern``, sorted. Safe while a crawl runs: a
    folder that goes while it looks (a request queue's) is passed over, where ``rglob`` fails."""
    found: list[Path] = []
    for folder, _, names in os.walk(root):  # a folder gone meanwhile is skipped
        found.extend(Path(folder) / name for name in fnmatch.filter(names, pattern))
    return sorted(found)


def feed_files(out_dir: Path) -> list[Path]:
    """Published article feeds under ``out_dir``: every ``*.jsonl`` (rejects are ``*.rejects.jl``,
    unpublished feeds ``*.jsonl.part``)."""
    return files_under(out_dir, "*.jsonl")


def read_feeds(out_dir: Path) -> list[dict[str, Any]]:
    """Every record of every published feed under ``out_dir``."""
    return [record for path in feed_files(out_dir) for record in read_jsonl(path)]


def read_rejects(out_dir: Path) -> list[dict[str, Any]]:
    """Every entry of every published rejects file under ``out_dir``."""
    return [entry for path in files_under(out_dir, "*.rejects.jl") for entry in read_jsonl(path)]


def accepted_urls(
    truth: list[dict[str, Any]], out_dir: Path, most_rejected: float = 0.05
) -> set[str]:
    """The reachable articles of a replica's ``truth`` that the runs under ``out_dir`` did not
    reject. Rejects are a few odd pages: more than ``most_rejected`` of the reachable articles
    fails the test, so that a run that rejects everything cannot pass by expecting nothing."""
    reachable = {line["record"]["url"] for line in truth if line["reachable"]}
    rejected = {entry["record"]["url"] for entry in read_rejects(out_dir)}
    assert len(rejected & reachable) <= most_rejected * len(reachable), (
        f"{len(rejected)} of {len(reachable)} articles rejected"
    )
    return reachable - rejected
