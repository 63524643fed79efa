"""``scrapy shell``: Scrapy's, and not a run of the job (:mod:`newscrawl.commands.inspect`)."""

from __future__ import annotations

from typing import Any, ClassVar

from scrapy.commands.shell import Command as ScrapyShell

from newscrawl.commands.inspect import INSPECT_SETTINGS


class Command(ScrapyShell):
    default_settings: ClassVar[dict[str, Any]] = {
        **ScrapyShell.default_settings,
        **INSPECT_SETTINGS,
    }
