"""``scrapy parse``: Scrapy's, and not a run of the job (:mod:`newscrawl.commands.inspect`).

Without ``--callback`` it calls the spider's ``parse``, which reads the page as what it is (an
article, a listing, a sitemap, the RSS feed), so ``scrapy parse --spider=almayadeen URL`` shows
the record of an article page.

With ``-a base_url=…`` a production URL is fetched from ``base_url``, as the crawl fetches every
production link (:func:`newscrawl.discovery.classify.request_url`), and the log says so. When no
response comes back, the log says why: the request was off-site for the edition and
``base_url``, robots.txt forbade it, the download failed, the page answered an HTTP error
(and the command exits 1).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.commands.parse import Command as ScrapyParse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.commands.inspect import INSPECT_SETTINGS
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.classify import request_url

logger = logging.getLogger(__name__)


class Command(ScrapyParse):
    default_settings: ClassVar[dict[str, Any]] = {
        **ScrapyParse.default_settings,
        **INSPECT_SETTINGS,
    }

    #: Why the page gave no response (set by the request's errback).
    failure: str | None = None
    #: The URL fetched when it is not the one given.
    moved_to: str | None = None

    def prepare_request(
        self, spider: Spider, request: Request, opts: argparse.Namespace
    ) -> Request:
        site = CrawlArgs.from_settings(spider.crawler.settings).site
        moved = request_url(request.url, site)
        if moved is None:
            self.failure = (
                f"it is not on the {site.edition.code} edition's site (production "
                f"{site.edition.base_url}, fetched from {site.base_url}); give its edition "
                "with -a edition=… or its host with -a base_url=…"
            )
        elif moved != request.url:
            logger.info("Fetching %s from %s (-a base_url=%s)", request.url, moved, site.base_url)
            self.moved_to = moved
            request = request.replace(url=moved)
        request = request.replace(errback=self._failed)
        return super().prepare_request(spider, request, opts)

    def _failed(self, failure: Failure) -> None:
        error = failure.value
        if isinstance(error, HttpError):
            self.failure = f"the page answered HTTP {error.response.status}"
        else:
            self.failure = f"{type(error).__name__}: {error}"

    def start_parsing(self, url: str, opts: argparse.Namespace) -> None:
        """Scrapy's, with the reason when no response came (and exit status 1)."""
        assert self.crawler_process is not None and self.spidercls is not None
        self.pcrawler = self._create_crawler(self.spidercls)
        self.crawler_process.crawl(self.pcrawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        if not self.first_response:
            fetched = f" (fetched as {self.moved_to})" if self.moved_to else ""
            reason = self.failure or "the request ended without a response or an error"
            logger.error("No response downloaded for %s%s: %s", url, fetched, reason)
            self.exitcode = 1
