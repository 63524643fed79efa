"""Run ``scrapy crawl`` (a subprocess) and read the health it judged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.crawl import CrawlResult, run_crawl, run_files


def health_of(result: CrawlResult) -> dict[str, Any]:
    """The run's ``X.health.json`` (the newest one in its output folder)."""
    files = run_files(result.out_dir, "*.health.json")
    assert files, result.log[-3000:]
    health: dict[str, Any] = json.loads(files[-1].read_text("utf-8"))
    return health


def checks_of(health: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in health["checks"]}


def crawl(base_url: str, out: Path, *args: str, **settings: Any) -> CrawlResult:
    """One crawl of ``base_url`` with output (and the job's state) under ``out``."""
    return run_crawl(base_url, out, *args, settings=settings)
