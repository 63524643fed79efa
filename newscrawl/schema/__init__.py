"""The record contract: field list, JSON Schema and the content fingerprint.

This module is the single source of truth shared by the crawler, the replica's ground
truth and the tests. It holds no extraction code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

SCHEMA_VERSION = 1

#: Every key of a record, in the order the feed writes them.
FIELDS: tuple[str, ...] = (
    "schema_version",
    "url",
    "fetched_url",
    "alternate_urls",
    "site",
    "edition",
    "language",
    "post_id",
    "content_type",
    "section_group",
    "section",
    "region",
    "coverage",
    "title",
    "description",
    "authors",
    "source",
    "date_published",
    "date_modified",
    "date_published_raw",
    "tags",
    "keywords",
    "body",
    "word_count",
    "read_time_minutes",
    "shares",
    "views",
    "main_image",
    "images",
    "video",
    "related",
    "crawled_at",
    "fingerprint",
    "version",
    "archive",
)

#: Fields that depend on the crawl rather than on the page; the ground truth leaves them out.
CRAWL_FIELDS: frozenset[str] = frozenset(
    {"fetched_url", "alternate_urls", "crawled_at", "version", "archive"}
)

#: Fields whose values make up the fingerprint. A change to any of them is an edit.
CONTENT_FIELDS: tuple[str, ...] = (
    "url",
    "title",
    "description",
    "authors",
    "source",
    "date_published",
    "date_modified",
    "tags",
    "keywords",
    "body",
    "main_image",
    "video",
)

#: Fields that are lists when known and ``[]`` when not.
LIST_FIELDS: frozenset[str] = frozenset(
    {"alternate_urls", "authors", "tags", "keywords", "images", "related"}
)


def fingerprint(record: Mapping[str, Any]) -> str:
    """sha256 (hex) over the content fields of ``record``, independent of key order."""
    content = {name: record.get(name) for name in CONTENT_FIELDS}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def empty_record() -> dict[str, Any]:
    """A record with every key present and every value unknown."""
    record: dict[str, Any] = {name: ([] if name in LIST_FIELDS else None) for name in FIELDS}
    record["schema_version"] = SCHEMA_VERSION
    record["word_count"] = 0
    record["version"] = 1
    return record


@lru_cache(maxsize=1)
def json_schema() -> dict[str, Any]:
    """The JSON Schema of one feed line (``article.schema.json``)."""
    text = resources.files(__package__).joinpath("article.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
