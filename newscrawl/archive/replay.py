"""Re-extraction: a crawl that reads its article pages from a web archive instead of the network.

``scrapy crawl almayadeen -a edition=en -a reextract=output`` is a normal run of the job (the
crawl state, the versioning pipeline, the feed, the monitors) whose pages come from the WARC
files under the folder given:

- the spider starts from the archived article responses of its edition (the latest one of each
  URL; :func:`archived_pages`) instead of sitemaps and listings;
- :class:`ArchiveReplayHandler` answers every http(s) request from the archive (the response as
  it was downloaded: status, headers, body) and never opens a connection; a URL the archive does
  not hold gets a 404;
- the current reader reads each page (the same page objects as a crawl); the versioning pipeline
  compares each record's fingerprint with the one the state holds, so only records whose
  content changed are emitted, as ``version`` + 1, with ``archive`` pointing at their page;
- :class:`ReextractReport` says how many pages were read, how many records changed, and for each
  field how many values changed (against the version before, read from the feeds).

The run is *limited*: it does not move the high-water mark or the sitemap marks (it saw no
listing or sitemap).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

from newscrawl.archive import ARCHIVE_META, ARCHIVED_AT
from newscrawl.archive.warc import (
    LINK_KIND_HEADER,
    REDIRECTS_HEADER,
    archive_files,
    iter_responses,
    read_record,
)
from newscrawl.components import disabled
from newscrawl.output.runfiles import RUN_FEED
from newscrawl.schema import CONTENT_FIELDS

logger = logging.getLogger(__name__)

#: The setting ``-a reextract=DIR`` is copied to.
REEXTRACT = "NEWSCRAWL_REEXTRACT"
STAT_PREFIX = "newscrawl/reextract"
#: Archived pages the run read.
PAGES_STAT = f"{STAT_PREFIX}/pages"


@dataclass(frozen=True)
class ArchivedPage:
    url: str
    path: Path
    offset: int
    record_id: str
    date: str
    redirected_from: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def _index(directory: Path) -> dict[str, ArchivedPage]:
    pages: dict[str, ArchivedPage] = {}
    for path in archive_files(directory):
        for offset, record in iter_responses(path):
            headers = record.rec_headers
            if headers.get_header(LINK_KIND_HEADER) != "article":
                continue
            url = headers.get_header("WARC-Target-URI")
            redirects = (headers.get_header(REDIRECTS_HEADER) or "").split()
            page = ArchivedPage(
                url, path, offset, headers.get_header("WARC-Record-ID"),
                headers.get_header("WARC-Date"), tuple(redirects),
            )  # fmt: skip
            known = pages.get(url)
            if known is None or page.date >= known.date:
                pages[url] = page
    return pages


def archive_index(directory: Path) -> dict[str, ArchivedPage]:
    """The archived article responses under ``directory`` by URL (the latest of each)."""
    return _index(directory.resolve())


def archived_pages(directory: Path, base_url: str) -> Iterator[str]:
    """The URLs of the archived article pages fetched from ``base_url``'s host, in order."""
    host = urlsplit(base_url).netloc
    for url in sorted(archive_index(directory)):
        if urlsplit(url).netloc == host:
            yield url


#: Settings of a re-extraction run.
REPLAY_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": False,
    "NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS": False,
    "NEWSCRAWL_ARCHIVE": "",
    "RETRY_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "NEWSCRAWL_HONOUR_CRAWL_DELAY": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def replay_settings(settings: BaseSettings) -> None:
    """What a re-extraction run changes: pages from the archive, nothing else fetched or
    followed, nothing archived again (the records keep pointing at their pages), and no
    politeness delay (no site is asked)."""
    if not settings.get(REEXTRACT):
        return
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    replay = f"{ArchiveReplayHandler.__module__}.{ArchiveReplayHandler.__qualname__}"
    handlers.update({"http": replay, "https": replay})
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="cmdline")
    for key, value in REPLAY_SETTINGS.items():
        settings.set(key, value, priority="cmdline")


