"""Running the browser test spider in a subprocess."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.crawl import crawl_env, scrapy_command
from tests.support.feeds import read_jsonl

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


@dataclass
class Run:
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    returncode: int


def run_site_spider(
    tmp_path: Path, base: str, starts: list[str], *settings: str, env: dict[str, str] | None = None
) -> Run:
    """``scrapy runspider`` the test spider over the test site, in a subprocess."""
    items = tmp_path / "items.jsonl"
    stats = tmp_path / "stats.json"
    command = scrapy_command(
        "runspider", str(HERE / "sitespider.py"),
        "-a", f"base={base}", "-a", f"starts={','.join(starts)}", "-a", f"stats_file={stats}",
        "-O", f"{items}:jsonlines",
    )  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    proc = subprocess.run(
        command,
        cwd=tmp_path,
        env=crawl_env(PYTHONPATH=str(ROOT), **(env or {})),
        capture_output=True,
        text=True,
        timeout=240,
    )
    return Run(
        items=read_jsonl(items),
        stats=json.loads(stats.read_text()) if stats.exists() else {},
        log=proc.stderr,
        returncode=proc.returncode,
    )
