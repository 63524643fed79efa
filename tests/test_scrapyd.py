"""The scrapyd recipe as written: deploy the project with ``scrapyd-deploy`` and scrapy.cfg's
``[deploy:scheduled]`` target to a real scrapyd on a free loopback port, schedule runs through
its HTTP API, and read the feeds they wrote.

The project is copied to a temporary directory first: ``scrapyd-deploy`` builds the egg in
place (``build/``, egg-info), which must not touch the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.support.feeds import read_feeds, read_rejects
from tests.support.score import assert_matches_truth

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.timeout(300)


def project_copy(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=PROJECT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    for name in files:
        if name.startswith(("tests/", "bench/")) or not (PROJECT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, target / name)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as resp:
        answer: dict[str, Any] = json.load(resp)
    assert answer.get("status") == "ok", answer
    return answer


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    home = tmp_path / "scrapyd"
    home.mkdir()
    for _attempt in range(5):
        port = free_port()
        (home / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
            "eggs_dir = eggs\nlogs_dir = logs\nitems_dir =\ndbs_dir = dbs\n"
            "max_proc = 1\npoll_interval = 0.5\n"
        )
        log = (home / "scrapyd.log").open("ab")  # scrapyd's own log: how each job ended
        proc = subprocess.Popen(
            [str(BIN / "scrapyd"), "--nodaemon", "--pidfile="],
            cwd=home, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                api(base, "daemonstatus.json")
                break
            except OSError:
                time.sleep(0.2)
        if proc.poll() is None:
            break
    else:
        pytest.fail("scrapyd did not start")
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_finished(base: str, job: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = api(base, "listjobs.json?project=newscrawl")
        for entry in jobs["finished"]:
            if entry["id"] == job:
                return dict(entry)
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish in {timeout}s: {jobs}")


def test_deploy_and_schedule_through_scrapyd(tmp_path: Path, scrapyd: str) -> None:
    checkout = project_copy(tmp_path / "checkout")
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "scheduled", "--version", "r1"],
        cwd=checkout, capture_output=True, text=True, timeout=180,
        env={**os.environ, "NEWSCRAWL_SCRAPYD_URL": scrapyd + "/"},
    )  # fmt: skip
    assert deploy.returncode == 0, deploy.stderr
    assert json.loads(deploy.stdout)["spiders"] >= 1
    assert api(scrapyd, "listspiders.json?project=newscrawl")["spiders"] == ["almayadeen"]

    out = tmp_path / "output"
    with ReplicaServer(articles=120, seed=4) as replica:
        schedule = [
            ("project", "newscrawl"),
            ("spider", "almayadeen"),
            ("base_url", replica.base_url),
            ("mode", "incremental"),
            ("setting", f"NEWSCRAWL_OUTPUT_DIR={out}"),
            ("setting", "NEWSCRAWL_PROFILE=replica"),
        ]
        first = api(scrapyd, "schedule.json", schedule)["jobid"]
        wait_finished(scrapyd, first)
        replica.publish(new=3, edit=0)
        second = api(scrapyd, "schedule.json", schedule)["jobid"]
        wait_finished(scrapyd, second)
        truth = replica.truth()
    # A job whose site is unreachable: scrapyd records the crawl's exit status 4.
    unreachable = [
        ("project", "newscrawl"),
        ("spider", "almayadeen"),
        ("base_url", f"http://127.0.0.1:{free_port()}"),
        ("setting", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'unreachable'}"),
        ("setting", "NEWSCRAWL_PROFILE=replica"),
    ]
    failed = api(scrapyd, "schedule.json", unreachable)["jobid"]
    wait_finished(scrapyd, failed)
    scrapyd_log = (tmp_path / "scrapyd" / "scrapyd.log").read_text("utf-8", "replace")
    ended = [line for line in scrapyd_log.splitlines() if f"job='{failed}'" in line]
    assert any("Process died: exitstatus=4" in line for line in ended), ended
    assert not any(
        "Process died" in line for line in scrapyd_log.splitlines() if f"job='{first}'" in line
    )

    stats = [json.loads(p.read_text()) for p in sorted(out.rglob("*.stats.json"))]
    assert [s["finish_reason"] for s in stats] == ["finished", "finished"], stats
    assert stats[0]["new"] == 120 and stats[0]["errors"] == 0
    assert (stats[1]["new"], stats[1]["updated"]) == (3, 0)
    records = read_feeds(out)
    assert_matches_truth(records, truth, rejects=read_rejects(out))
    assert len(records) == 123