class ArchiveReplayHandler(BaseDownloadHandler):
    """A download handler that answers from the archive (``NEWSCRAWL_REEXTRACT``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        directory = crawler.settings.get(REEXTRACT)
        if not directory:
            raise disabled(type(self), f"{REEXTRACT} is not set")
        self.directory = Path(directory)
        self.pages = archive_index(self.directory)

    async def download_request(self, request: Request) -> Response:
        stats = self.crawler.stats
        page = self.pages.get(request.url)
        if page is None:
            if stats is not None:
                stats.inc_value(f"{STAT_PREFIX}/not_archived")
            return Response(request.url, status=404, request=request)
        record = read_record(page.path, page.offset)
        http = record.http_headers
        headers = Headers()
        for name, value in http.headers:
            headers.appendlist(name, value)
        body = record.raw_stream.read()
        status = int(http.get_statuscode())
        request.meta[ARCHIVE_META] = {
            "file": page.path.name,
            "record_id": page.record_id,
            "offset": page.offset,
        }
        request.meta[ARCHIVED_AT] = page.date
        if page.redirected_from:
            request.meta["redirect_urls"] = list(page.redirected_from)
        if stats is not None:
            stats.inc_value(PAGES_STAT)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(
            url=request.url, status=status, headers=headers, body=body, request=request,
            protocol=http.protocol,
        )  # fmt: skip


class ReextractReport:
    """How many archived pages a re-extraction read, how many records changed, and which fields.

    The values before are the version before each changed record's, read from the feeds in the
    folder of the run's feed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        #: URL -> (version, content fields) of every record the run emitted.
        self.emitted: dict[str, tuple[int, dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get(REEXTRACT):
            raise disabled(cls, f"{REEXTRACT} is not set")
        report = cls(crawler)
        crawler.signals.connect(report.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(report.engine_stopped, signal=signals.engine_stopped)
        return report

    def item_scraped(self, item: Any) -> None:
        record = ItemAdapter(item)
        content = {name: record.get(name) for name in CONTENT_FIELDS}
        self.emitted[str(record["url"])] = (int(record.get("version") or 1), content)

    def fields_changed(self) -> tuple[Counter[str], int]:
        """Per field, how many emitted records changed its value; and how many were new."""
        wanted = {url: version - 1 for url, (version, _) in self.emitted.items() if version > 1}
        before: dict[str, dict[str, Any]] = {}
        feed = self.crawler.settings.get(RUN_FEED)
        folder = Path(feed).parent if feed else None
        for path in sorted(folder.glob("*.jsonl")) if folder and folder.is_dir() else []:
            if feed and path == Path(feed):
                continue
            with path.open("rb") as lines:
                for line in lines:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    url = record.get("url") if isinstance(record, dict) else None
                    if url in wanted and record.get("version") == wanted[url]:
                        before[url] = record
        changed: Counter[str] = Counter()
        for url, (_, content) in self.emitted.items():
            old = before.get(url)
            if old is None:
                continue
            changed.update(name for name, value in content.items() if old.get(name) != value)
        return changed, sum(1 for version, _ in self.emitted.values() if version == 1)

    def engine_stopped(self) -> None:
        stats = self.crawler.stats
        assert stats is not None
        pages = stats.get_value(PAGES_STAT, 0)
        changed, new = self.fields_changed()
        updated = len(self.emitted) - new
        stats.set_value(f"{STAT_PREFIX}/changed", updated)
        for name, count in changed.items():
            stats.set_value(f"{STAT_PREFIX}/fields/{name}", count)
        directory = self.crawler.settings.get(REEXTRACT)
        if not self.emitted:
            logger.info(
                "Re-extraction of %s: %d archived pages read; no record changed, nothing emitted",
                directory,
                pages,
            )
            return
        per_field = ", ".join(f"{name} {count}" for name, count in changed.most_common())
        logger.info(
            "Re-extraction of %s: %d archived pages read; %d records changed (emitted as their "
            "next version)%s; values changed per field: %s",
            directory,
            pages,
            updated,
            f", {new} not in the crawl state (emitted as version 1)" if new else "",
            per_field or "none",
        )
