"""The web archive: the pages a crawl fetched, kept in WARC files (ISO 28500), and re-extraction
from them without the network (docs/archive.md).

- :mod:`newscrawl.archive.warc`: writing (rotated, published atomically like the feeds),
  finishing a killed run's files, reading a record back;
- :mod:`newscrawl.archive.middleware`: archiving while crawling (``-s NEWSCRAWL_ARCHIVE=warc``);
- :mod:`newscrawl.archive.replay`: serving archived pages to a crawl in place of the network
  (``-a reextract=DIR``), and the report of what changed.
"""

from __future__ import annotations

from datetime import datetime

from newscrawl.dates import parse_iso

#: Request meta: where the response is archived (``{"file", "record_id", "offset"}``), set by
#: the archiving middleware or by the replay of an archive; the record's ``archive`` field.
ARCHIVE_META = "newscrawl_archive"
#: Request meta: when an archived response was fetched (its ``WARC-Date``): the record's
#: ``crawled_at``.
ARCHIVED_AT = "newscrawl_archived_at"


def archived_at(meta: dict[str, object]) -> datetime | None:
    """When an archived response was fetched, or ``None`` for a response from the network."""
    value = meta.get(ARCHIVED_AT)
    return parse_iso(value) if isinstance(value, str) else None
