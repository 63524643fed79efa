"""How many requests the browser rendered and how many went over plain HTTP."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler

BROWSER_KEY = "newscrawl/requests/browser"
PLAIN_KEY = "newscrawl/requests/plain"


class RenderShareStats:
    """Downloader middleware placed last before the handler, so it counts what is downloaded."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderShareStats:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        self.stats.inc_value(BROWSER_KEY if request.meta.get("playwright") else PLAIN_KEY)
