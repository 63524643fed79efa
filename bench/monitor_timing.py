"""Settings module for ``bench/monitors.py``: the project's settings with the health components
swapped for timed subclasses that add up the time spent inside them.

    SCRAPY_SETTINGS_MODULE=monitor_timing PYTHONPATH=bench scrapy crawl almayadeen ...

At the end the log has ``Monitor cost: X.XXXXXX s in N calls``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from spidermon.contrib.scrapy.extensions import Spidermon

from newscrawl.monitors import settings as health
from newscrawl.monitors.figures import CoveragePipeline, ReachStats
from newscrawl.settings import *  # noqa: F403

logger = logging.getLogger("monitor_timing")
SPENT = [0.0, 0]


def timed(method: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            SPENT[0] += time.perf_counter() - started
            SPENT[1] += 1

    return wrapper


class TimedReachStats(ReachStats):
    process_request = timed(ReachStats.process_request)
    process_response = timed(ReachStats.process_response)
    process_exception = timed(ReachStats.process_exception)


class TimedCoveragePipeline(CoveragePipeline):
    process_item = timed(CoveragePipeline.process_item)
    close_spider = timed(CoveragePipeline.close_spider)


class TimedSpidermon(Spidermon):  # type: ignore[misc]
    # Signal handlers keep their own signatures: Scrapy passes only the arguments they name.
    def spider_opened(self, spider: Any) -> None:
        timed(super().spider_opened)(spider)

    def spider_closed(self, spider: Any) -> None:
        timed(super().spider_closed)(spider)


class Report:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Report:
        ext = cls()
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self) -> None:
        logger.info("Monitor cost: %.6f s in %d calls", SPENT[0], SPENT[1])


# The add-on installs the health components; swap them for the timed ones before it runs.
for _table, _old, _new in (
    (health.COMPONENTS["DOWNLOADER_MIDDLEWARES"], "newscrawl.monitors.figures.ReachStats",
     f"{__name__}.TimedReachStats"),
    (health.COMPONENTS["ITEM_PIPELINES"], "newscrawl.monitors.figures.CoveragePipeline",
     f"{__name__}.TimedCoveragePipeline"),
    (health.COMPONENTS["EXTENSIONS"], "spidermon.contrib.scrapy.extensions.Spidermon",
     f"{__name__}.TimedSpidermon"),
):  # fmt: skip
    _table[_new] = _table.pop(_old)
EXTENSIONS = {f"{__name__}.Report": 999}
