"""Archiving while crawling: ``-s NEWSCRAWL_ARCHIVE=warc`` keeps every article page in WARC files.

A downloader middleware next to the download handler (it sees each response as the handler gave
it, before decompression, redirects and retries): a successful (2xx) response to an article
request is written with its request to the run's WARC files (:mod:`newscrawl.archive.warc`),
and the reference to the response record goes into the request's meta (:data:`ARCHIVE_META`),
where the article page reads it into the record's ``archive`` field.

``NEWSCRAWL_ARCHIVE_PAGES = "all"`` archives listings, sitemaps, robots.txt and the RSS feed too.
The files are ``{stem}.00000.warc.gz``, ``{stem}.00001.warc.gz``… beside the run's feed, rotated
at ``NEWSCRAWL_ARCHIVE_MAX_BYTES``; each is published before the run's feed is (so a record in a
published feed always points into a published file), and a killed run's are finished by the
next run of the job with its feed (:mod:`newscrawl.state.reconcile`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.archive import ARCHIVE_META, ARCHIVED_AT
from newscrawl.archive.warc import WarcRotatingWriter, http_headers
from newscrawl.commands.inspect import INSPECT
from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.discovery.meta import LINK_KIND, LinkKind
from newscrawl.output.feeds import add_before_publish
from newscrawl.output.runfiles import RUN_ARCHIVE

logger = logging.getLogger(__name__)

#: What ``NEWSCRAWL_ARCHIVE_PAGES`` may say.
PAGES = ("articles", "all")
STAT_PREFIX = "newscrawl/archive"


def archive_enabled(value: Any) -> bool:
    """``NEWSCRAWL_ARCHIVE``: ``warc`` turns the archive on; empty (the default) leaves it off."""
    name = str(value or "").strip().lower()
    if name in ("", "0", "false", "off", "none"):
        return False
    if name != "warc":
        raise ValueError(f"unknown NEWSCRAWL_ARCHIVE {value!r}; use warc (or leave it empty)")
    return True


class WarcArchiveMiddleware:
    def __init__(self, crawler: Crawler, writer: WarcRotatingWriter, pages: str) -> None:
        self.crawler = crawler
        self.writer = writer
        self.everything = pages == "all"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        model = crawl_settings(settings)
        if not archive_enabled(model.archive):
            raise disabled(cls, "NEWSCRAWL_ARCHIVE is off")
        if settings.getbool(INSPECT) or not settings.get(RUN_ARCHIVE):
            raise disabled(cls, "not a run of the job (scrapy shell or parse): no files")
        pages = model.archive_pages
        base = Path(settings[RUN_ARCHIVE])
        writer = WarcRotatingWriter(
            base.parent,
            base.name,
            max_bytes=model.archive_max_bytes,
            fsync_every=model.feed_fsync_every,
            gzip_level=model.archive_gzip_level,
            info={
                "software": str(settings.get("USER_AGENT") or "newscrawl"),
                "format": "WARC File Format 1.0",
                "isPartOf": f"newscrawl {settings.get('NEWSCRAWL_EDITION') or 'en'}",
                "newscrawl-base-url": str(settings.get("NEWSCRAWL_BASE_URL") or ""),
            },
        )
        middleware = cls(crawler, writer, pages)
        # Published before the feeds (and on any close): a record never points into a .part.
        add_before_publish(crawler, middleware.close)
        crawler.signals.connect(middleware.close, signal=signals.engine_stopped)
        return middleware

    def wants(self, request: Request, response: Response) -> bool:
        if not 200 <= response.status < 300:
            return False
        return self.everything or request.meta.get(LINK_KIND) == LinkKind.ARTICLE

    def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        if not self.wants(request, response):
            return response
        ref = self.writer.write_exchange(
            response.url,
            status=response.status,
            headers=http_headers(response.headers),
            body=response.body,
            method=request.method,
            request_headers=http_headers(request.headers),
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            ip_address=str(response.ip_address) if response.ip_address else None,
            link_kind=str(request.meta.get(LINK_KIND) or "") or None,
            redirected_from=request.meta.get("redirect_urls"),
        )
        request.meta[ARCHIVE_META] = ref.as_dict()
        # The record's crawled_at: the moment the archive gives the page, in a crawl and in a
        # re-extraction alike.
        request.meta[ARCHIVED_AT] = ref.date
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"{STAT_PREFIX}/records")
            stats.set_value(f"{STAT_PREFIX}/bytes", self.writer.bytes)
        return response

    def close(self) -> None:
        published = list(self.writer.published)
        for path in self.writer.close():
            if path not in published:
                logger.info("Published the web archive %s", path)
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value(f"{STAT_PREFIX}/files", len(self.writer.published))
