"""The job's run history the monitors compare a run with: ``health-history.jl`` in the
job's state directory, one JSON object a line per run (appended when the run is judged). JSON
Lines named ``.jl``, like the rejects, so that a ``**/*.jsonl`` glob over the output reads feeds
only.

Each line: ``finished_at``, ``mode``, ``finish_reason``, ``articles`` (the figure the article
floor judges), ``records`` (valid records extracted), ``coverage`` (field -> share of those
records that fill it), ``healthy``, ``exit_status``. Only the last :data:`KEEP` lines are read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from statistics import median
from typing import Any

HISTORY_NAME = "health-history.jl"
#: Lines read back (the monitors look at the last ten at most).
KEEP = 200


def history_path(state_dir: Path) -> Path:
    return state_dir / HISTORY_NAME


def read_history(path: Path | None) -> list[dict[str, Any]]:
    """The last runs, oldest first; a torn last line (a killed write) is skipped."""
    if path is None or not path.exists():
        return []
    runs: list[dict[str, Any]] = []
    for line in path.read_text("utf-8").splitlines()[-KEEP:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            runs.append(entry)
    return runs


def append_history(path: Path, entry: dict[str, Any]) -> None:
    """Append one run, in one write, and fsync it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    with path.open("ab") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def recent(runs: Sequence[dict[str, Any]], limit: int = 10, **match: Any) -> list[dict[str, Any]]:
    """The last ``limit`` runs whose keys equal ``match``."""
    chosen = [run for run in runs if all(run.get(k) == v for k, v in match.items())]
    return chosen[-limit:]


def median_of(runs: Sequence[dict[str, Any]], key: str) -> float | None:
    values = [float(run[key]) for run in runs if isinstance(run.get(key), int | float)]
    return median(values) if values else None
