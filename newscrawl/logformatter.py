"""Log lines of the crawl: a dropped item is named by its URL, not printed whole.

Scrapy's own formatter writes a dropped item's full ``repr`` (its body included) under the
``Dropped:`` line; a watch that re-reads an unchanged article every few minutes would fill its
log with whole articles. The reason (``duplicate (fingerprint) of URL: fetched URL``) already
names the article, and the rejects file keeps every item that failed validation.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class NewscrawlLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
