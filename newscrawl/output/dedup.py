"""De-duplication within a run.

``DedupPipeline`` runs before versioning (nothing is versioned that is then dropped as a
duplicate); the ``max_articles`` cap (:mod:`newscrawl.output.cap`) runs last, so only records
that reach the feed count.

The feed is a stream: the first record of an article is emitted at once, and a later record
of the same article (same canonical URL, same post id, or the same content fingerprint) is
dropped and counted. Most variants never get that far: the spider requests every link in a
canonical form (no tracking query, no trailing slash, on ``base_url``), so the request
dupefilter skips them; redirects and requested-vs-served URLs the spider did see are in the
emitted record's ``alternate_urls``.

What was emitted is kept as 64-bit hashes of the URL, post id and fingerprint (one
:class:`~newscrawl.frontier.hashes.HashSet`, about 8 bytes each), not as strings: a back-fill
of a large archive would otherwise hold hundreds of bytes per article for the whole run.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.discovery.args import CrawlArgs
from newscrawl.frontier.hashes import HashSet, url_hash

logger = logging.getLogger(__name__)


class DedupPipeline:
    """Drops a record of an article the run already emitted.

    In a watch (``-a mode=watch``), which fetches an article again when it is edited, only the
    same content (fingerprint) is a duplicate: an edit goes on to versioning as the next
    version."""

    def __init__(
        self, crawler: Crawler, keys: tuple[str, ...] = ("url", "post_id", "fingerprint")
    ) -> None:
        self.crawler = crawler
        self.keys = keys
        #: Hashes of ``url:…``, ``post_id:…`` and ``fingerprint:…`` of each emitted record.
        self.seen = HashSet()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if CrawlArgs.from_settings(crawler.settings).mode == "watch":
            return cls(crawler, ("fingerprint",))
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        keys = [
            (name, url_hash(f"{name}:{value}"))
            for name in self.keys
            if (value := adapter.get(name))
        ]
        duplicate_of = next((name for name, key in keys if key in self.seen), None)
        stats = self.crawler.stats
        if duplicate_of:
            stats.inc_value("newscrawl/duplicates")
            stats.inc_value(f"newscrawl/duplicates/{duplicate_of}")
            raise DropItem(
                f"duplicate ({duplicate_of}) of {url}: {adapter.get('fetched_url')}",
                log_level="INFO",
            )
        for _, key in keys:
            self.seen.add(key)
        return item
