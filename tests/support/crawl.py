"""Run ``scrapy crawl almayadeen`` the way users and schedulers do (a subprocess) against a replica,
and collect what the run wrote. The one crawl-runner of the tests and benchmarks.

    result = run_crawl(replica.base_url, tmp_path, "discover=listings", settings={...})
    result.records, result.rejects, result.summary, result.stats, result.log

``args`` are ``name=value`` spider arguments (``-a``); an argument starting with ``-`` is a
Scrapy option passed as it is, in one piece (``--output=file.jsonl``) or followed by its value
(``-O``, ``file.jsonl``). ``settings`` go in as ``-s`` after the replica profile and the output
folder, so they win.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.wait import wait_until

from .feeds import files_under, read_jsonl

PROJECT = Path(__file__).resolve().parents[2]
#: A log line at WARNING or above, as Scrapy's log format writes it.
LOUD = re.compile(r"^\S+ \S+ \[[^\]]+\] (WARNING|ERROR|CRITICAL): ")
#: Scrapy options whose value is the next argument.
VALUE_OPTIONS = frozenset({"-o", "-O", "-t", "--output", "--overwrite-output", "--output-format"})


def scrapy_command(*args: str) -> list[str]:
    """``python -m scrapy ...`` with this interpreter."""
    return [sys.executable, "-m", "scrapy", *args]


def crawl_command(
    base_url: str,
    out_dir: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    edition: str | None = None,
) -> list[str]:
    """The command line of one crawl of ``base_url`` writing under ``out_dir``."""
    cmd = scrapy_command("crawl", "almayadeen")
    if edition:
        cmd += ["-a", f"edition={edition}"]
    if base_url:
        cmd += ["-a", f"base_url={base_url}"]
    takes_value = False
    for arg in args:
        if arg.startswith("-") or takes_value:
            cmd.append(arg)
            # ``-O file``: the option's value follows as it is.
            takes_value = not takes_value and arg in VALUE_OPTIONS
        else:
            cmd += ["-a", arg]
    merged = {"NEWSCRAWL_PROFILE": "replica", "NEWSCRAWL_OUTPUT_DIR": str(out_dir)}
    merged.update(settings or {})
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def crawl_env(**extra: str) -> dict[str, str]:
    """The environment of a crawl: unbuffered output, the project's own settings module (unless
    ``extra`` names another), and ``extra``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return {**env, **extra}


def run_files(out_dir: Path, pattern: str) -> list[Path]:
    """Files matching ``pattern`` under ``out_dir``, oldest first."""
    return sorted(out_dir.rglob(pattern), key=lambda p: (p.stat().st_mtime_ns, str(p)))


@dataclass
class CrawlResult:
    """What one run wrote: its feed's records and rejects, its summary and run stats."""

    returncode: int
    log: str
    stdout: str
    summary: dict[str, Any]
    stats: dict[str, Any]
    seconds: float
    out_dir: Path = field(repr=False)
    #: Where the crawl fetched from (``-a base_url``).
    base_url: str = ""
    records: list[dict[str, Any]] = field(default_factory=list, repr=False)
    rejects: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def feed(self) -> Path | None:
        return Path(self.summary["feed"]) if self.summary.get("feed") else None

    def by_url(self) -> dict[str, dict[str, Any]]:
        return {r["url"]: r for r in self.records}

    @property
    def warnings(self) -> list[str]:
        """The log's lines at WARNING or above (a healthy run has none)."""
        return [line for line in self.log.splitlines() if LOUD.search(line)]


def collect(
    out_dir: Path, before: Iterable[Path], returncode: int, log: str, stdout: str, seconds: float
) -> CrawlResult:
    """The result of the run that wrote the summary and stats files not in ``before``."""
    known = set(before)
    summaries = [p for p in run_files(out_dir, "*.summary.json") if p not in known]
    stats_files = [p for p in run_files(out_dir, "*.stats.json") if p not in known]
    summary: dict[str, Any] = json.loads(summaries[-1].read_text("utf-8")) if summaries else {}
    stats: dict[str, Any] = json.loads(stats_files[-1].read_text("utf-8")) if stats_files else {}
    result = CrawlResult(returncode, log, stdout, summary, stats, seconds, out_dir)
    result.records = read_jsonl(result.feed)
    if summary.get("rejects_file"):
        result.rejects = read_jsonl(summary["rejects_file"])
    return result


def _known(out_dir: Path) -> list[Path]:
    return run_files(out_dir, "*.summary.json") + run_files(out_dir, "*.stats.json")


def run_crawl(
    base_url: str,
    out_dir: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    edition: str | None = None,
    timeout: float = 900,
    prefix: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """Crawl ``base_url`` to the end with the real spider and read what the run wrote (a run
    still going after ``timeout`` seconds fails the caller); ``prefix``: words run before the
    command (``tests.support.readonly``); ``env``: extra environment variables
    (``SCRAPY_SETTINGS_MODULE`` of a test's own settings)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    before = _known(out_dir)
    started = time.monotonic()
    proc = subprocess.run(
        [*prefix, *crawl_command(base_url, out_dir, *args, settings=settings, edition=edition)],
        cwd=PROJECT, env=crawl_env(**(env or {})), capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    result = collect(out_dir, before, proc.returncode, proc.stderr, proc.stdout, seconds)
    result.base_url = base_url
    return result


def start_crawl(
    base_url: str,
    out_dir: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    edition: str | None = None,
) -> subprocess.Popen[str]:
    """Start a crawl in the background; its log goes to ``out_dir/logs/run-NNN.log``."""
    logs = (out_dir / "logs").resolve()
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"run-{len(list(logs.iterdir())):03d}.log"
    with log.open("w") as stderr:
        return subprocess.Popen(
            crawl_command(base_url, out_dir, *args, settings=settings, edition=edition),
            cwd=PROJECT, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=stderr, text=True,
        )  # fmt: skip


def feed_lines(out_dir: Path) -> int:
    """Lines the running crawl has written to its feed so far."""
    parts = out_dir.glob("almayadeen/*/*.jsonl.part")  # not rglob: queues come and go below
    return sum(_lines(part) for part in parts)


def _lines(part: Path) -> int:
    """Complete lines of a feed being written; 0 once it is published (renamed) meanwhile."""
    try:
        return part.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def kill_after_lines(
    proc: subprocess.Popen[str], out_dir: Path, lines: int, timeout: float
) -> None:
    """SIGKILL the crawl ``proc`` once its feed holds ``lines`` lines."""
    wait_until(
        lambda: feed_lines(out_dir) >= lines, f"{lines} feed lines", timeout=timeout, proc=proc
    )
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"


def last_log(out_dir: Path) -> Path:
    """The log of the run ``start_crawl`` started last under ``out_dir``."""
    return max((out_dir / "logs").glob("run-*.log"))


def wait_for_log(
    proc: subprocess.Popen[str], out_dir: Path, text: str = "Crawl state", timeout: float = 90
) -> None:
    """Wait until the run started last logs ``text`` (by default: it holds its job and has
    opened the state)."""
    log = last_log(out_dir)
    wait_until(lambda: text in log.read_text(), f"{text!r} in {log}", timeout=timeout, proc=proc)


def wait_for_feed_line(proc: subprocess.Popen[str], out_dir: Path, timeout: float = 120) -> None:
    """Wait until a run has written a complete line to a feed it has not published yet (it is
    crawling)."""
    wait_until(
        lambda: any(_lines(part) for part in files_under(out_dir, "*.jsonl.part")),
        f"a feed line under {out_dir}",
        timeout=timeout,
        proc=proc,
    )
