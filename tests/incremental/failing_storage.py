"""A feed storage whose upload fails when the feed closes (as a remote store that is down):
used by the output-failure tests as ``FEED_STORAGES = {"broken": ...}``."""

from __future__ import annotations

from typing import IO

from scrapy.extensions.feedexport import BlockingFeedStorage


class RaisingStorage(BlockingFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, object] | None = None) -> None:
        self.uri = uri

    def _store_in_thread(self, file: IO[bytes]) -> None:
        file.close()
        raise ConnectionError(f"cannot upload {self.uri}: the store is down")
