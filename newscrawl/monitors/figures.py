"""What the monitors judge, counted while the crawl runs (cheaply: a few dict updates a page).

- :class:`ReachStats` (downloader middleware, next to the engine, so it sees each request's
  final answer after redirects, retries and challenge solves): which site the run crawls
  (``newscrawl/reach/site``), how its listing and sitemap pages answered
  (``newscrawl/reach/{listing,sitemap}/{status|failed}``), how many answers were challenges
  nobody solved (``newscrawl/reach/challenged``), and the download errors of requests that no
  errback counts (``newscrawl/errors/{kind}``, as the spider's errback counts its own).
- :class:`ItemErrorStats` (extension): exceptions item pipelines raised, by class
  (``newscrawl/item_errors/{class}``), beside Scrapy's own ``spider_exceptions/{class}``.
- :class:`CoveragePipeline` (item pipeline, after validation and before the incremental state
  drops unchanged records): how many records fill each field (``newscrawl/coverage/{field}``
  over ``newscrawl/coverage/records``) and dates out of range (``newscrawl/dates/…``). It
  counts every valid record extracted, emitted or not, so a full run that emits nothing new
  still measures the site's markup.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.browser.challenge import is_challenge
from newscrawl.config import crawl_settings
from newscrawl.discovery.failures import failure_kind
from newscrawl.discovery.rules import SITEMAP_INDEX_PATH, UrlKind
from newscrawl.schema import FIELDS
from newscrawl.stopping import StopRequested

REACH = "newscrawl/reach/"
COVERAGE = "newscrawl/coverage/"
DATES = "newscrawl/dates/"
SITE_STAT = REACH + "site"
CHALLENGED_STAT = REACH + "challenged"
RECORDS_STAT = COVERAGE + "records"
#: Exceptions item pipelines raised (not drops), by class: ``newscrawl/item_errors/{class}``.
ITEM_ERRORS = "newscrawl/item_errors/"
#: Values that leave a field unfilled (0 and False are values).
EMPTY: tuple[Any, ...] = (None, "", [], {})


def page_role(request: Request) -> str | None:
    """``listing`` or ``sitemap`` for the pages that show the site is reachable, else None."""
    meta = request.meta
    if "listing_page" in meta or meta.get("kind_guess") is UrlKind.LISTING:
        return "listing"
    if (
        meta.get("kind_guess") is UrlKind.SITEMAP
        or urlsplit(request.url).path == SITEMAP_INDEX_PATH
    ):
        return "sitemap"
    return None


class ReachStats:
    """Downloader middleware: whether the site answered (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.site: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.site is None:
            parts = urlsplit(request.url)
            self.site = f"{parts.scheme}://{parts.netloc}"
            self.stats.set_value(SITE_STAT, self.site)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        role = page_role(request)
        if role is not None:
            self.stats.inc_value(f"{REACH}{role}/{response.status}")
        if response.status >= 400 and is_challenge(response):
            self.stats.inc_value(CHALLENGED_STAT)
        return response

    def process_exception(
        self, request: Request, exception: BaseException, spider: Spider | None = None
    ) -> None:
        if isinstance(exception, StopRequested):
            return  # cut off by a stop: no failure of the site (``newscrawl.stopping``)
        role = page_role(request)
        if role is not None:
            self.stats.inc_value(f"{REACH}{role}/failed")
        if request.errback is None:
            # The spider's errback counts its own requests' failures; a request without one
            # (a component's own) would otherwise fail with a log line only.
            self.stats.inc_value(f"newscrawl/errors/{failure_kind(exception)}")


class ItemErrorStats:
    """Extension: counts the exceptions item pipelines raise (Scrapy logs each one, with its
    traceback, and keeps no count; spider exceptions it counts itself, as
    ``spider_exceptions/{class}``)."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def item_error(
        self, item: Any, response: Response | None, spider: Spider, failure: Any
    ) -> None:
        self.stats.inc_value(f"{ITEM_ERRORS}{type(failure.value).__name__}")


class CoveragePipeline:
    """Item pipeline: field coverage and date sanity of the records extracted."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        config = crawl_settings(crawler.settings)
        self.filled: Counter[str] = Counter()
        self.records = 0
        self.first_year = config.health_first_year
        slack = timedelta(hours=config.health_future_slack_hours)
        # ISO 8601 UTC strings (``…Z``) order as their moments do: compare the text.
        self.latest = (datetime.now(UTC) + slack).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.earliest = f"{self.first_year:04d}-01-01T00:00:00Z"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        self.records += 1
        filled = self.filled
        for name in FIELDS:
            if adapter.get(name) not in EMPTY:
                filled[name] += 1
        published = adapter.get("date_published")
        if isinstance(published, str):
            if published > self.latest:
                self._bad_date("future", adapter)
            elif published < self.earliest:
                self._bad_date("too_old", adapter)
        return item

    def _bad_date(self, kind: str, adapter: ItemAdapter) -> None:
        self.stats.inc_value(f"{DATES}{kind}")
        if not self.stats.get_value(f"{DATES}{kind}_example"):
            example = f"{adapter.get('url')} ({adapter.get('date_published')})"
            self.stats.set_value(f"{DATES}{kind}_example", example)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.stats.set_value(RECORDS_STAT, self.records)
        for name in FIELDS:
            self.stats.set_value(f"{COVERAGE}{name}", self.filled[name])
