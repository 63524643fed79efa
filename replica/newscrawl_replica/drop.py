"""``--drop-field FIELD``: article pages rendered without one field's element and metadata, as
after a redesign that loses it. The truth follows the pages (the field is empty there too).

Each droppable record field names the attributes of :class:`~newscrawl_replica.model.Article`
that feed it (its element, its meta tags and tawsiyat entries) and their empty values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from newscrawl_replica.model import Article

DROPPABLE: dict[str, dict[str, Any]] = {
    "tags": {"tags": ()},
    "keywords": {"keywords_raw": ""},
    "authors": {"authors": ()},
    "description": {"description": None},
    "source": {"source": None},
    "main_image": {"main_image": None},
    "shares": {"shares": None},
    "views": {"views": None},
    "read_time_minutes": {"read_time": None},
}


def check_droppable(fields: Iterable[str]) -> tuple[str, ...]:
    """The fields, or ValueError naming one that cannot be dropped."""
    chosen = tuple(fields)
    for name in chosen:
        if name not in DROPPABLE:
            raise ValueError(f"--drop-field {name!r}: use one of {', '.join(sorted(DROPPABLE))}")
    return chosen


def without(article: Article, fields: Iterable[str]) -> Article:
    """``article`` with the given record fields' sources emptied."""
    for name in fields:
        article = replace(article, **DROPPABLE[name])
    return article
