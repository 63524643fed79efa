"""Validation: a record that lacks what makes it a record goes to the rejects file, whole.

A record needs a title, a URL, and a body or a media object (main image, images or video);
every record must also match ``newscrawl/schema/article.schema.json``. A rejected record is
written with the reasons to the rejects file beside the feed (``X.rejects.jl`` beside
``X.jsonl``, JSON Lines), so nothing is lost.

The rejects file is written like the feed: as ``X.rejects.jl.part``, one unbuffered write per
line, ``fsync``-ed every ``NEWSCRAWL_FEED_FSYNC_EVERY`` lines, renamed when the run closes. A
killed run's part file is finished by the next run of the job (:mod:`newscrawl.state.reconcile`).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.config import crawl_settings
from newscrawl.output.feeds import LineDurableFile, fsync_dir, part_path
from newscrawl.output.runfiles import REJECTS_SUFFIX, RUN_REJECTS
from newscrawl.schema import fingerprint, json_schema

logger = logging.getLogger(__name__)


def record_problems(record: dict[str, Any], validator: Draft202012Validator) -> list[str]:
    """Why ``record`` cannot be emitted (empty list: it can)."""
    problems: list[str] = []
    if not record.get("title"):
        problems.append("missing title")
    if not record.get("url"):
        problems.append("missing url")
    has_media = bool(record.get("main_image") or record.get("images") or record.get("video"))
    if not record.get("body") and not has_media:
        problems.append("no body and no media")
    if validator.is_valid(record):  # the common case, without building error objects
        return problems
    for error in sorted(validator.iter_errors(record), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(record)"
        problems.append(f"schema: {where}: {error.message}")
    return problems


class RejectsWriter:
    """Writes rejected records to ``path.part`` (created on the first reject), renamed to
    ``path`` on :meth:`close`."""

    def __init__(self, path: Path, fsync_every: int = 100) -> None:
        self.path = path
        self.fsync_every = fsync_every
        self._file: LineDurableFile | None = None
        self.count = 0

    def write(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._file = LineDurableFile(part_path(self.path), self.fsync_every)
            except FileExistsError:
                raise FileExistsError(
                    f"{part_path(self.path)} was left by a killed run that no crawl state "
                    "finished; move it aside (its complete lines are its rejects)"
                ) from None
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        self._file.write(line.encode("utf-8"))
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            os.replace(part_path(self.path), self.path)
            fsync_dir(self.path.parent)


class ValidationPipeline:
    def __init__(self, crawler: Crawler, rejects_path: Path) -> None:
        self.crawler = crawler
        self.validator = Draft202012Validator(json_schema())
        fsync_every = crawl_settings(crawler.settings).feed_fsync_every
        self.rejects = RejectsWriter(rejects_path, fsync_every)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get(RUN_REJECTS) or f"output/rejects{REJECTS_SUFFIX}"
        return cls(crawler, Path(path))

    def close_spider(self) -> None:
        self.rejects.close()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("fingerprint") and "fingerprint" in adapter.field_names():
            adapter["fingerprint"] = fingerprint(adapter.asdict())
        record = adapter.asdict()
        problems = record_problems(record, self.validator)
        if not problems:
            return item
        stats = self.crawler.stats
        stats.inc_value("newscrawl/rejects")
        for problem in problems:
            stats.inc_value(f"newscrawl/rejects/{problem.split(':', 2)[:2][-1].strip()}")
        self.rejects.write(
            {"reasons": problems, "fetched_url": record.get("fetched_url"), "record": record}
        )
        raise DropItem(f"rejected ({'; '.join(problems)}): {record.get('fetched_url')}")
