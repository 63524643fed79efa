"""``scrapy parse``: Scrapy's, and not a run of the job (:mod:`newscrawl.commands.inspect`).

Without ``--callback`` it calls the spider's ``parse``, which reads the page as what it is (an
article, a listing, a sitemap, the RSS feed), so ``scrapy parse --spider=almayadeen URL`` shows
the record of an article page.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scrapy.commands.parse import Command as ScrapyParse

from newscrawl.commands.inspect import INSPECT_SETTINGS


class Command(ScrapyParse):
    default_settings: ClassVar[dict[str, Any]] = {
        **ScrapyParse.default_settings,
        **INSPECT_SETTINGS,
    }
