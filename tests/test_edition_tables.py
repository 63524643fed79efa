"""The menu tables (``newscrawl/editions.py``, English and Spanish) and the URL rules
(``newscrawl/discovery/rules.py``), pinned entry by entry: each entry is stated here once more
and checked for what it decides, so a table entry lost, renamed or added shows up as the entry
it is.

- a group or section of the menu is a listing (though ``/articles/{slug}`` is an article), its
  pages are listings, what is below it is an article, ``sections=`` accepts it, and its name is
  the one the site shows, which the replica's own menu model (kept apart on purpose) agrees on;
- a region is a listing, named as the site names it;
- each URL rule decides the kind of its example path, and is the rule that decides it;
- each Arabic single-level group, asset extension and tracking parameter does what it is for.
"""

from __future__ import annotations

import pytest

from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.classify import CrawlSite, classify, classify_path, request_url
from newscrawl.discovery.rules import (
    AR_RULES,
    AR_SINGLE_LEVEL_GROUPS,
    ASSET_EXTENSIONS,
    COMMON_RULES,
    DISALLOWED_RULES,
    EN_RULES,
    ES_RULES,
    UrlKind,
    UrlRule,
)
from newscrawl.editions import AR, EN, ES
from newscrawl_replica.editions import EDITIONS as REPLICA_EDITIONS

A, L = UrlKind.ARTICLE, UrlKind.LISTING

#: The English main menu as the site shows it: path -> name.
EN_GROUPS = {
    "news": "News", "articles": "Articles", "videos": "Videos", "infographs": "Infographs",
    "in-pictures": "In Pictures", "live": "LIVE",
}  # fmt: skip
EN_SECTIONS = {
    "news/politics": "Politics", "news/economy": "Economy", "news/sports": "Sports",
    "news/arts-culture": "Arts&Culture", "news/health": "Health",
    "news/miscellaneous": "Miscellaneous", "news/technology": "Technology",
    "news/environment": "Environment", "articles/opinion": "Opinion",
    "articles/analysis": "Analysis", "articles/blog": "Blog", "articles/features": "Features",
    "videos/newsfeed": "NewsFeed", "videos/video-features": "Video Features",
    "videos/explainers": "Explainers", "videos/tv": "TV", "videos/digital-series": "Digital Series",
}  # fmt: skip
EN_REGIONS = {
    "regions/africa": "Africa", "regions/asia": "Asia", "regions/asia-pacific": "Asia-Pacific",
    "regions/europe": "Europe", "regions/latin-america": "Latin America", "regions/mena": "MENA",
    "regions/palestine": "Palestine", "regions/us-canada": "US & Canada",
}  # fmt: skip
AR_GROUPS = (
    "tv-reports", "articles", "video", "press", "misc", "reports", "research-papers", "podcasts",
    "infograph", "analysis", "health", "programs", "episodes", "in-pictures", "culture", "sports",
    "economy", "technology",
)  # fmt: skip

#: The Spanish menu groups, and its sections (flat paths: ``/politica``), each with its group.
ES_GROUPS = {
    "noticias": "Noticias", "video": "Video", "opinion": "Opinión", "television": "Televisión",
    "multimedia": "Multimedia", "coberturas": "Coberturas", "en-vivo": "En Vivo",
}  # fmt: skip
ES_SECTIONS = [
    ("politica", "Política", "noticias"),
    ("cultura-y-arte", "Cultura y Arte", "noticias"),
    ("deportes", "Deportes", "noticias"),
    ("salud", "Salud", "noticias"),
    ("tecnologia", "Tecnología", "noticias"),
    ("medio-ambiente", "Medio Ambiente", "noticias"),
    ("medios-internacionales", "Medios Internacionales", "noticias"),
    ("cronicas-del-medio-oriente", "Crónicas del Medio Oriente", "noticias"),
    ("articulos-exclusivos", "Artículos Exclusivos", "opinion"),
    ("articulos", "Artículos", "opinion"),
    ("entrevistas", "Entrevistas", "opinion"),
    ("profundidad", "A Profundidad", "opinion"),
    ("escritores", "Escritores", "opinion"),
    ("infografias", "Infografías", "multimedia"),
    ("caricaturas", "Caricaturas", "multimedia"),
    ("historietas", "Historietas", "multimedia"),
]
ES_REGIONS = {
    "regiones/medio-oriente": "Medio Oriente", "regiones/america-latina": "América Latina",
    "regiones/eeuu-canada": "EE.UU.-Canadá", "regiones/europa": "Europa",
    "regiones/africa": "África", "regiones/asia": "Asia", "regiones/oceania": "Oceanía",
}  # fmt: skip

