"""The editions the replica serves: host, language and (English, Spanish) the menus the site shows.

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


#: The Spanish main menu [es]; the path segments are [model]. Its sections are flat: a section's
#: listing and its articles' first path segment are the section's own slug (``/entrevistas``,
#: ``/entrevistas/2046797/{slug}``), not ``group/section``.
_ES_MENU: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("noticias", "Noticias", (
        ("politica", "Política"), ("cultura-y-arte", "Cultura y Arte"), ("deportes", "Deportes"),
        ("salud", "Salud"), ("tecnologia", "Tecnología"), ("medio-ambiente", "Medio Ambiente"),
        ("medios-internacionales", "Medios Internacionales"),
        ("cronicas-del-medio-oriente", "Crónicas del Medio Oriente"),
    )),
    ("video", "Video", ()),
    ("opinion", "Opinión", (
        ("articulos-exclusivos", "Artículos Exclusivos"), ("articulos", "Artículos"),
        ("entrevistas", "Entrevistas"), ("profundidad", "A Profundidad"),
        ("escritores", "Escritores"),
    )),
    ("television", "Televisión", ()),
    ("multimedia", "Multimedia", (
        ("infografias", "Infografías"), ("caricaturas", "Caricaturas"),
        ("historietas", "Historietas"),
    )),
    ("coberturas", "Coberturas", ()),
    ("en-vivo", "En Vivo", ()),
)  # fmt: skip

#: The Spanish regions [es], listed under /regiones/ [model].
_ES_REGIONS: tuple[tuple[str, str], ...] = (
    ("medio-oriente", "Medio Oriente"), ("america-latina", "América Latina"),
    ("eeuu-canada", "EE.UU.-Canadá"), ("europa", "Europa"), ("africa", "África"),
    ("asia", "Asia"), ("oceania", "Oceanía"),
)  # fmt: skip


@dataclass(frozen=True)
class Edition:
    """One edition: where it is served in production, its language, and its menus."""

    code: str
    host: str
    language: str
    menu: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    region_menu: tuple[tuple[str, str], ...] = ()
    #: Sections listed at ``/{section}`` (Spanish) instead of ``/{group}/{section}``.
    flat_sections: bool = False
    #: The path segment region listings live under.
    region_prefix: str = "regions"

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
        """Sections: "group/section" (or "section" when flat) -> name shown."""
        return {
            (slug if self.flat_sections else f"{group}/{slug}"): name
            for group, _, subs in self.menu
            for slug, name in subs
        }

    @cached_property
    def section_groups(self) -> dict[str, str]:
        """Section key (as in ``sections``) -> its group's path segment."""
        return {
            (slug if self.flat_sections else f"{group}/{slug}"): group
            for group, _, subs in self.menu
            for slug, _ in subs
        }

    def group_of(self, section: str) -> str:
        """The menu group of a section key (a single-level group is its own group)."""
        return self.section_groups.get(section) or section.split("/")[0]

    @cached_property
    def regions(self) -> dict[str, str]:
        """Regions: "regions/x" -> name shown."""
        return {f"{self.region_prefix}/{slug}": name for slug, name in self.region_menu}


EN = Edition("en", "english.almayadeen.net", "en", _EN_MENU, _EN_REGIONS)

AR = Edition("ar", "www.almayadeen.net", "ar")

ES = Edition(
    "es",
    "espanol.almayadeen.net",
    "es",
    _ES_MENU,
    _ES_REGIONS,
    flat_sections=True,
    region_prefix="regiones",
)

EDITIONS: dict[str, Edition] = {e.code: e for e in (EN, AR, ES)}
