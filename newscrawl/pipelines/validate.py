"""Validation: a record that lacks what makes it a record goes to the rejects file, whole.

A record needs a title, a URL, and a body or a media object (main image, images or video);
every record must also match ``newscrawl/schema/article.schema.json``. A rejected record is
written to the rejects JSONL beside the feed with the reasons, so nothing is lost.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import IO, Any, Self

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.pipelines.output import RUN_REJECTS
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
    """Appends rejected records to a JSONL file, opened on the first reject."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None
        self.count = 0

    def write(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self._file.flush()
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class ValidationPipeline:
    def __init__(self, crawler: Crawler, rejects_path: Path) -> None:
        self.crawler = crawler
        self.validator = Draft202012Validator(json_schema())
        self.rejects = RejectsWriter(rejects_path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get(RUN_REJECTS) or "output/rejects.jsonl"
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
