"""The files a run writes beside its feed: one settled stem, rejects out of the ``*.jsonl`` glob
and written like the feed (finished by the next run after a kill), summary and stats atomic."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from newscrawl.output.feeds import AtomicFileFeedStorage, write_text_atomic
from newscrawl.output.runfiles import (
    RUN_FEED,
    RUN_REJECTS,
    RUN_STATS,
    RUN_SUMMARY,
    configure_output,
)
from newscrawl.state import CrawlState
from newscrawl.state.policy import Mode
from newscrawl.state.session import CrawlSession
from tests.support.feeds import read_jsonl
from tests.support.wait import wait_until

NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
STAMP = "2026-11-27T12-00-00Z"
FAMILY = (RUN_FEED, RUN_REJECTS, RUN_SUMMARY, RUN_STATS)
SUFFIXES = (".jsonl", ".rejects.jl", ".summary.json", ".stats.json")


def run_files(settings: Settings) -> list[str]:
    return [settings[key] for key in FAMILY]


@pytest.mark.parametrize(
    "taken",
    [
        [f"{STAMP}.jsonl"],  # an earlier run's feed
        [f"{STAMP}.jsonl.part"],  # one being written
        [f"{STAMP}.summary.json"],  # a run that wrote to stdout left only its summary
        [f"{STAMP}.rejects.jl", f"{STAMP}-3.stats.json"],  # -3 is taken too, -2 is free
    ],
)
def test_a_taken_name_moves_every_file_of_the_run(tmp_path: Path, taken: list[str]) -> None:
    folder = tmp_path / "almayadeen" / "en"
    folder.mkdir(parents=True)
    for name in taken:
        (folder / name).write_text("earlier run\n")
    settings = Settings({"NEWSCRAWL_OUTPUT_DIR": str(tmp_path)})
    configure_output(settings, "en", now=NOW)
    expected = [str(folder / f"{STAMP}-2{suffix}") for suffix in SUFFIXES]
    assert run_files(settings) == expected
    assert list(settings.getdict("FEEDS")) == [expected[0]]
    assert all((folder / name).read_text() == "earlier run\n" for name in taken)


def test_a_user_feed_keeps_its_name_and_the_run_files_move_on(tmp_path: Path) -> None:
    """``-o mine.jsonl`` is that very file (appended to); the summary, stats and rejects of an
    earlier run beside it are not overwritten: this run's take ``mine-2``."""
    (tmp_path / "mine.jsonl").write_text("{}\n")
    (tmp_path / "mine.summary.json").write_text("{}\n")
    settings = Settings()
    settings.set("FEEDS", {str(tmp_path / "mine.jsonl"): {"format": "jsonlines"}}, "cmdline")
    configure_output(settings, "en", now=NOW)
    assert list(settings.getdict("FEEDS")) == [str(tmp_path / "mine.jsonl")]
    assert settings.getpriority("FEEDS") == SETTINGS_PRIORITIES["cmdline"]
    assert run_files(settings) == [str(tmp_path / "mine.jsonl")] + [
        str(tmp_path / f"mine-2{suffix}") for suffix in SUFFIXES[1:]
    ]


def test_overwrite_keeps_the_name(tmp_path: Path) -> None:
    (tmp_path / "mine.jsonl").write_text("{}\n")
    (tmp_path / "mine.summary.json").write_text("{}\n")
    settings = Settings()
    options = {"format": "jsonlines", "overwrite": True}
    settings.set("FEEDS", {str(tmp_path / "mine.jsonl"): options}, "cmdline")
    configure_output(settings, "en", now=NOW)
    assert run_files(settings) == [str(tmp_path / f"mine{suffix}") for suffix in SUFFIXES]


