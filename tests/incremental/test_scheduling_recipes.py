"""The crontab line and the systemd units of docs/scheduling.md work as written.

The recipes are read from the document itself. Only what must differ on a test machine is
replaced: the checkout path (``/srv/newscrawl``), the service user, and, appended to the crawl
command, the replica to crawl and an output directory in the test's temporary directory.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import PROJECT, crawl_env, wait_for_feed_line
from tests.support.feeds import read_feeds, read_rejects
from tests.support.score import assert_matches_truth
from tests.support.wait import wait_until

DOC = PROJECT / "docs" / "scheduling.md"
CHECKOUT = "/srv/newscrawl"
CRON_FIELDS = re.compile(r"^([0-9*/,-]+ ){5}")

pytestmark = pytest.mark.timeout(300)


def indented_blocks(after: str) -> str:
    """The indented block that follows the line ``after`` in the document."""
    lines = DOC.read_text("utf-8").splitlines()
    start = lines.index(after) + 1
    while not lines[start].startswith("    "):
        start += 1
    block = []
    for line in lines[start:]:
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block).strip() + "\n"


def overrides(base_url: str, out: Path) -> str:
    return (
        f" -a base_url={base_url} -s NEWSCRAWL_PROFILE=replica -s NEWSCRAWL_OUTPUT_DIR={out}"
        f" -s NEWSCRAWL_STATE_DIR={out / 'state'}"
    )


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=60, seed=8) as server:
        yield server


def cron_command(base_url: str, tmp_path: Path, extra: str = "") -> tuple[str, Path]:
    """The documented crontab line's command (against ``base_url``, with ``extra`` options),
    and its log."""
    [line] = [
        line.strip()
        for line in DOC.read_text("utf-8").splitlines()
        if CRON_FIELDS.match(line.strip()) and "edition=" not in line
    ]
    fields = CRON_FIELDS.match(line)
    assert fields is not None
    schedule, command = fields.group(0).split(), line[fields.end() :]
    assert schedule[1:] == ["*", "*", "*", "*"] and 0 <= int(schedule[0]) < 60  # hourly
    crawl, redirect = command.split(" >> ")
    log = tmp_path / "cron.log"
    command = (
        crawl.replace(CHECKOUT, str(PROJECT)) + overrides(base_url, tmp_path) + extra
        + f" >> {log} " + redirect.split(" ", 1)[1]
    )  # fmt: skip
    return command, log


def run_cron_line(base_url: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the documented crontab line (against ``base_url``); what cron would mail, and the log."""
    command, log = cron_command(base_url, tmp_path)
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=crawl_env(), capture_output=True, text=True, timeout=240,
        check=False,
    )  # fmt: skip
    return done, log


def test_the_crontab_line_runs_a_crawl(replica: ReplicaServer, tmp_path: Path) -> None:
    done, log = run_cron_line(replica.base_url, tmp_path)
    assert done.returncode == 0, log.read_text()[-3000:]
    assert done.stdout == ""  # nothing for cron to mail
    assert "Run stats: incremental run finished" in log.read_text()
    records = read_feeds(tmp_path)
    assert_matches_truth(records, replica.truth(), rejects=read_rejects(tmp_path))
    assert len(records) == 60


