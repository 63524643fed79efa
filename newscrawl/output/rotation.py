"""Publishing a feed while the run goes on: Scrapy's feed exporter with a ``rotate`` step.

A long run (``-a mode=watch``) publishes what it has written every few seconds rather than at
its end. Scrapy's :class:`~scrapy.extensions.feedexport.FeedExporter` already knows how to close
a feed and go on in a new file (its batches, ``FEED_EXPORT_BATCH_ITEM_COUNT``), but only by
count; :meth:`RotatingFeedExporter.rotate` does the same step on demand, for every feed that
holds anything. Closing a local feed is the one publication rule of
:class:`~newscrawl.output.feeds.AtomicFileFeedStorage`: its ``.part`` is absorbed into the
crawl state, then renamed to ``.jsonl``; so exactly-once holds for each rotation as for a run.

The next file of the run's default feed is named by the moment it opens (``{date}T{time}Z.jsonl``
in the same folder, ``-2`` when the second is taken); see :meth:`RotatingFeedExporter._next_uri`
for other feeds.
"""

from __future__ import annotations

import asyncio
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FeedExporter, apply_uri_params
from twisted.internet.defer import Deferred, DeferredList

from newscrawl.output.runfiles import RUN_FEED, local_feed_path, run_stamp

_EXPORTERS: WeakKeyDictionary[Crawler, RotatingFeedExporter] = WeakKeyDictionary()


def exporter_for(crawler: Crawler) -> RotatingFeedExporter | None:
    """The run's feed exporter (``None`` when the run has no feed)."""
    return _EXPORTERS.get(crawler)


class RotatingFeedExporter(FeedExporter):
    """``EXTENSIONS`` entry that replaces Scrapy's ``FeedExporter`` (see the module doc)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RotatingFeedExporter:
        exporter: RotatingFeedExporter = super().from_crawler(crawler)
        _EXPORTERS[crawler] = exporter
        return exporter

    @property
    def pending(self) -> int:
        """Records written to the open feeds and not yet published."""
        return sum(slot.itemcount for slot in self.slots)

    def rotate(self) -> list[asyncio.Task[None] | Deferred[None]]:
        """Publish every feed that holds a record and go on in a new file; returns the
        publications under way (each finishes on its own; :meth:`close_spider` waits for any
        still going)."""
        spider = self.crawler.spider
        assert spider is not None
        slots, closing = [], []
        for slot in self.slots:
            if not slot.itemcount:
                slots.append(slot)
                continue
            closing.append(self._schedule_slot_close(slot, spider))
            options = self.feeds[slot.uri_template]
            slots.append(
                self._start_new_batch(
                    batch_id=slot.batch_id + 1,
                    uri=self._next_uri(slot),
                    feed_options=options,
                    spider=spider,
                    uri_template=slot.uri_template,
                )
            )
        self.slots = slots
        return closing

    def publish(self) -> Deferred[Any]:
        """:meth:`rotate`, fired once every publication it started is done (a failed one is
        logged and counted by the exporter, as at the end of a run)."""
        waits = [
            closing if isinstance(closing, Deferred) else Deferred.fromFuture(closing)
            for closing in self.rotate()
        ]
        return DeferredList(waits, consumeErrors=True)

    def _next_uri(self, slot: Any) -> str:
        """The next file of a feed: its URI template's parameters applied again (Scrapy's
        ``%(batch_time)s``, ``%(batch_id)d``…), else a new name beside the last file: the
        run's default feed ``{date}T{time}Z.jsonl``, another local feed ``{name}-{date}T{time}Z
        .jsonl``. A remote or stdout feed keeps its URI."""
        template = slot.uri_template
        if "%(" in template:
            options = self.feeds[template]
            assert self.crawler.spider is not None
            params = self._get_uri_params(self.crawler.spider, options["uri_params"], slot)
            return apply_uri_params(template, params)
        path = local_feed_path(template)
        if path is None:
            return template
        suffixes = "".join(path.suffixes)
        stem = path.name[: len(path.name) - len(suffixes)] if suffixes else path.name
        default = self.crawler.settings.get(RUN_FEED) == template
        name = run_stamp() if default else f"{stem}-{run_stamp()}"
        return str(path.with_name(name + suffixes))
