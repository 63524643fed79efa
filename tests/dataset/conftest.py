"""One crawl history shared by the dataset tests (built once per session, it takes minutes):
a replica crawl of 1,600 articles, then 20 new and 5 edited articles crawled again, the dataset
built after each run (``python -m newscrawl.dataset build``, as a scheduled job runs it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import PROJECT, run_crawl

ARTICLES = 1600


def dataset_command(command: str, output_dir: Path) -> list[str]:
    return [sys.executable, "-m", "newscrawl.dataset", command, str(output_dir)]


def run_dataset(command: str, output_dir: Path) -> subprocess.CompletedProcess[str]:
    """``python -m newscrawl.dataset COMMAND OUTPUT_DIR``, as users run it."""
    return subprocess.run(
        dataset_command(command, output_dir),
        cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def build(output_dir: Path) -> float:
    """Build the dataset; fail with its output unless it succeeded. Returns the seconds taken."""
    started = time.monotonic()
    done = run_dataset("build", output_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    return time.monotonic() - started


@dataclass
class History:
    job: Path  #: the job's output directory after both runs, dataset built after each
    after_first: Path  #: a copy of the job's output directory after the first run's build
    second_feeds: list[Path]  #: the files the second run wrote (feed, stats, summary)
    published: dict[str, list[str]]  #: the replica's answer: new and edited URLs
    truth: dict[str, dict[str, Any]]  #: the replica's records after the edits, by URL
    first_titles: dict[str, str]  #: each edited article's title before the edit
    second_build_seconds: float


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    root = tmp_path_factory.mktemp("dataset")
    job = root / "job"
    with ReplicaServer(articles=ARTICLES, seed=3) as replica:
        first = run_crawl(replica.base_url, job)
        assert first.returncode == 0, first.log[-3000:]
        build(job)
        after_first = root / "after-first"
        shutil.copytree(job, after_first)
        before = set(job.rglob("*"))
        published = replica.publish(new=20, edit=5)
        titles = {r["url"]: r["title"] for r in first.records}
        second = run_crawl(replica.base_url, job)
        assert second.returncode == 0, second.log[-3000:]
        seconds = build(job)
        truth = {t["record"]["url"]: t["record"] for t in replica.truth()}
    second_files = sorted(p for p in set(job.rglob("*")) - before
                          if p.is_file() and p.parent.parent.name == "almayadeen")  # fmt: skip
    yield History(
        job=job,
        after_first=after_first,
        second_feeds=second_files,
        published=published,
        truth=truth,
        first_titles={url: titles[url] for url in published["edited"] if url in titles},
        second_build_seconds=seconds,
    )
