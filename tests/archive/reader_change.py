"""The project's settings with one reader change: a record keeps two keywords at most.

A re-extraction run started with ``SCRAPY_SETTINGS_MODULE=tests.archive.reader_change`` reads the
archive through this changed reader (the swapped normalizer applies in that process only).
"""

from __future__ import annotations

from itemloaders.processors import Compose

from newscrawl.normalize.loader import ArticleLoader
from newscrawl.normalize.processors import dedupe
from newscrawl.settings import *  # noqa: F403

KEPT_KEYWORDS = 2


def _first_keywords(keywords: list[str]) -> list[str]:
    return keywords[:KEPT_KEYWORDS]


ArticleLoader.keywords_out = Compose(dedupe, _first_keywords)
