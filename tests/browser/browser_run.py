"""Running the browser test spider in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    command = [
        sys.executable, "-m", "scrapy", "runspider", str(HERE / "sitespider.py"),
        "-a", f"base={base}", "-a", f"starts={','.join(starts)}", "-a", f"stats_file={stats}",
        "-O", f"{items}:jsonlines",
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    proc = subprocess.run(
        command,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = items.read_text().splitlines() if items.exists() else []
    return Run(
        items=[json.loads(line) for line in lines],
        stats=json.loads(stats.read_text()) if stats.exists() else {},
        log=proc.stderr,
        returncode=proc.returncode,
    )
