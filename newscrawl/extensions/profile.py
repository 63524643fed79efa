"""Settings profiles: one name for a set of settings that suits a kind of target.

``-s NEWSCRAWL_PROFILE=replica`` lifts the politeness delays for the bundled replica on
127.0.0.1 (its robots.txt asks for ``Crawl-delay: 1``, which the live site deserves and a local
benchmark does not). A profile is applied at "spider" priority, so any explicit ``-s`` still wins.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

PROFILES: dict[str, dict[str, Any]] = {
    "": {},
    "live": {},
    "replica": {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "NEWSCRAWL_HONOUR_CRAWL_DELAY": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "NEWSCRAWL_RETRY_AFTER_MAX": 2.0,
        "DOWNLOAD_TIMEOUT": 10,
        "LOGSTATS_INTERVAL": 10.0,
        "NEWSCRAWL_FRONTIER_RATE": 0,
    },
}


class ProfileError(ValueError):
    """An unknown profile name."""


def apply_profile(settings: BaseSettings) -> str:
    """Apply the profile named by ``NEWSCRAWL_PROFILE``; returns its name."""
    name = str(settings.get("NEWSCRAWL_PROFILE") or "").strip().lower()
    if name not in PROFILES:
        raise ProfileError(
            f"unknown NEWSCRAWL_PROFILE {name!r}; use one of: "
            + ", ".join(p for p in PROFILES if p)
        )
    for key, value in PROFILES[name].items():
        settings.set(key, value, priority="spider")
    return name