EN_SITE = CrawlSite.of("en")
ES_SITE = CrawlSite.of("es")
REPLICA_ES = REPLICA_EDITIONS["es"]
AR_SITE = CrawlSite.of("ar")
REPLICA_EN = REPLICA_EDITIONS["en"]


def test_the_tables_hold_exactly_the_pinned_entries() -> None:
    assert EN.groups == EN_GROUPS
    assert EN.sections == EN_SECTIONS
    assert EN.regions == EN_REGIONS
    assert AR_SINGLE_LEVEL_GROUPS == AR_GROUPS
    assert ES.groups == ES_GROUPS
    assert ES.sections == {slug: name for slug, name, _ in ES_SECTIONS}
    assert ES.section_groups == {slug: group for slug, _, group in ES_SECTIONS}
    assert ES.regions == ES_REGIONS
    assert (AR.groups, AR.sections, AR.regions) == ({}, {}, {})  # no menu hints: rules only


@pytest.mark.parametrize(("path", "name"), {**EN_GROUPS, **EN_SECTIONS}.items())
def test_each_english_group_and_section(path: str, name: str) -> None:
    menu = {**EN.groups, **EN.sections}
    assert menu[path] == name == {**REPLICA_EN.groups, **REPLICA_EN.sections}[path]
    url = f"{EN.base_url}/{path}"
    # /articles/opinion is a listing though /articles/{slug} is an article: the table decides.
    assert classify(url, EN_SITE) is L
    assert classify(f"{url}?page=2", EN_SITE) is L
    assert classify(f"{url}/an-article-slug", EN_SITE) is A
    assert CrawlArgs.parse({"sections": path}).sections == (path,)


@pytest.mark.parametrize(("path", "name"), EN_REGIONS.items())
def test_each_english_region(path: str, name: str) -> None:
    assert EN.regions[path] == name == REPLICA_EN.regions[path]
    assert classify(f"{EN.base_url}/{path}", EN_SITE) is L


@pytest.mark.parametrize(("slug", "name", "group"), ES_SECTIONS)
def test_each_spanish_section(slug: str, name: str, group: str) -> None:
    assert ES.sections[slug] == name == REPLICA_ES.sections[slug]
    group_name = ES_GROUPS[group]
    assert ES.groups[group] == group_name == REPLICA_ES.groups[group]
    # Articles are /{section}/{post id}/{slug}: their section and group are named by the table.
    assert ES.section_name([slug, "1234567", "x"]) == name
    assert ES.group_name([slug, "1234567", "x"]) == group_name
    assert classify(f"{ES.base_url}/{slug}", ES_SITE) is L
    assert classify(f"{ES.base_url}/{slug}/1234567/un-articulo", ES_SITE) is A
    assert classify(f"{ES.base_url}/{group}", ES_SITE) is L


@pytest.mark.parametrize(("path", "name"), ES_REGIONS.items())
def test_each_spanish_region(path: str, name: str) -> None:
    assert ES.regions[path] == name == REPLICA_ES.regions[path]
    assert classify(f"{ES.base_url}/{path}", ES_SITE) is L


