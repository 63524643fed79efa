"""The editions of the site: hosts, language and timezone, as data.

Shared by discovery (which host is on-site, how to map a replica URL to production) and
normalization (which zone visible times are read in). Section and region names that the menus
show are listed for the English edition as SITE.md gives them; the crawler treats them as hints,
never as the only sections that may exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edition:
    code: str
    host: str
    language: str
    #: Zone of the times the page shows (visible byline) and of tawsiyat times' offsets.
    local_tz: str = "Asia/Beirut"
    #: Menu groups: URL path segment -> name the site shows.
    groups: dict[str, str] = field(default_factory=dict)
    #: Sections: URL path ("group/section") -> name the site shows.
    sections: dict[str, str] = field(default_factory=dict)
    #: Regions: URL path ("regions/x") -> name the site shows.
    regions: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"


EN = Edition(
    code="en",
    host="english.almayadeen.net",
    language="en",
    groups={
        "news": "News",
        "articles": "Articles",
        "videos": "Videos",
        "infographs": "Infographs",
        "in-pictures": "In Pictures",
        "live": "LIVE",
    },
    sections={
        "news/politics": "Politics",
        "news/economy": "Economy",
        "news/sports": "Sports",
        "news/arts-culture": "Arts&Culture",
        "news/health": "Health",
        "news/miscellaneous": "Miscellaneous",
        "news/technology": "Technology",
        "news/environment": "Environment",
        "articles/opinion": "Opinion",
        "articles/analysis": "Analysis",
        "articles/blog": "Blog",
        "articles/features": "Features",
        "videos/newsfeed": "NewsFeed",
        "videos/video-features": "Video Features",
        "videos/explainers": "Explainers",
        "videos/tv": "TV",
        "videos/digital-series": "Digital Series",
    },
    regions={
        "regions/africa": "Africa",
        "regions/asia": "Asia",
        "regions/asia-pacific": "Asia-Pacific",
        "regions/europe": "Europe",
        "regions/latin-america": "Latin America",
        "regions/mena": "MENA",
        "regions/palestine": "Palestine",
        "regions/us-canada": "US & Canada",
    },
)

AR = Edition(code="ar", host="www.almayadeen.net", language="ar")

ES = Edition(code="es", host="espanol.almayadeen.net", language="es")

EDITIONS: dict[str, Edition] = {e.code: e for e in (EN, AR, ES)}

#: Every production host of the site; links to one edition's host from another are off-site.
ALL_HOSTS: frozenset[str] = frozenset(e.host for e in EDITIONS.values()) | {
    "next-en.almayadeen.net"
}
