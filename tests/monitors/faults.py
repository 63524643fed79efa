"""Components that fail inside a real crawl, for the health tests (given with ``-s``): a spider
middleware whose output raises on listing pages, and a pipeline that raises on some records."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.http import Response

from newscrawl.discovery.meta import LISTING_PAGE


class RaisingOnListings:
    """Spider middleware: every listing page's output but the home page's raises
    ``ValueError`` (as a parse bug would) once its first result is out."""

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            yield entry
            if LISTING_PAGE in response.meta and urlsplit(response.url).path != "/":
                raise ValueError(f"cannot read listing {response.url}")


class RaisingPipeline:
    """Item pipeline: records whose post id ends in 7 raise ``KeyError``."""

    def process_item(self, item: Any) -> Any:
        post_id = str(ItemAdapter(item).get("post_id") or "")
        if post_id.endswith("7"):
            raise KeyError(post_id)
        return item