def test_a_section_not_in_the_menu_is_an_article_shape() -> None:
    """What the table prevents: a one-segment path under a group is an article otherwise."""
    assert classify(f"{EN.base_url}/articles/some-rare-article", EN_SITE) is A
    with pytest.raises(ValueError, match="unknown section"):
        CrawlArgs.parse({"sections": "news/weather"})


@pytest.mark.parametrize("group", AR_GROUPS)
def test_each_arabic_single_level_group(group: str) -> None:
    assert classify(f"{AR.base_url}/{group}", AR_SITE) is L
    assert classify(f"{AR.base_url}/{group}/عنوان-المقال", AR_SITE) is A
    assert classify(f"{AR.base_url}/{group}/a/b", AR_SITE) is UrlKind.OTHER


#: One example path per rule, in the rules' order: the rule decides it, as the first to match.
RULE_EXAMPLES: list[tuple[str, tuple[UrlRule, ...], list[str]]] = [
    ("disallowed", DISALLOWED_RULES, ["/search", "/print/news/politics/x"]),
    ("common", COMMON_RULES, [
        "/robots.txt", "/sitemaps/all/sitemap-2024-7.xml", "/sitemap-news.xml", "/rss.xml",
        "/rss/politics", "/media/a.webp", "/api/listing", "/", "/tags/Gaza",
        "/authors/someone", "/regions/mena", "/regions", "/article/1234567",
    ]),
    ("en", EN_RULES, [
        "/news", "/live", "/news/politics/a-slug", "/articles/a-slug", "/infographs/a-slug",
    ]),
    ("es", ES_RULES, [
        "/regiones/asia", "/politica/1234567/un-articulo", "/noticias", "/profundidad/politica",
    ]),
    ("ar", AR_RULES, [
        "/news", "/news/politics", "/news/politics/عنوان", "/newscast",
        "/newscast/2024/8/15/نشرة", "/tv-reports", "/tv-reports/عنوان",
    ]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "rules", "index", "path"),
    [
        (name, rules, i, path)
        for name, rules, paths in RULE_EXAMPLES
        for i, path in enumerate(paths)
    ],
    ids=[f"{name}-{i}:{path}" for name, _, paths in RULE_EXAMPLES for i, path in enumerate(paths)],
)
def test_each_url_rule_decides_its_example(
    table: str, rules: tuple[UrlRule, ...], index: int, path: str
) -> None:
    rule = rules[index]
    first = next(r for r in rules if r.pattern.search(path))
    assert first is rule, (
        f"{path} is decided by {first.pattern.pattern}, not {rule.pattern.pattern}"
    )
    edition = {"ar": AR, "es": ES}.get(table, EN)
    assert classify_path(path, edition) is rule.kind


def test_every_rule_has_its_example() -> None:
    assert [len(rules) for _, rules, _ in RULE_EXAMPLES] == [
        len(paths) for _, _, paths in RULE_EXAMPLES
    ]


@pytest.mark.parametrize("extension", ASSET_EXTENSIONS)
def test_each_asset_extension_is_never_a_page(extension: str) -> None:
    assert classify(f"{EN.base_url}/news/politics/a-slug.{extension}", EN_SITE) is UrlKind.OTHER
    assert classify(f"{EN.base_url}/news/politics/a-slug{extension}", EN_SITE) is A


@pytest.mark.parametrize(
    "param",
    ["utm_source", "utm_campaign", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid",
     "igshid", "ref", "ref_src", "share", "sshare", "from"],
)  # fmt: skip
def test_each_tracking_parameter_is_dropped(param: str) -> None:
    url = f"{EN.base_url}/news/politics/a-slug?{param}=x"
    assert request_url(url, EN_SITE) == f"{EN.base_url}/news/politics/a-slug"
    listing = f"{EN.base_url}/news/politics?page=2&{param}=x"
    assert request_url(listing, EN_SITE) == f"{EN.base_url}/news/politics?page=2"
