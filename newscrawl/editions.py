"""The editions of the site: hosts, language and timezone, as data.

Shared by discovery (which host is on-site, how to map a replica URL to production) and
normalization (which zone visible times are read in). Section and region names that the menus
show are listed for the English and Spanish editions as SITE.md gives them; the crawler treats
them as hints, never as the only sections that may exist.
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
    #: Flat sections (Spanish): a section's URL path is its own segment (``entrevistas``),
    #: the first segment of its articles' URLs; section -> its menu group's segment.
    section_groups: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"

    def group_name(self, segments: list[str]) -> str | None:
        """The menu name of the group an article URL's path ``segments`` belong to."""
        if not segments:
            return None
        return self.groups.get(self.section_groups.get(segments[0], segments[0]))

    def section_name(self, segments: list[str]) -> str | None:
        """The menu name of the section an article URL's path ``segments`` belong to."""
        if segments and segments[0] in self.section_groups:
            return self.sections.get(segments[0])
        return self.sections.get("/".join(segments[:2]))


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

#: Spanish [es]: menu names and regions as SITE.md gives them; path segments [model]. Articles
#: are ``/{section}/{post id}/{slug}``.
_ES_MENU: dict[str, tuple[str, dict[str, str]]] = {
    "noticias": ("Noticias", {
        "politica": "Política", "cultura-y-arte": "Cultura y Arte", "deportes": "Deportes",
        "salud": "Salud", "tecnologia": "Tecnología", "medio-ambiente": "Medio Ambiente",
        "medios-internacionales": "Medios Internacionales",
        "cronicas-del-medio-oriente": "Crónicas del Medio Oriente",
    }),
    "video": ("Video", {}),
    "opinion": ("Opinión", {
        "articulos-exclusivos": "Artículos Exclusivos", "articulos": "Artículos",
        "entrevistas": "Entrevistas", "profundidad": "A Profundidad", "escritores": "Escritores",
    }),
    "television": ("Televisión", {}),
    "multimedia": ("Multimedia", {
        "infografias": "Infografías", "caricaturas": "Caricaturas", "historietas": "Historietas",
    }),
    "coberturas": ("Coberturas", {}),
    "en-vivo": ("En Vivo", {}),
}  # fmt: skip

ES = Edition(
    code="es",
    host="espanol.almayadeen.net",
    language="es",
    groups={group: name for group, (name, _) in _ES_MENU.items()},
    sections={slug: name for _, subs in _ES_MENU.values() for slug, name in subs.items()},
    regions={
        "regiones/medio-oriente": "Medio Oriente",
        "regiones/america-latina": "América Latina",
        "regiones/eeuu-canada": "EE.UU.-Canadá",
        "regiones/europa": "Europa",
        "regiones/africa": "África",
        "regiones/asia": "Asia",
        "regiones/oceania": "Oceanía",
    },
    section_groups={slug: group for group, (_, subs) in _ES_MENU.items() for slug in subs},
)

EDITIONS: dict[str, Edition] = {e.code: e for e in (EN, AR, ES)}

#: Every production host of the site; links to one edition's host from another are off-site.
ALL_HOSTS: frozenset[str] = frozenset(e.host for e in EDITIONS.values()) | {
    "next-en.almayadeen.net"
}
