"""The state's parts on their own: lock, feed storage, reconciliation, incremental policy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newscrawl.output.feeds import AtomicFileFeedStorage, LineDurableFile, part_path
from newscrawl.schema import empty_record, fingerprint
from newscrawl.state import (
    Change,
    CrawlState,
    IncrementalPolicy,
    JobAlreadyRunning,
    Mode,
    RunLock,
)
from newscrawl.state.reconcile import publish_feed, reconcile, salvage_path
from tests.support.feeds import read_jsonl

HOST = "https://english.almayadeen.net"

#: Opens a state directory with one of the backends (the ``open_state`` fixture: the tests taking
#: it run against SQLite and against Redis).
OpenState = Callable[[Path], CrawlState]


def record(slug: str, version: int = 1, modified: str = "2026-11-01T10:00:00Z", **extra: Any):
    rec = empty_record()
    rec.update({"url": f"{HOST}/news/politics/{slug}", "title": slug, "date_modified": modified,
                "date_published": "2026-11-01T09:00:00Z", "version": version, **extra})  # fmt: skip
    rec["fingerprint"] = fingerprint(rec)
    return rec


def line(rec: dict[str, Any]) -> bytes:
    return (json.dumps(rec, ensure_ascii=False) + "\n").encode()


# -- lock -----------------------------------------------------------------------------------


def test_lock_refuses_a_second_process_and_dies_with_the_first(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from newscrawl.state import RunLock; "
         f"RunLock({str(tmp_path)!r}).acquire(); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(JobAlreadyRunning, match=rf"pid {holder.pid} holds"):
            RunLock(tmp_path).acquire()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with RunLock(tmp_path) as lock:  # no stale lock after kill -9
        assert lock.held
    assert not lock.held


# -- feed storage and reconciliation --------------------------------------------------------


def test_storage_writes_part_then_publishes_and_never_overwrites(tmp_path: Path) -> None:
    wanted = tmp_path / "feeds" / "2026-11-27T10-00-00Z.jsonl"
    first = AtomicFileFeedStorage(str(wanted))
    file = first.open(None)  # type: ignore[arg-type]
    file.write(line(record("a")))
    assert part_path(wanted).exists() and not wanted.exists()
    assert list(tmp_path.rglob("*.jsonl")) == []
    first.store(file)
    assert [r["title"] for r in read_jsonl(wanted)] == ["a"]

    second = AtomicFileFeedStorage(str(wanted))
    file = second.open(None)  # type: ignore[arg-type]
    file.write(line(record("b")))
    second.store(file)
    assert second.final == wanted.with_name("2026-11-27T10-00-00Z-2.jsonl")
    assert [r["title"] for r in read_jsonl(wanted)] == ["a"]
    assert [r["title"] for r in read_jsonl(second.final)] == ["b"]

    overwrite = AtomicFileFeedStorage(str(wanted), feed_options={"overwrite": True})  # -O
    file = overwrite.open(None)  # type: ignore[arg-type]
    file.write(line(record("c")))
    overwrite.store(file)
    assert overwrite.final == wanted and [r["title"] for r in read_jsonl(wanted)] == ["c"]


def test_a_feed_whose_name_was_taken_meanwhile_is_published_beside_it(
    tmp_path: Path, open_state: OpenState
) -> None:
    state = open_state(tmp_path / "state")
    final = tmp_path / "run.jsonl"
    state.register_feed(final, run_id=None)
    part_path(final).write_bytes(line(record("a")))
    final.write_bytes(line(record("other")))
    report = publish_feed(state, final)
    assert report.path == tmp_path / "run-2.jsonl"
    assert [r["title"] for r in read_jsonl(report.path)] == ["a"]
    assert [r["title"] for r in read_jsonl(final)] == ["other"]
    assert state.feeds(unfinished=True) == []


def test_publish_absorbs_then_renames(tmp_path: Path, open_state: OpenState) -> None:
    state = open_state(tmp_path / "state")
    final = tmp_path / "run1.jsonl"
    state.register_feed(final, run_id=None)
    with LineDurableFile(part_path(final)) as out:
        out.write(line(record("a")))
        out.write(line(record("b")))
    report = publish_feed(state, final)
    assert (report.kept, report.absorbed, report.duplicates, report.torn) == (2, 2, 0, False)
    assert final.exists() and not part_path(final).exists()
    assert sorted(state.articles()) == [f"{HOST}/news/politics/a", f"{HOST}/news/politics/b"]
    assert state.feed(final).status == "published"  # type: ignore[union-attr]


def test_reconcile_drops_torn_line_and_duplicates_and_keeps_the_rest(
    tmp_path: Path, open_state: OpenState
) -> None:
    state = open_state(tmp_path / "state")
    earlier = tmp_path / "run1.jsonl"
    state.register_feed(earlier, run_id=None)
    part_path(earlier).write_bytes(line(record("a")))
    publish_feed(state, earlier)

    killed = tmp_path / "run2.jsonl"
    state.register_feed(killed, run_id=None)
    torn = line(record("d"))[:57]
    part_path(killed).write_bytes(
        line(record("a")) + line(record("b")) + b"{not json\n"
        + line(record("a", version=2, modified="2026-11-02T10:00:00Z")) + torn
    )  # fmt: skip
    [report] = reconcile(state)
    assert report.recovered and report.torn
    assert (report.kept, report.duplicates, report.salvaged) == (2, 1, 2)
    assert [(r["title"], r["version"]) for r in read_jsonl(killed)] == [("b", 1), ("a", 2)]
    assert salvage_path(killed).read_bytes() == b"{not json\n" + torn + b"\n"
    assert state.article(f"{HOST}/news/politics/a").version == 2  # type: ignore[union-attr]
    assert reconcile(state) == []  # idempotent


def test_reconcile_finishes_a_feed_killed_between_absorb_and_rename(
    tmp_path: Path, open_state: OpenState
) -> None:
    state = open_state(tmp_path / "state")
    final = tmp_path / "run.jsonl"
    state.register_feed(final, run_id=None)
    part_path(final).write_bytes(line(record("a")))
    with state.transaction() as db:  # what publish_feed had done when the process died
        state.absorb(db, record("a"))
        state.set_feed_status(db, final, "absorbed", lines=1)
    reconcile(state)
    assert [r["title"] for r in read_jsonl(final)] == ["a"]  # not dropped as a duplicate
    assert state.feed(final).status == "published"  # type: ignore[union-attr]


def test_reconcile_of_a_feed_that_never_got_a_line(tmp_path: Path, open_state: OpenState) -> None:
    state = open_state(tmp_path / "state")
    state.register_feed(tmp_path / "empty.jsonl", run_id=None)
    reconcile(state)
    assert not (tmp_path / "empty.jsonl").exists()
    assert state.feeds(unfinished=True) == []


# -- policy ---------------------------------------------------------------------------------


def policy_over(tmp_path: Path, *records: dict[str, Any], **kw: Any) -> IncrementalPolicy:
    state = CrawlState(tmp_path / "state")
    with state.transaction() as db:
        for rec in records:
            state.absorb(db, rec)
    return IncrementalPolicy(mode=kw.pop("mode", Mode.INCREMENTAL), known=state.articles(), **kw)


def test_decide_new_updated_unchanged(tmp_path: Path) -> None:
    policy = policy_over(tmp_path, record("a"), record("b", version=3))
    assert policy.decide(record("c")).change is Change.NEW
    assert policy.decide(record("c")).change is Change.UNCHANGED  # same run, same content
    assert policy.decide(record("a")).change is Change.UNCHANGED
    edited = record("a", modified="2026-11-05T00:00:00Z")
    decision = policy.decide(edited)
    assert (decision.change, decision.version) == (Change.UPDATED, 2)
    retitled = record("b", title="b, retitled")
    assert policy.decide(retitled).version == 4
    assert policy.decide(retitled).change is Change.UNCHANGED


@pytest.mark.parametrize(
    ("url", "lastmod", "wanted"),
    [
        ("/news/politics/new-one", None, True),                       # unknown: fetch
        ("/news/politics/a", None, False),                            # known, no sign of change
        ("/news/politics/a?utm_source=x", None, False),               # a variant of a known URL
        ("/news/politics/a/", "2026-11-01T10:00:00Z", False),         # lastmod = stored
        ("/news/politics/a", "2026-11-01T13:00:00+03:00", False),     # the same time, offset
        ("/news/politics/a", "2026-11-01T10:00:01Z", True),           # lastmod later: edited
    ],
)  # fmt: skip
def test_wants_article(tmp_path: Path, url: str, lastmod: str | None, wanted: bool) -> None:
    from newscrawl.editions import EN
    from newscrawl.normalize.urls import canonical_url

    policy = policy_over(tmp_path, record("a"), canonical=lambda u: canonical_url(u, EN))
    assert policy.wants_article("http://127.0.0.1:8080" + url, lastmod) is wanted
    policy.mode = Mode.FULL
    assert policy.wants_article("http://127.0.0.1:8080" + url, lastmod) is True


def test_paging_and_sitemap_months_stop_at_the_high_water_mark(tmp_path: Path) -> None:
    hwm = datetime(2026, 11, 20, 12, tzinfo=UTC)
    known = record("a")
    policy = policy_over(tmp_path, known, high_water=hwm, overlap=timedelta(hours=2),
                         sitemap_marks={"/s-2026-9": "2026-09-30T00:00:00Z"})  # fmt: skip
    old, recent = hwm - timedelta(days=1), hwm - timedelta(hours=1)
    assert policy.wants_next_page([(known["url"], recent), (known["url"], recent)])
    assert not policy.wants_next_page([(known["url"], recent), (known["url"], old)])
    assert policy.wants_next_page([(f"{HOST}/news/politics/unknown", old)])  # a gap to fill
    # a new article on a page that reaches past the horizon: older pages hold nothing new
    assert not policy.wants_next_page(
        [(f"{HOST}/news/politics/unknown", recent), (known["url"], old)]
    )
    assert not policy.wants_next_page([(known["url"], None)])
    assert policy.wants_sitemap(f"{HOST}/s-2026-11", "2026-11-20T00:00:00Z", (2026, 11))
    assert not policy.wants_sitemap(f"{HOST}/s-2026-9", "2026-09-30T00:00:00Z", (2026, 9))
    assert policy.wants_sitemap(
        f"{HOST}/s-2026-9", "2026-11-21T00:00:00Z", (2026, 9)
    )  # an old edit
    assert policy.wants_sitemap(f"{HOST}/s-2026-8", None, (2026, 8))  # no lastmod, no mark: read it
    assert policy.sitemaps_seen == {}  # a mark is kept only for a sitemap read whole
    policy.sitemap_read("http://127.0.0.1:8080/s-2026-11")
    assert policy.sitemaps_seen == {"/s-2026-11": "2026-11-20T00:00:00Z"}
    no_history = policy_over(tmp_path / "fresh")
    assert no_history.wants_next_page([(known["url"], old)])
    assert no_history.wants_sitemap(f"{HOST}/s-2026-9", "2026-09-30T00:00:00Z", (2026, 9))


def test_time_moves_on(tmp_path: Path, open_state: OpenState) -> None:
    state = open_state(tmp_path)
    run = state.start_run("incremental", os.getpid())
    with state.transaction() as db:
        state.absorb(db, record("a"))
    state.finish_run(run, "shutdown", complete=False, sitemaps={"s": "2026-11-01T00:00:00Z"})
    assert state.high_water_mark() is None and state.sitemap_lastmods() == {}
    run = state.start_run("incremental", os.getpid())
    state.finish_run(run, "finished", complete=True, sitemaps={"s": "2026-11-01T00:00:00Z"})
    assert state.high_water_mark() == "2026-11-01T09:00:00Z"
    assert state.sitemap_lastmods() == {"s": "2026-11-01T00:00:00Z"}


def test_rebuild_absorbs_published_feeds_once(tmp_path: Path, capsys: Any) -> None:
    from newscrawl.state.__main__ import main

    feeds = tmp_path / "almayadeen" / "en"
    feeds.mkdir(parents=True)
    (feeds / "2026-11-01T00-00-00Z.jsonl").write_bytes(line(record("a")) + line(record("b")))
    edited = record("a", version=2, modified="2026-11-02T00:00:00Z")
    (feeds / "2026-11-02T00-00-00Z.jsonl").write_bytes(line(edited))
    (feeds / "2026-11-02T00-00-00Z.rejects.jl").write_bytes(b'{"reasons": []}\n')
    state_dir = str(tmp_path / "state")
    assert main(["--state-dir", state_dir, "rebuild", str(feeds)]) == 0
    assert "2 feeds read, 3 article versions absorbed" in capsys.readouterr().out
    assert main(["--state-dir", state_dir, "rebuild", str(feeds)]) == 0
    assert "0 feeds read" in capsys.readouterr().out
    state = CrawlState(state_dir)
    assert state.article(f"{HOST}/news/politics/a").version == 2  # type: ignore[union-attr]
    assert main(["--state-dir", state_dir, "show"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2


def test_article_requests_without_an_item_are_unsettled(tmp_path: Path) -> None:
    from newscrawl.editions import EN
    from newscrawl.normalize.urls import canonical_url

    policy = policy_over(tmp_path, canonical=lambda u: canonical_url(u, EN))
    for path in ("/news/politics/fine", "/news/politics/broken", "/article/1234567"):
        assert policy.wants_article("http://127.0.0.1:8080" + path)
    policy.settled(["http://127.0.0.1:8080/news/politics/fine", None])
    assert policy.unsettled == {f"{HOST}/news/politics/broken"}  # the alias is not counted
    policy.decide(record("broken"))
    assert policy.unsettled == set()
