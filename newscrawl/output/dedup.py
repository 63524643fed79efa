"""De-duplication within a run, and the ``max_articles`` cap.

``DedupPipeline`` runs before versioning (nothing is versioned that is then dropped as a
duplicate); ``MaxArticlesPipeline`` runs last, so only records that reach the feed count.

The feed is a stream: the first record of an article is emitted at once, and a later record
of the same article (same canonical URL, same post id, or the same content fingerprint) is
dropped and counted. Most variants never get that far: the spider requests every link in a
canonical form (no tracking query, no trailing slash, on ``base_url``), so the request
dupefilter skips them; redirects and requested-vs-served URLs the spider did see are in the
emitted record's ``alternate_urls``.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from newscrawl.discovery.args import CrawlArgs

logger = logging.getLogger(__name__)


class DedupPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.urls: set[str] = set()
        self.post_ids: set[str] = set()
        self.fingerprints: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, post_id, fp = adapter.get("url"), adapter.get("post_id"), adapter.get("fingerprint")
        duplicate_of = (
            "url" if url in self.urls
            else "post_id" if post_id and post_id in self.post_ids
            else "fingerprint" if fp and fp in self.fingerprints
            else None
        )  # fmt: skip
        stats = self.crawler.stats
        if duplicate_of:
            stats.inc_value("newscrawl/duplicates")
            stats.inc_value(f"newscrawl/duplicates/{duplicate_of}")
            raise DropItem(
                f"duplicate ({duplicate_of}) of {url}: {adapter.get('fetched_url')}",
                log_level="INFO",
            )
        if url:
            self.urls.add(url)
        if post_id:
            self.post_ids.add(post_id)
        if fp:
            self.fingerprints.add(fp)
        return item


class MaxArticlesPipeline:
    """Stops the crawl after ``max_articles`` records (``NEWSCRAWL_MAX_ARTICLES``)."""

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.emitted = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = CrawlArgs.from_settings(crawler.settings).max_articles
        if limit is None:
            raise NotConfigured("no max_articles")
        return cls(crawler, limit)

    def process_item(self, item: Any) -> Any:
        if self.emitted >= self.limit:
            self.crawler.stats.inc_value("newscrawl/dropped/max_articles")
            self._close("max_articles")
            url = ItemAdapter(item).get("url")
            raise DropItem(f"max_articles ({self.limit}) reached: {url}", log_level="DEBUG")
        self.emitted += 1
        if self.emitted >= self.limit:
            self._close("max_articles")
        return item

    def _close(self, reason: str) -> None:
        if not self.closing:
            self.closing = True
            logger.info("Closing the crawl: %s", reason)
            # The engine's own CloseSpider extension schedules the same coroutine this way.
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