def test_stdout_feed_settles_the_stem_in_the_output_dir(tmp_path: Path) -> None:
    folder = tmp_path / "almayadeen" / "en"
    folder.mkdir(parents=True)
    (folder / f"{STAMP}.summary.json").write_text("{}\n")
    settings = Settings({"NEWSCRAWL_OUTPUT_DIR": str(tmp_path)})
    settings.set("FEEDS", {"stdout:": {"format": "jsonlines"}}, "cmdline")
    configure_output(settings, "en", now=NOW)
    assert settings.get(RUN_FEED) is None
    assert settings[RUN_SUMMARY] == str(folder / f"{STAMP}-2.summary.json")
    assert settings[RUN_REJECTS] == str(folder / f"{STAMP}-2.rejects.jl")


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "run.summary.json"
    write_text_atomic(target, '{"articles": 1}\n')
    assert json.loads(target.read_text("utf-8")) == {"articles": 1}
    with pytest.raises(UnicodeEncodeError):  # fails half-way through writing the new text
        write_text_atomic(target, '{"articles": 2, "title": "' + "x" * 100_000 + '\ud800"}\n')
    assert json.loads(target.read_text("utf-8")) == {"articles": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.summary.json"]
    write_text_atomic(target, '{"articles": 3}\n')
    assert json.loads(target.read_text("utf-8")) == {"articles": 3}


#: A process that rejects records through the real validation pipeline until it is killed.
REJECTING = """
import itertools, sys
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from newscrawl.output.runfiles import RUN_REJECTS
from newscrawl.output.validate import ValidationPipeline

crawler = get_crawler(settings_dict={RUN_REJECTS: sys.argv[1], "NEWSCRAWL_FEED_FSYNC_EVERY": 7})
pipeline = ValidationPipeline.from_crawler(crawler)
for n in itertools.count():
    url = f"https://english.almayadeen.net/news/politics/rejected-{n}"
    try:
        pipeline.process_item({"url": url, "fetched_url": url, "title": None, "body": None})
    except DropItem:
        pass
"""


def test_killed_runs_rejects_are_finished_by_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "almayadeen" / "en"
    feed = folder / f"{STAMP}.jsonl"
    rejects = folder / f"{STAMP}.rejects.jl"
    part = folder / f"{STAMP}.rejects.jl.part"
    state_dir = tmp_path / "state"
    # The killed run: it started, registered its feed (no line yet), and rejected records.
    state = CrawlState(state_dir)
    state.register_feed(feed, state.start_run("incremental", os.getpid()))
    state.close()
    proc = subprocess.Popen([sys.executable, "-c", REJECTING, str(rejects)])
    wait_until(lambda: part.exists() and part.stat().st_size >= 20_000, "20 kB of rejects",
               timeout=60, proc=proc)  # fmt: skip
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    assert not rejects.exists()
    lines = part.read_bytes().splitlines(keepends=True)
    assert len(lines) > 10 and all(line.endswith(b"\n") for line in lines)  # one write a line
    # A power cut can still leave the line being written torn.
    torn = lines[0][: len(lines[0]) // 2]
    with part.open("ab") as out:
        out.write(torn)

    assert not list(folder.glob("*.jsonl"))  # readers of *.jsonl never see rejects
    session = CrawlSession(state_dir, Mode.INCREMENTAL, timedelta(hours=2))
    session.open()  # the next run's start
    session.close("finished")

    assert not part.exists()
    finished = read_jsonl(rejects)
    assert len(finished) == len(lines)
    assert [entry["record"]["url"] for entry in finished] == [
        f"https://english.almayadeen.net/news/politics/rejected-{n}" for n in range(len(lines))
    ]
    assert all("missing title" in entry["reasons"] for entry in finished)
    assert (folder / f"{STAMP}.rejects.jl.salvage").read_bytes() == torn + b"\n"
    assert not list(folder.glob("*.jsonl"))  # the feed had no line; the rejects stay out


def test_a_feed_name_taken_after_it_was_settled_is_not_overwritten(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process took the settled name between settling and opening: the feed moves on
    (never overwriting) and says so; the rest of the run keeps the settled stem."""
    wanted = tmp_path / f"{STAMP}.jsonl"
    wanted.write_text("other process\n")
    storage = AtomicFileFeedStorage(str(wanted), feed_options={"format": "jsonlines"})
    file = storage.open(Spider("almayadeen"))
    file.write(b"{}\n")
    storage.store(file)
    assert storage.final == tmp_path / f"{STAMP}-2.jsonl"
    assert storage.final.read_bytes() == b"{}\n" and wanted.read_text() == "other process\n"
    assert "was taken meanwhile" in caplog.text