def test_the_crontab_line_reports_a_failed_run(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    done, log = run_cron_line(closed, tmp_path)
    assert done.stdout.startswith("newscrawl failed with exit status 4;"), done.stdout
    assert f"site {closed} unreachable" in log.read_text()


def test_the_crontab_line_does_not_report_a_stop(replica: ReplicaServer, tmp_path: Path) -> None:
    # Paced, so that the run is still crawling when it is stopped (as a shutdown would).
    command, log = cron_command(
        replica.base_url, tmp_path, " -s CONCURRENT_REQUESTS=1 -s DOWNLOAD_DELAY=1"
    )
    shell = subprocess.Popen(
        ["/bin/sh", "-c", command], env=crawl_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        wait_for_feed_line(shell, tmp_path)
        children = subprocess.run(
            ["pgrep", "-P", str(shell.pid)], capture_output=True, text=True, check=True
        )
        [crawl] = children.stdout.split()  # the scrapy process the shell waits for
        os.kill(int(crawl), signal.SIGTERM)
        mailed, _ = shell.communicate(timeout=120)
    finally:
        shell.kill()
    assert "exit status 6: stopped" in log.read_text()
    assert mailed == ""  # nothing for cron to mail


def test_the_systemd_units_verify_and_the_service_runs_a_crawl(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    service = indented_blocks("`/etc/systemd/system/newscrawl.service`:")
    timer = indented_blocks("`/etc/systemd/system/newscrawl.timer`:")
    service = service.replace(CHECKOUT, str(PROJECT)).replace(
        "User=newscrawl", f"User={getpass.getuser()}"
    )
    (tmp_path / "newscrawl.service").write_text(service)
    (tmp_path / "newscrawl.timer").write_text(timer)
    alert = indented_blocks(
        "`/etc/systemd/system/newscrawl-alert@.service` (any command that reaches you; here the"
        " unit's"
    )
    (tmp_path / "newscrawl-alert@.service").write_text(alert)
    assert "OnFailure=newscrawl-alert@%n.service" in service
    if shutil.which("systemd-analyze"):
        verify = subprocess.run(
            ["systemd-analyze", "verify", "newscrawl.service", "newscrawl.timer",
             "newscrawl-alert@.service"],
            cwd=tmp_path, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert verify.returncode == 0, verify.stderr
    assert "OnCalendar=hourly" in timer
    values = dict(
        line.split("=", 1) for line in service.splitlines() if "=" in line and line[0] != "#"
    )
    assert values["Type"] == "oneshot" and values["KillSignal"] == "SIGINT"
    # A run that SIGINT stopped exits 6 (stopped on request): not a failure for the unit.
    assert values["SuccessExitStatus"] == "6"
    command = shlex.split(values["ExecStart"] + overrides(replica.base_url, tmp_path))
    done = subprocess.run(
        command, cwd=values["WorkingDirectory"], env=crawl_env(), capture_output=True,
        text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Run stats: incremental run finished" in done.stderr
    records = read_feeds(tmp_path)
    assert_matches_truth(records, replica.truth(), rejects=read_rejects(tmp_path))
    assert len(records) == 60


def test_the_watch_service_verifies_runs_a_watch_and_stops_on_its_signal(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    service = indented_blocks("`/etc/systemd/system/newscrawl-watch.service`:")
    service = service.replace(CHECKOUT, str(PROJECT)).replace(
        "User=newscrawl", f"User={getpass.getuser()}"
    )
    (tmp_path / "newscrawl-watch.service").write_text(service)
    alert = indented_blocks(
        "`/etc/systemd/system/newscrawl-alert@.service` (any command that reaches you; here the"
        " unit's"
    )
    (tmp_path / "newscrawl-alert@.service").write_text(alert)
    if shutil.which("systemd-analyze"):
        verify = subprocess.run(
            ["systemd-analyze", "verify", "newscrawl-watch.service", "newscrawl-alert@.service"],
            cwd=tmp_path, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert verify.returncode == 0, verify.stderr
    values = dict(
        line.split("=", 1) for line in service.splitlines() if "=" in line and line[0] != "#"
    )
    assert values["Restart"] == "on-failure" and "-a mode=watch" in values["ExecStart"]
    # Small intervals for the test; the rest as written.
    quick = " -s NEWSCRAWL_WATCH_PUBLISH_SECONDS=1 -a every=1"
    command = shlex.split(values["ExecStart"] + overrides(replica.base_url, tmp_path) + quick)
    log = tmp_path / "watch.log"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            command, cwd=values["WorkingDirectory"], env=crawl_env(), stdout=subprocess.DEVNULL,
            stderr=stderr, text=True,
        )  # fmt: skip
    try:
        wait_until(
            lambda: "Checkpoint: the run so far is complete" in log.read_text(),
            "the watch's first checkpoint",
            timeout=120,
            proc=proc,
        )
    finally:
        proc.send_signal(getattr(signal, values["KillSignal"]))
        status = proc.wait(int(values["TimeoutStopSec"]))
    # The stop status is one the unit counts as success, so it does not restart on it.
    assert str(status) in values["SuccessExitStatus"].split()
    assert not list(tmp_path.rglob("*.jsonl.part"))
    assert_matches_truth(read_feeds(tmp_path), replica.truth(), rejects=read_rejects(tmp_path))
