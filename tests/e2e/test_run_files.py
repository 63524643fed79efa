"""Real runs whose feed name is taken: the feed and every file beside it move on together."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newscrawl.output.runfiles import run_stamp
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl
from tests.support.feeds import read_jsonl as lines


def crawl(replica: ReplicaServer, tmp_path: Path, *extra: str, state: str) -> None:
    result = run_crawl(
        replica.base_url, tmp_path / "out", *extra, "max_articles=5",
        settings={"NEWSCRAWL_STATE_DIR": tmp_path / state}, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]


def read(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def assert_finished(folder: Path) -> None:
    """No part or temporary file is left, and ``*.jsonl`` holds feeds only."""
    assert not [p.name for p in folder.iterdir() if p.name.endswith((".part", ".tmp"))]
    feeds = list(folder.glob("*.jsonl"))
    assert feeds, f"no feed in {folder}"
    for feed in feeds:
        records = lines(feed)
        assert records and all("fingerprint" in record for record in records), feed


def test_a_second_run_appends_to_the_users_feed_and_writes_its_own_run_files(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    """``-o mine.jsonl`` twice: Scrapy's append, into that very file; the second run's summary
    and stats do not overwrite the first's, they take ``mine-2``."""
    folder = tmp_path / "feeds"
    mine = folder / "mine.jsonl"
    crawl(replica_en, tmp_path, f"--output={mine}", state="state-1")
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(first) == [
        "mine.health.json", "mine.jsonl", "mine.stats.json", "mine.summary.json"
    ]  # fmt: skip

    crawl(replica_en, tmp_path, f"--output={mine}", state="state-2")
    assert {p.name: p.read_bytes() for p in folder.glob("mine.*.json")} == {
        name: data for name, data in first.items() if name.endswith(".json")
    }  # untouched
    assert mine.read_bytes().startswith(first["mine.jsonl"])
    summary = read(folder / "mine-2.summary.json")
    stats = read(folder / "mine-2.stats.json")
    assert summary["feed"] == str(mine)
    assert summary["rejects_file"] is None  # nothing rejected: no rejects file named
    assert stats["feeds"] == [str(mine)]
    assert stats["state_dir"] is None  # an export: the crawl state is neither read nor changed
    assert not (tmp_path / "state-2" / "crawl-state.sqlite3").exists()
    assert len(lines(mine)) == 10 and summary["articles"] == stats["new"] == 5
    assert_finished(folder)


def test_default_feed_whose_stem_is_taken_moves_with_its_files(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    """Every stamp the run can start in is taken by an earlier run's summary (one that wrote
    its feed to stdout): the run's feed, summary and stats take ``-2``, together."""
    folder = tmp_path / "out" / "almayadeen" / "en"
    folder.mkdir(parents=True)
    now = datetime.now(UTC)
    taken = [run_stamp(now + timedelta(seconds=s)) for s in range(-1, 120)]
    for stamp in taken:
        (folder / f"{stamp}.summary.json").write_text('{"earlier": true}\n')

    crawl(replica_en, tmp_path, state="state")
    stats_files = list(folder.glob("*.stats.json"))
    assert len(stats_files) == 1
    stem = stats_files[0].name.removesuffix(".stats.json")
    assert stem.endswith("-2") and stem.removesuffix("-2") in taken
    stats = read(stats_files[0])
    assert stats["feeds"] == [str(folder / f"{stem}.jsonl")]
    summary = read(folder / f"{stem}.summary.json")
    assert summary["feed"] == str(folder / f"{stem}.jsonl")
    assert len(lines(folder / f"{stem}.jsonl")) == summary["articles"] == stats["new"] == 5
    assert all(read(folder / f"{stamp}.summary.json") == {"earlier": True} for stamp in taken)
    assert [p.name for p in folder.glob("*.jsonl")] == [f"{stem}.jsonl"]
    assert_finished(folder)
