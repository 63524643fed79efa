"""The spider the browser tests run (``scrapy runspider``) over ``tests/browser/browser_site.py``.

It uses newscrawl.browser exactly as the ``almayadeen`` spider does: the project's browser
settings, :class:`~newscrawl.browser.loadmore.JsListings` for "Load more" listings, and plain
requests everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.http import Response

from newscrawl.browser import settings as browser_settings
from newscrawl.browser.loadmore import JsListings


class SiteSpider(Spider):
    name = "browser-test-site"
    custom_settings: ClassVar[dict[str, Any]] = {
        **browser_settings.as_dict(),
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ROBOTSTXT_OBEY": True,
        "USER_AGENT": "newscrawl-test/1.0 (+https://example.org)",
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, base: str = "", starts: str = "", stats_file: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.base = base
        self.stats_file = stats_file
        self.starts = [s for s in starts.split(",") if s]
        self.js = JsListings(
            on_api=self.parse_api,
            on_learned=self.parse_learned,
            on_rendered=self.parse_listing,
            on_learn_failed=self.learn_failed,
        )

    async def start(self) -> AsyncIterator[Request]:
        for path in self.starts:
            yield Request(self.base + path, callback=self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        for href in response.css("a.card::attr(href)").getall():
            yield response.follow(href, callback=self.parse_story)
        if response.css("button.load-more") and not response.meta.get("playwright"):
            yield from self.js.requests_for(response.url)

    def parse_learned(self, response: Response) -> Iterator[Any]:
        yield from self.parse_listing(response)
        yield from self.js.learned(response)

    def learn_failed(self, failure: Any) -> Iterator[Request]:
        yield from self.js.failed(failure)

    def parse_api(self, response: Response) -> Iterator[Any]:
        page, follow = self.js.read(response)
        for card in page.cards:
            yield Request(card.url, callback=self.parse_story)
        if follow is not None:
            yield follow

    def closed(self, reason: str) -> None:
        if self.stats_file:
            assert self.crawler.stats is not None
            stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
            Path(self.stats_file).write_text(json.dumps(stats, default=str))

    def parse_story(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {
            "url": response.url,
            "title": response.css("h1::text").get(),
            "rendered": "playwright" in response.flags,
        }
