"""Plain blocks: a ``403``/``429`` signed by Cloudflare with no challenge page to solve.

The real English feed answered such a ``403`` to scripts, and the Arabic site ``403``/``429``
(SITE.md). Unlike a challenge (``newscrawl.browser.challenge``), nothing on the page can be
solved, so retrying or opening a browser only adds load. :class:`PlainBlocks` (downloader
middleware next to the engine, so it sees each request's final answer) counts them by part of
the site (``newscrawl/blocked/{feed,pages}``) with the first paths blocked, and stops the run
after ``NEWSCRAWL_BLOCKED_STOP_AFTER`` pages in a row were blocked (finish reason ``blocked``).
The health check ``site_not_blocked`` turns page blocks into exit status 4 with what the
operator can do (:func:`advice`); a feed blocked alone is one warning, and the run goes on with
listings and sitemaps.
"""

from __future__ import annotations

import logging
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from newscrawl.browser.challenge import is_challenge, signed_by_cloudflare
from newscrawl.config import crawl_settings
from newscrawl.discovery.meta import LINK_KIND, LinkKind

logger = logging.getLogger(__name__)

BLOCKED = "newscrawl/blocked/"
#: Statuses a plain block answers with.
BLOCK_STATUSES = frozenset({403, 429})
#: Paths kept per part, to name them in the message.
KEPT_PATHS = 5
FINISH_REASON = "blocked"


def is_plain_block(response: Response) -> bool:
    """A ``403``/``429`` that Cloudflare signs (``Server: cloudflare`` or ``cf-ray``) and that
    is not a challenge page."""
    return (
        response.status in BLOCK_STATUSES
        and signed_by_cloudflare(response)
        and not is_challenge(response)
    )


def advice() -> str:
    """What an operator can do about a plain block."""
    return (
        "a plain block has no challenge a browser could solve; crawl from an address the site "
        "accepts (Scrapy's standard proxy settings: the https_proxy/http_proxy environment "
        "variables, or meta 'proxy'), with a browser profile the site already trusts "
        "(scrapy-playwright's PLAYWRIGHT_CONTEXTS with a user_data_dir), or slower "
        "(-s DOWNLOAD_DELAY=5 -s CONCURRENT_REQUESTS_PER_DOMAIN=1)"
    )


class PlainBlocks:
    """Downloader middleware: counts plain blocks and stops a run the site blocks."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.stop_after = crawl_settings(crawler.settings).blocked_stop_after
        self.in_a_row = 0
        self.paths: dict[str, list[str]] = {"feed": [], "pages": []}
        self.stopping = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        feed = request.meta.get(LINK_KIND) == LinkKind.FEED
        if not is_plain_block(response):
            if not feed:
                self.in_a_row = 0
            return response
        part = "feed" if feed else "pages"
        self.stats.inc_value(f"{BLOCKED}{part}")
        paths = self.paths[part]
        path = urlsplit(request.url).path or "/"
        if path not in paths and len(paths) < KEPT_PATHS:
            paths.append(path)
            self.stats.set_value(f"{BLOCKED}{part}_paths", ", ".join(paths))
        if not feed:
            self.in_a_row += 1
            if self.in_a_row >= self.stop_after and not self.stopping:
                self.stopping = True
                logger.error(
                    "Stopping: %d pages in a row answered a plain %d (Server: cloudflare): %s",
                    self.in_a_row, response.status, ", ".join(paths),
                )  # fmt: skip
                assert self.crawler.engine is not None
                # Not awaited: closing waits for downloads, and this one is still in progress.
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=FINISH_REASON))
        return response

    def spider_closed(self, spider: Spider) -> None:
        feeds = self.paths["feed"]
        if feeds and not self.paths["pages"]:
            logger.warning(
                "The feed was blocked: %s answered a plain 403/429 (Server: cloudflare), so its "
                "articles came from listings and sitemaps only; to read the feed, %s",
                ", ".join(feeds), advice(),
            )  # fmt: skip
