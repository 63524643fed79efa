"""The two middlewares of watch mode (see :mod:`newscrawl.watch`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.failures import failure_kind
from newscrawl.discovery.meta import LINK_KIND, WATCH, WATCH_FOLLOW, WATCH_POLL, LinkKind
from newscrawl.pages.listing import SitemapPage
from newscrawl.stopping import StopRequested, downloads
from newscrawl.watch.state import WatchState, open_watch_state

logger = logging.getLogger(__name__)

#: What a polled page may lead to in watch mode: the articles it shows and the monthly
#: sitemaps its index shows moved; never more listings or next pages.
FOLLOWED = frozenset({LinkKind.ARTICLE, LinkKind.SITEMAP})


class NotModified(IgnoreRequest):
    """A poll answered ``304``: nothing to parse."""


def _watch_state(crawler: Crawler, component: type) -> WatchState:
    if CrawlArgs.from_settings(crawler.settings).mode != "watch":
        raise disabled(component, "not a watch (-a mode=watch)")
    return open_watch_state(crawler, crawl_settings(crawler.settings).watch_budget_per_hour)


class _WatchComponent:
    """Built only for a watch; shares the run's :class:`WatchState`."""

    def __init__(self, crawler: Crawler, state: WatchState) -> None:
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, _watch_state(crawler, cls))


class ConditionalPolls(_WatchComponent):
    """Downloader middleware: polls go out conditional, and a ``304`` stops here.

    Placed after robots.txt, retries and redirects (it sees each request's final answer). It
    counts every request a watch sends against the hourly budget, and each poll's outcome. Once
    a stop cut the downloads off (:func:`newscrawl.stopping.cut_downloads`), a request that
    still comes (scheduled before the engine stopped) is dropped here, before any slot's queue.
    """

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/watch/{key}")

    def process_request(self, request: Request) -> None:
        if downloads(self.crawler).cut:
            raise StopRequested(request)
        watch = request.meta.get(WATCH)
        if watch is None:
            return
        self.state.sending()
        if watch != WATCH_POLL:
            return
        etag, modified = self.state.validators.get(request.url, (None, None))
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified

    def process_response(self, request: Request, response: Response) -> Response:
        watch = request.meta.get(WATCH)
        if watch is None:
            return response
        if watch == WATCH_FOLLOW:
            self.state.release(request.url)
            return response
        if response.status == 304:
            self.state.poll_answered(modified=False)
            self._count("not_modified")
            raise NotModified(f"not modified: {request.url}")
        if 200 <= response.status < 300:
            self.state.poll_answered(modified=True)
            self._count("modified")
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                self.state.validators[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        else:
            self.state.poll_failed()
            self._count(f"poll_failed/http_{response.status}")
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        watch = request.meta.get(WATCH)
        if watch is None or isinstance(exception, IgnoreRequest):
            return
        if watch == WATCH_FOLLOW:
            self.state.release(request.url)
            return
        kind = failure_kind(exception)
        self.state.poll_failed()
        self._count(f"poll_failed/{kind}")
        if self.crawler.stats is not None:
            # Polls have no errback: they are counted with the run's failed requests here.
            self.crawler.stats.inc_value(f"newscrawl/errors/{kind}")
        logger.warning("Poll failed (%s): %s: %s", kind, request.url, exception)


class WatchFollow(_WatchComponent):
    """Spider middleware, after the incremental middleware: of what a watched page yields,
    only the article and sitemap requests it kept pass (the listings and next pages a poll
    shows are not followed), each sent again even if fetched before (an edit), but one at a
    time."""

    def _follow(self, entry: Any) -> Any | None:
        if not isinstance(entry, Request):
            return entry
        kind = entry.meta.get(LINK_KIND)
        if kind not in FOLLOWED:
            return None
        if kind == LinkKind.SITEMAP and self.state.sitemap_listed(
            entry.url, SitemapPage.month_of(entry.url)
        ):
            return None
        if not self.state.claim(entry.url):
            return None
        return entry.replace(dont_filter=True, meta={**entry.meta, WATCH: WATCH_FOLLOW})

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        if WATCH not in response.meta:
            yield from result
            return
        for entry in result:
            if (kept := self._follow(entry)) is not None:
                yield kept

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        watched = WATCH in response.meta
        async for entry in result:
            kept = self._follow(entry) if watched else entry
            if kept is not None:
                yield kept
