"""Which store holds a crawl's state: SQLite in the state directory, or Redis shared by workers.

``NEWSCRAWL_STATE_BACKEND``: ``sqlite`` (the default) or ``redis``; a worker of a shared crawl
(``NEWSCRAWL_FRONTIER=redis``) uses ``redis`` unless told otherwise. Both are
:class:`~newscrawl.state.store.CrawlState` to the rest of the project.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scrapy.crawler import Crawler

from newscrawl.config import crawl_settings
from newscrawl.state.store import CrawlState

BACKENDS = ("sqlite", "redis")


def backend_name(crawler: Crawler) -> str:
    from newscrawl.frontier.connection import frontier_enabled

    settings = crawler.settings
    default = "redis" if frontier_enabled(settings) else "sqlite"
    name = crawl_settings(settings).state_backend or default
    if name not in BACKENDS:
        raise ValueError(f"NEWSCRAWL_STATE_BACKEND {name!r}: use one of {', '.join(BACKENDS)}")
    return name


def state_backend(crawler: Crawler) -> Callable[[Path], CrawlState]:
    """How the crawl's session opens its state directory."""
    if backend_name(crawler) == "sqlite":
        return CrawlState
    from newscrawl.frontier.connection import Keys, connect
    from newscrawl.state.redis_store import RedisCrawlState

    server = connect(crawler.settings)
    keys = Keys.of(crawler.settings, crawler.spidercls.name)
    claims = (keys.fingerprint_claims, keys.post_id_claims)
    return lambda directory: RedisCrawlState(directory, server, keys.state, claims=claims)
