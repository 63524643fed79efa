"""The dataset of a crawl history: 1,600 articles, then 20 new and 5 edited, built after each
run. Read back with DuckDB, pandas and polars; built again, killed, and built to the end."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

from newscrawl.dataset.store import Manifest, open_table
from newscrawl.schema import json_schema
from tests.support.feeds import read_jsonl
from tests.support.wait import wait_until

from .conftest import ARTICLES, PROJECT, History, build, dataset_command, run_dataset
from .readers import counts, duckdb_rows, polars_frame

pytestmark = pytest.mark.timeout(900)


def feed_records(job: Path) -> list[dict[str, Any]]:
    """The job's feeds (not the dataset's own ``.jsonl`` files below it)."""
    return [r for path in sorted(job.glob("almayadeen/*/*.jsonl")) for r in read_jsonl(path)]


def table_rows(job: Path, table: str) -> list[dict[str, Any]]:
    rows = open_table(job, table).to_table().to_pylist()
    return sorted(rows, key=lambda row: (row["url"], row["version"]))


def test_current_holds_every_article_once_at_its_latest_version(history: History) -> None:
    dataset = history.job / "dataset"
    published = history.published
    assert len(published["new"]) == 20 and len(published["edited"]) == 5
    assert not set(published["new"]) & set(published["edited"])
    records = feed_records(history.job)
    rejected = ARTICLES + 20 - len({r["url"] for r in records})
    assert rejected == 0, f"{rejected} articles rejected by the crawl: the counts below need all"

    # Each reader sees 1,620 articles once each, and 1,625 versions.
    assert set(counts(dataset, "current").values()) == {(1620, 1620)}
    assert set(counts(dataset, "history").values()) == {(1625, 1620)}

    current = {row["url"]: row for row in table_rows(history.job, "current")}
    assert sorted(url for url, row in current.items() if row["version"] == 2) == sorted(
        published["edited"]
    )
    assert {row["version"] for row in current.values()} == {1, 2}
    versions = {(row["url"], row["version"]): row for row in table_rows(history.job, "history")}
    retitled = 0
    for url in published["edited"]:  # the edited content: the title (or body) after the edit
        assert current[url]["title"] == history.truth[url]["title"]
        assert current[url]["fingerprint"] == history.truth[url]["fingerprint"]
        assert versions[(url, 1)]["title"] == history.first_titles[url]
        assert versions[(url, 1)]["fingerprint"] != current[url]["fingerprint"]
        retitled += current[url]["title"] != history.first_titles[url]
    assert retitled >= 1  # the replica edits the title or the body of each
    for url in published["new"]:
        assert current[url]["version"] == 1 and url in history.truth
    assert len(polars_frame(dataset, "history").filter(version=2)) == 5

    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["rows"] == {"current": 1620, "history": 1625}
    assert manifest["pending"] == {}
    assert not (dataset / ".staging").exists()


def test_types_follow_the_json_schema(history: History) -> None:
    dataset = history.job / "dataset"
    schema = open_table(history.job, "current").schema
    assert schema.field("date_published").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("crawled_at").type.tz == "UTC"
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("main_image").type == pa.struct([("url", pa.string()),
                                                         ("caption", pa.string())])  # fmt: skip
    assert schema.field("video").type == pa.struct([("url", pa.string()),
                                                    ("duration_seconds", pa.int64())])  # fmt: skip
    assert schema.field("word_count").type == pa.int64()
    assert schema.field("edition").type == pa.string()  # from the partition path
    ((kinds,),) = duckdb_rows(dataset, "current", "typeof(date_published)")[:1]
    assert kinds == "TIMESTAMP WITH TIME ZONE"
    # Partitioned by edition and month of date_published.
    for path in (dataset / "current").glob("*/*/*.parquet"):
        edition, month = (part.split("=", 1)[1] for part in path.parent.parts[-2:])
        dates = pq.read_table(path, columns=["date_published"]).column(0).to_pylist()
        assert edition == "en" and {d.strftime("%Y-%m") for d in dates} == {month}


def test_current_jsonl_is_the_current_table_as_feed_lines(history: History) -> None:
    lines = read_jsonl(history.job / "dataset" / "current.jsonl")
    assert len(lines) == 1620
    latest: dict[str, dict[str, Any]] = {}
    for record in feed_records(history.job):
        if record["url"] not in latest or record["version"] > latest[record["url"]]["version"]:
            latest[record["url"]] = record
    validator = Draft202012Validator(json_schema())
    for record in lines:
        assert record == latest[record["url"]]  # every field, in feed form
        assert list(record) == list(latest[record["url"]])  # the feed's key order
        assert not list(validator.iter_errors(record))


def snapshot(dataset: Path) -> dict[str, tuple[str, int]]:
    """Every file's content hash and mtime."""
    return {
        path.relative_to(dataset).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
        )
        for path in sorted(dataset.rglob("*")) if path.is_file()
    }  # fmt: skip


