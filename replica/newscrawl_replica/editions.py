"""The two editions the replica serves: host, language and (English) the menu the site shows.

This is the replica's own model of the site's menus, kept apart from the
crawler's hint tables on purpose: the truth is built from it, so a wrong name on either side shows
up end to end instead of agreeing with itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

#: The English main menu: (group path, name shown, ((section slug, name shown), ...)).
_EN_MENU: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("news", "News", (
        ("politics", "Politics"), ("economy", "Economy"), ("sports", "Sports"),
        ("arts-culture", "Arts&Culture"), ("health", "Health"),
        ("miscellaneous", "Miscellaneous"), ("technology", "Technology"),
        ("environment", "Environment"),
    )),
    ("articles", "Articles", (
        ("opinion", "Opinion"), ("analysis", "Analysis"), ("blog", "Blog"),
        ("features", "Features"),
    )),
    ("videos", "Videos", (
        ("newsfeed", "NewsFeed"), ("video-features", "Video Features"),
        ("explainers", "Explainers"), ("tv", "TV"), ("digital-series", "Digital Series"),
    )),
    ("infographs", "Infographs", ()),
    ("in-pictures", "In Pictures", ()),
    ("live", "LIVE", ()),
)  # fmt: skip

#: The English regions menu: (slug under /regions/, name shown).
_EN_REGIONS: tuple[tuple[str, str], ...] = (
    ("africa", "Africa"), ("asia", "Asia"), ("asia-pacific", "Asia-Pacific"),
    ("europe", "Europe"), ("latin-america", "Latin America"), ("mena", "MENA"),
    ("palestine", "Palestine"), ("us-canada", "US & Canada"),
)  # fmt: skip


@dataclass(frozen=True)
class Edition:
    """One edition: where it is served in production, its language, and its menus."""

    code: str
    host: str
    language: str
    menu: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    region_menu: tuple[tuple[str, str], ...] = ()

    @property
    def base_url(self) -> str:
        """Production scheme and host: the replica's records and canonical links use it."""
        return f"https://{self.host}"

    @cached_property
    def groups(self) -> dict[str, str]:
        """Menu groups: path segment -> name shown."""
        return {group: name for group, name, _ in self.menu}

    @cached_property
    def sections(self) -> dict[str, str]:
        """Sections: "group/section" -> name shown."""
        return {f"{group}/{slug}": name for group, _, subs in self.menu for slug, name in subs}

    @cached_property
    def regions(self) -> dict[str, str]:
        """Regions: "regions/x" -> name shown."""
        return {f"regions/{slug}": name for slug, name in self.region_menu}


EN = Edition("en", "english.almayadeen.net", "en", _EN_MENU, _EN_REGIONS)

AR = Edition("ar", "www.almayadeen.net", "ar")

EDITIONS: dict[str, Edition] = {e.code: e for e in (EN, AR)}
