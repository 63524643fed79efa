"""``python -m newscrawl.state``: every command the docs show, run as written; a missing state
is reported, not created; a corrupt one is named, and ``rebuild`` restores it from the feeds so
that the next incremental run emits nothing already delivered."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.state import CrawlState
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import PROJECT, crawl_env, run_crawl
from tests.support.feeds import read_feeds
from tests.support.readonly import read_only_prefix

pytestmark = pytest.mark.timeout(300)

SITE = "https://english.almayadeen.net"
DOCS = (PROJECT / "docs" / "scheduling.md", PROJECT / "newscrawl" / "state" / "__main__.py")


def documented_commands() -> list[str]:
    commands = []
    for path in DOCS:
        for line in path.read_text("utf-8").splitlines():
            if line.strip().startswith("python -m newscrawl.state "):
                commands.append(line.strip())
    return commands


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    assert argv[0] == "python"
    return subprocess.run(
        [sys.executable, *argv[1:]], cwd=cwd, env=crawl_env(), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_state_commands_as_documented_and_a_corrupt_state_rebuilt(tmp_path: Path) -> None:
    commands = documented_commands()
    assert {c.split()[3] for c in commands} == {"show", "rebuild"}, commands
    out = tmp_path / "output"
    with ReplicaServer(articles=80, seed=13) as replica:
        first = run_crawl(replica.base_url, out)
        assert first.returncode == 0, first.log[-3000:]
        delivered = read_feeds(out)
        for command in commands:  # as written, from the folder they are written for
            done = run(command, tmp_path)
            assert done.returncode == 0, (command, done.stderr)
            if " show" in command:
                assert json.loads(done.stdout)["articles"] == len(delivered)

        missing = run("python -m newscrawl.state show --state-dir output/mistyped", tmp_path)
        assert missing.returncode == 1
        assert "no crawl state in output/mistyped" in missing.stderr
        assert not (out / "mistyped").exists()  # nothing created

        state_file = out / "state" / "crawl-state.sqlite3"
        state_file.write_bytes(b"this is not a database\n" * 400)
        shown = run("python -m newscrawl.state show", tmp_path)
        assert shown.returncode == 1 and "Traceback" not in shown.stderr
        assert f"The crawl state {Path('output/state/crawl-state.sqlite3')} is corrupt" in (
            shown.stderr
        )

        refused = run_crawl(replica.base_url, out)
        assert refused.returncode == 1
        assert f"The crawl state {state_file} is corrupt" in refused.log
        repair = re.search(r"python -m newscrawl\.state rebuild \S+ --state-dir \S+", refused.log)
        assert repair, refused.log[-3000:]
        assert repair[0].split()[4] == str(out / "almayadeen" / "en")
        rebuilt = run(repair[0], tmp_path)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "was corrupt" in rebuilt.stderr and "moved it to" in rebuilt.stderr
        assert list((out / "state").glob("crawl-state.sqlite3.corrupt-*"))
        state = CrawlState(out / "state")
        assert set(state.articles()) == {r["url"] for r in delivered}
        state.close()

        after = run_crawl(replica.base_url, out)
        assert after.returncode == 0, after.log[-3000:]
        assert (after.stats["new"], after.stats["updated"]) == (0, 0)
        assert len(read_feeds(out)) == len(delivered)  # nothing delivered twice


def test_show_reads_a_state_on_a_read_only_file_system(tmp_path: Path) -> None:
    """A healthy state on a read-only mount is shown, not called corrupt."""
    state_dir = tmp_path / "state"
    state = CrawlState(state_dir)
    with state.transaction() as db:
        for n in range(3):
            record = {"url": f"{SITE}/news/politics/a-{n}", "version": 1, "fingerprint": f"f{n}"}
            state.absorb(db, record)
    state.close()
    before = sorted(p.name for p in state_dir.iterdir())
    command = ["-m", "newscrawl.state", "show", "--state-dir", str(state_dir)]
    shown = subprocess.run(
        [*read_only_prefix(state_dir), sys.executable, *command], cwd=tmp_path, env=crawl_env(),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["articles"] == 3
    assert "corrupt" not in shown.stderr and "rebuild" not in shown.stderr
    assert sorted(p.name for p in state_dir.iterdir()) == before  # nothing moved aside


def test_a_run_whose_state_directory_is_read_only_names_it_and_says_what_to_do(
    tmp_path: Path,
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    with ReplicaServer(articles=20, seed=13) as replica:
        run = run_crawl(
            replica.base_url, tmp_path / "out", settings={"NEWSCRAWL_STATE_DIR": state_dir},
            prefix=read_only_prefix(state_dir),
        )  # fmt: skip
    assert run.returncode == 1
    error = [line for line in run.log.splitlines() if line.startswith("error:")]
    assert error == [
        f"error: The crawl state {state_dir} cannot be written (Read-only file system). A run of "
        f"the job keeps its lock and crawl state in {state_dir}: make it writable, point "
        "NEWSCRAWL_STATE_DIR at a writable directory, or export the crawl with -O FILE.jsonl "
        "(an export keeps no state)"
    ]
    assert "Traceback" not in run.log and "OSError(" not in run.log
    assert not run.records and not list(state_dir.iterdir())