def test_building_again_changes_nothing(history: History) -> None:
    dataset = history.job / "dataset"
    before = snapshot(dataset)
    done = run_dataset("build", history.job)
    assert done.returncode == 0, done.stderr
    assert "dataset up to date: no new feeds; 1620 articles, 1625 versions" in done.stdout
    assert snapshot(dataset) == before


#: Moments of a build as seen from outside, by the files it stages under ``dataset/``: a kill
#: lands as soon as a build gets to one (never after a wait on the clock).
STAGES: tuple[tuple[str, str], ...] = (
    ("staging begun", ".staging"),
    ("history partition staged", ".staging/history/**/data.parquet"),
    ("current partition staged", ".staging/current/**/data.parquet"),
    ("feed lines staged", ".staging/.lines/**/*.jsonl"),
    ("current.jsonl staged", ".staging/current.jsonl"),
)


def staged(dataset: Path, pattern: str) -> dict[Path, int]:
    """The files (or folders) ``pattern`` matches under ``dataset``, with their mtimes."""
    found = {}
    for path in dataset.glob(pattern):
        with contextlib.suppress(FileNotFoundError):  # a build moves them meanwhile
            found[path] = path.stat().st_mtime_ns
    return found


def test_killed_builds_leave_the_last_dataset_readable_and_the_next_one_completes(
    history: History, tmp_path: Path
) -> None:
    """SIGKILL a build at each stage of its work and once at its commit; after each kill the
    dataset reads as it was before the build or as it is after it (never in between); then one
    build to the end gives exactly the tables of the uninterrupted build."""
    job = tmp_path / "job"
    dataset = job / "dataset"
    shutil.copytree(history.after_first, job)
    for path in history.second_feeds:  # the second run's files, as the run left them
        shutil.copy2(path, job / path.relative_to(history.job))
    old = {"current": 1600, "history": 1600}
    new = {"current": 1620, "history": 1625}
    phases = []

    def committed() -> bool:
        return bool(Manifest.load(dataset / "manifest.json").pending)

    pristine = tmp_path / "pristine"
    shutil.copytree(job, pristine)
    for stage, pattern in [*STAGES, ("commit", "")]:
        before = staged(dataset, pattern) if pattern else {}
        proc = subprocess.Popen(dataset_command("build", job), cwd=PROJECT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        if pattern:  # a stage a build always goes through: a new or rewritten file
            wait_until(lambda p=pattern, b=before, q=proc: q.poll() is not None
                       or staged(dataset, p).items() - b.items(), stage, timeout=300)  # fmt: skip
        else:  # the renames after the commit may be done before the commit is seen
            wait_until(lambda p=proc: p.poll() is not None or committed(), stage, timeout=300)
        landed = proc.poll() is None
        if landed:
            os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() in (0, -signal.SIGKILL), phases
        manifest = Manifest.load(dataset / "manifest.json")
        # A build may pass its commit between the look at a stage and the kill (the last
        # stages come just before it): the manifest then holds the new rows.
        done = {table: manifest.rows(table) for table in old} == new
        phases.append(f"{stage}: " + ("killed" if landed else "finished first")
                      + (" after its commit" if done else ""))  # fmt: skip
        assert done or stage != "commit", phases
        seen = {table: open_table(job, table).count_rows() for table in old}
        # Whole datasets only: the old one before the commit, the new one after it.
        assert seen == (new if done else old), phases
        if done and stage != "commit":  # back to the old dataset for the next stage
            shutil.rmtree(job)
            shutil.copytree(pristine, job)
            continue
        glob_seen = {table: duckdb_rows(dataset, table)[0][0] for table in old}
        # A glob reader sees whole partitions; between a commit and the end of its renames,
        # old and new ones may be mixed: then the manifest says renames are pending.
        assert glob_seen in (old, new) or manifest.pending, (glob_seen, phases)
    build(job)

    assert table_rows(job, "current") == table_rows(history.job, "current")
    assert table_rows(job, "history") == table_rows(history.job, "history")
    assert (job / "dataset/current.jsonl").read_bytes() == (
        history.job / "dataset/current.jsonl"
    ).read_bytes()
    assert not (job / "dataset" / ".staging").exists()
    print("kills:", phases)
