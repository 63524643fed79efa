"""Article pages are whole before the spider reads them.

:class:`PageIntegrityMiddleware` (a downloader middleware) judges each 200 answer to a request
whose link said "article" (:func:`newscrawl.pages.integrity.judge_page`). A damaged page is
retried with Scrapy's retry machinery (``RETRY_TIMES``, shared with the HTTP retries; stats
``retry/reason_count/damaged/{kind}``). One still damaged after its retries is counted
(``newscrawl/damaged/{kind}``), logged, and dropped with :class:`DamagedPage`: no record, so
nothing about it reaches the feed or the crawl state, and the incremental state reads the
sitemaps that listed it again next run, which fetches it again. Pages judged whole are counted
too (``newscrawl/integrity/whole``), the base of the ``damaged_pages`` health check
(:mod:`newscrawl.monitors.integrity`).
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.discovery.meta import LINK_KIND, LinkKind
from newscrawl.pages.integrity import Verdict, judge_page

logger = logging.getLogger(__name__)

DAMAGED_STAT = "newscrawl/damaged/"
WHOLE_STAT = "newscrawl/integrity/whole"


class DamagedPage(IgnoreRequest):
    """An article page still damaged after its retries (``errors/damaged`` in the summary)."""

    def __init__(self, url: str, verdict: Verdict) -> None:
        super().__init__(f"damaged page ({verdict.damage}): {verdict.reason}: {url}")
        self.verdict = verdict


class PageIntegrityMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        if not crawl_settings(crawler.settings).page_integrity:
            raise disabled(type(self), "NEWSCRAWL_PAGE_INTEGRITY is off")
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get(LINK_KIND) != LinkKind.ARTICLE or response.status != 200:
            return response
        verdict = judge_page(response)
        if verdict.whole:
            self.stats.inc_value(WHOLE_STAT)
            return response
        retry = None
        if not request.meta.get("dont_retry") and self.crawler.spider is not None:
            retry = get_retry_request(
                request,
                spider=self.crawler.spider,
                reason=f"damaged/{verdict.damage}",
                logger=logger,
                give_up_log_level=logging.DEBUG,
            )
        if retry is not None:
            return retry
        self.stats.inc_value(f"{DAMAGED_STAT}{verdict.damage}")
        logger.warning(
            "Damaged page not stored (%s, attempt %d): %s: %s; the next run fetches it again",
            verdict.damage,
            request.meta.get("retry_times", 0) + 1,
            request.url,
            verdict.reason,
        )
        raise DamagedPage(request.url, verdict)
