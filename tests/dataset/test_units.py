"""The build's rules on small feeds written here: which files are feeds, the current version's
choice, partitions (a missing date, an article whose new version moves month), bad feeds, the
lock, and a commit interrupted after the manifest was written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from newscrawl.dataset.build import build
from newscrawl.dataset.feeds import FeedError, find_runs
from newscrawl.dataset.schema import NULL_PARTITION, arrow_type, record_schema
from newscrawl.dataset.store import BuildLocked, Layout, Manifest, locked, open_table
from newscrawl.schema import empty_record, fingerprint
from tests.support.feeds import read_jsonl

from .readers import counts, duckdb_rows


def record(slug: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    data = empty_record()
    data.update(
        url=f"https://english.almayadeen.net/news/politics/{slug}",
        fetched_url=f"http://127.0.0.1:1/news/politics/{slug}",
        site="english.almayadeen.net", edition="en", language="en", content_type="article",
        title=f"Title of {slug}", body="Some words.", word_count=2, section="Politics",
        tags=["Gaza"], date_published="2024-08-01T10:00:00Z", crawled_at="2026-11-01T00:00:00Z",
        version=version,
    )  # fmt: skip
    data.update(fields)
    data["fingerprint"] = fingerprint(data)
    return data


def write_feed(job: Path, name: str, records: list[dict[str, Any]], edition: str = "en") -> Path:
    path = job / "almayadeen" / edition / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def current(job: Path) -> dict[str, dict[str, Any]]:
    return {row["url"]: row for row in open_table(job, "current").to_table().to_pylist()}


def test_schema_types_come_from_the_json_schema() -> None:
    schema = record_schema()
    assert schema.names[:3] == ["schema_version", "url", "fetched_url"]
    assert schema.field("date_modified").type == pa.timestamp("s", tz="UTC")
    assert schema.field("images").type == pa.list_(
        pa.struct([("url", pa.string()), ("caption", pa.string())])
    )
    assert schema.field("related").type.value_type.names == ["url", "title"]
    # A field added to the record (the Spanish byline's views) is a column with no other change.
    assert schema.field("views").type == pa.int64()
    with pytest.raises(ValueError, match="no Arrow type for the schema of odd"):
        arrow_type({"type": ["number", "null"]}, {}, "odd")


def test_only_published_feeds_are_read(tmp_path: Path) -> None:
    write_feed(tmp_path, "a.jsonl", [record("one"), record("two")])
    write_feed(tmp_path, "b.jsonl.part", [record("partial")])
    write_feed(tmp_path, "a.rejects.jl", [{"record": record("rejected"), "reasons": ["x"]}])
    write_feed(tmp_path, "c.jsonl", [])  # a run that emitted nothing
    result = build(tmp_path)
    assert (result.feeds_read, result.records_read, result.current_rows) == (2, 2, 2)
    assert sorted(current(tmp_path)) == [record("one")["url"], record("two")["url"]]
    assert set(Manifest.load(Layout(tmp_path).manifest).feeds) == {
        "almayadeen/en/a.jsonl",
        "almayadeen/en/c.jsonl",
    }


def test_highest_version_wins_and_a_tie_goes_to_the_latest_crawl(tmp_path: Path) -> None:
    late = "2026-11-02T00:00:00Z"
    write_feed(tmp_path, "1.jsonl", [record("a", 2, title="a v2"), record("b", 1, title="b early")])
    write_feed(tmp_path, "2.jsonl", [record("a", 1, title="a v1 again"),
                                     record("b", 1, title="b late", crawled_at=late)])  # fmt: skip
    build(tmp_path)
    rows = current(tmp_path)
    assert rows[record("a")["url"]]["title"] == "a v2"
    assert rows[record("b")["url"]]["title"] == "b late"
    assert open_table(tmp_path, "history").count_rows() == 3  # (b, 1) once: the first read
    # Read in another order (one build per feed), the result is the same.
    other = tmp_path / "other"
    write_feed(other, "2.jsonl", [record("a", 1), record("b", 1, title="b late", crawled_at=late)])
    build(other)
    write_feed(other, "3.jsonl", [record("a", 2, title="a v2"), record("b", 1, title="b early")])
    build(other)
    assert {u: r["title"] for u, r in current(other).items()} == {
        u: r["title"] for u, r in rows.items()
    }


def test_missing_dates_go_to_the_null_month_and_a_moved_article_leaves_its_month(
    tmp_path: Path,
) -> None:
    write_feed(tmp_path, "1.jsonl", [record("undated", date_published=None), record("moves")])
    build(tmp_path)
    dataset = tmp_path / "dataset"
    assert (dataset / f"current/edition=en/month={NULL_PARTITION}/data.parquet").exists()
    assert duckdb_rows(dataset, "current", "count(*) FILTER (WHERE month IS NULL)") == [(1,)]
    write_feed(tmp_path, "2.jsonl", [record("moves", 2, date_published="2024-09-03T00:00:00Z")])
    build(tmp_path)
    assert not (dataset / "current/edition=en/month=2024-08").exists()  # left empty: removed
    assert not (dataset / ".lines/edition=en/month=2024-08.jsonl").exists()
    lines = read_jsonl(dataset / "current.jsonl")
    assert [(r["url"], r["version"]) for r in lines] == [
        (record("moves")["url"], 2), (record("undated")["url"], 1)]  # fmt: skip
    assert (dataset / "history/edition=en/month=2024-08/data.parquet").exists()
    assert set(counts(dataset, "current").values()) == {(2, 2)}
    assert set(counts(dataset, "history").values()) == {(3, 2)}
    months = duckdb_rows(dataset, "current", "url, month", "ORDER BY url")
    assert months == [(record("moves")["url"], "2024-09"), (record("undated")["url"], None)]


def test_a_bad_feed_fails_with_its_name_and_commits_nothing(tmp_path: Path) -> None:
    write_feed(tmp_path, "1.jsonl", [record("a")])
    build(tmp_path)
    before = (tmp_path / "dataset/manifest.json").read_bytes()
    bad = write_feed(tmp_path, "2.jsonl", [{**record("b"), "surprise": 1}])
    with pytest.raises(FeedError, match=r"2\.jsonl"):
        build(tmp_path)
    bad.write_text(json.dumps(record("b")) + "\n" + '{"url": "torn', "utf-8")
    with pytest.raises(FeedError, match=r"2\.jsonl"):
        build(tmp_path)
    assert (tmp_path / "dataset/manifest.json").read_bytes() == before
    assert len(current(tmp_path)) == 1


def test_a_bad_line_deep_in_a_feed_is_named_by_its_file_and_line_number(tmp_path: Path) -> None:
    """Arrow reads a feed in blocks and counts rows within one: the error names the line."""
    path = write_feed(
        tmp_path, "1.jsonl", [record(f"a{n}", body="word " * 400) for n in range(700)]
    )
    lines = path.read_bytes().splitlines(keepends=True)
    retyped = json.dumps({**json.loads(lines[649]), "word_count": "many"}).encode() + b"\n"
    for bad, problem in (
        (lines[649][:100] + b"\n", "not JSON"),
        (retyped, "not a record of the schema: JSON parse error: Column(/word_count)"),
    ):
        path.write_bytes(b"".join([*lines[:649], bad, *lines[650:]]))
        built = subprocess.run(
            [sys.executable, "-m", "newscrawl.dataset", "build", str(tmp_path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert built.returncode == 1
        assert built.stderr.startswith(f"FeedError: {path}:650: {problem}"), built.stderr
        assert "in row" not in built.stderr
    path.write_bytes(b"".join(lines[:649]) + lines[649][:100])  # killed mid-line: torn
    with pytest.raises(FeedError, match=r"1\.jsonl:650: a torn last line"):
        build(tmp_path)
    assert not (tmp_path / "dataset" / "manifest.json").exists()


def test_a_build_refuses_while_another_holds_the_dataset(tmp_path: Path) -> None:
    write_feed(tmp_path, "1.jsonl", [record("a")])
    with locked(Layout(tmp_path)), pytest.raises(BuildLocked, match="another build"):
        build(tmp_path)
    assert build(tmp_path).current_rows == 1


def test_a_build_killed_after_its_commit_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_feed(tmp_path, "1.jsonl", [record("a"), record("b")])
    build(tmp_path)
    write_feed(tmp_path, "2.jsonl", [record("a", 2, title="edited"), record("c")])

    def die(layout: Layout, manifest: Manifest) -> None:
        if manifest.pending:
            raise KeyboardInterrupt  # stands for a kill between the commit and the renames

    with monkeypatch.context() as patch:
        patch.setattr("newscrawl.dataset.build.roll_forward", die)
        with pytest.raises(KeyboardInterrupt):
            build(tmp_path)
    manifest = Manifest.load(Layout(tmp_path).manifest)
    assert manifest.pending and manifest.rows("current") == 3
    assert len(current(tmp_path)) == 3  # a reader through open_table finishes the renames
    assert not Manifest.load(Layout(tmp_path).manifest).pending
    assert current(tmp_path)[record("a")["url"]]["title"] == "edited"
    assert build(tmp_path).feeds_read == 0


def test_run_health_comes_from_the_health_file_else_from_the_stats(tmp_path: Path) -> None:
    folder = tmp_path / "almayadeen" / "en"
    folder.mkdir(parents=True)
    runs = {
        "a": ({"finish_reason": "finished", "errors": 0, "started_at": "2026-11-01T00:00:00Z"},
              None),
        "b": ({"finish_reason": "finished", "errors": 3, "started_at": "2026-11-01T01:00:00Z"},
              None),
        "c": ({"finish_reason": "finished", "errors": 0, "started_at": "2026-11-01T02:00:00Z"},
              {"healthy": False, "exit_status": 3,
               "checks": [{"name": "finish_reason", "ok": True, "message": "finished"},
                          {"name": "field_coverage", "ok": False, "message": "tags"}]}),
        "d": ({"finish_reason": "closespider", "started_at": "2026-11-01T03:00:00Z"},
              {"healthy": True, "checks": [{"name": "articles", "ok": True}]}),
    }  # fmt: skip
    for stem, (stats, health) in runs.items():
        (folder / f"{stem}.stats.json").write_text(json.dumps(stats))
        if health is not None:
            (folder / f"{stem}.health.json").write_text(json.dumps(health))
    found = find_runs(tmp_path)
    assert [run.stem for run in found] == ["a", "b", "c", "d"]
    assert [run.healthy for run in found] == [True, False, False, True]
    assert found[2].failed_checks == ["field_coverage"]
    assert found[0].failed_checks == found[3].failed_checks == []
