"""The ``almayadeen`` spider driven in-process with saved responses: no engine, no network.

:class:`SpiderRun` builds a crawler from the project's settings (the add-on included, with the
given arguments and settings), the spider, and the project's spider middlewares in Scrapy's
order; :meth:`SpiderRun.feed` hands one response to its request's callback and passes the output
through those middlewares, as the engine would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_reactor_settings

from newscrawl.spiders.almayadeen import AlmayadeenSpider

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE = "http://127.0.0.1:8765"


class SpiderRun:
    def __init__(self, tmp_path: Path, settings: dict[str, Any], args: dict[str, str]) -> None:
        project = Settings()
        project.setmodule("newscrawl.settings", priority="project")
        project.update(
            {
                "NEWSCRAWL_OUTPUT_DIR": str(tmp_path),
                "NEWSCRAWL_STATE_ENABLED": False,
                "NEWSCRAWL_PROFILE": "replica",
                "REMOTE_CONTROL_ENABLED": False,
                # No engine runs here: settings that suit whatever reactor the process has.
                **{k: v for k, v in get_reactor_settings().items() if k != "DOWNLOAD_HANDLERS"},
                **settings,
            },
            priority="cmdline",
        )
        self.crawler = Crawler(AlmayadeenSpider, project)
        self.crawler.spider = self.crawler._create_spider(base_url=BASE, **args)
        self.crawler._apply_settings()  # the add-on, the stats; what Scrapy does before a crawl
        spider = self.crawler.spider
        assert isinstance(spider, AlmayadeenSpider)
        self.spider = spider
        self.middlewares: list[Any] = []
        components = self.crawler.settings.getwithbase("SPIDER_MIDDLEWARES")
        for path in build_component_list(components):
            cls = load_object(path)
            if not cls.__module__.startswith("newscrawl."):
                continue  # Scrapy's own need an engine; the project's are what is tested
            with suppress(NotConfigured):  # switched off by these settings
                self.middlewares.append(build_from_crawler(cls, self.crawler))

    def stats(self, prefix: str = "newscrawl/") -> dict[str, Any]:
        assert self.crawler.stats is not None
        return {
            k.removeprefix(prefix): v
            for k, v in self.crawler.stats.get_stats().items()
            if k.startswith(prefix)
        }

    def response(
        self,
        path: str,
        body: str | bytes,
        callback: Callable[..., Any] | None = None,
        cls: type[Response] = HtmlResponse,
        **meta: Any,
    ) -> Response:
        url = path if "://" in path else BASE + path
        request = Request(url, callback=callback or self.spider.parse_listing, meta=meta)
        if not issubclass(cls, TextResponse):
            return cls(
                url, body=body if isinstance(body, bytes) else body.encode(), request=request
            )
        return cls(url, body=body, encoding="utf-8", request=request)

    def feed(self, response: Response) -> list[Any]:
        """What the engine would get back for ``response``: callback, then middlewares."""
        assert response.request is not None and response.request.callback is not None
        for middleware in self.middlewares:
            if hasattr(middleware, "process_spider_input"):
                middleware.process_spider_input(response)
        output: Iterator[Any] = iter(response.request.callback(response))
        for middleware in reversed(self.middlewares):  # process_spider_output: highest first
            output = iter(middleware.process_spider_output(response, output))
        return list(output)


def fixture_text(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8")
