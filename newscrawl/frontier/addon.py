"""The Scrapy add-on that makes a crawl a worker of a shared crawl in Redis.

Inert unless ``NEWSCRAWL_FRONTIER=redis``; then it installs the leased scheduler
(:mod:`newscrawl.frontier.leases`, on scrapy-redis), the shared rate and concurrency limits
(:mod:`newscrawl.frontier.limiter`) and the claims pipeline (:mod:`newscrawl.frontier.claims`).
The crawl state moves to Redis with them (:mod:`newscrawl.state.backend`).
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from newscrawl.frontier.connection import frontier_enabled

#: Defaults of a worker (``-s`` wins over each).
DEFAULTS = {
    "NEWSCRAWL_FRONTIER_LEASE_SECONDS": 30.0,
    "NEWSCRAWL_FRONTIER_HEARTBEAT": 1.0,
    "NEWSCRAWL_FRONTIER_IDLE_GRACE": 5.0,
    "NEWSCRAWL_REDIS_RETRY_SECONDS": 300.0,
}


class FrontierAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        if not frontier_enabled(settings):
            return
        from newscrawl.frontier.claims import ClaimPipeline
        from newscrawl.frontier.limiter import (
            SharedConcurrencyMiddleware,
            SharedRateLimitMiddleware,
        )

        for key, value in DEFAULTS.items():
            settings.setdefault(key, value)
        settings.set("SCHEDULER", "newscrawl.frontier.leases.FrontierScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        # A worker's share of a shared crawl may be anything down to nothing (it joined a
        # drained frontier): its own article count says nothing about the crawl's health.
        settings.set("NEWSCRAWL_HEALTH_MIN_ARTICLES", 0, "addon")
        settings.set("NEWSCRAWL_HEALTH_MIN_ARTICLES_RATIO", 0.0, "addon")
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", SharedRateLimitMiddleware, 120
        )
        # Next to the downloader: its responses and errors reach this one first.
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", SharedConcurrencyMiddleware, 950
        )
        settings.set_in_component_priority_dict("ITEM_PIPELINES", ClaimPipeline, 350)
