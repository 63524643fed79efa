"""URL rules, as data: which paths of an edition are articles, listings, feeds or off limits.

The classifier (``newscrawl.discovery.classify``) applies these tables in order; the first
pattern that matches a path decides its kind. Patterns match the percent-decoded path (Arabic
slugs are letters, not ``%D8…``) without the query; ``?page=N`` is handled by the classifier.
Paths not matched by any rule are ``other`` and are not followed: the crawler prefers missing a
new URL shape (and a test telling us) to wandering into calendars, search pages and traps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class UrlKind(StrEnum):
    ARTICLE = "article"
    LISTING = "listing"
    SITEMAP = "sitemap"
    FEED = "feed"
    ROBOTS = "robots"
    OTHER = "other"
    OFFSITE = "offsite"
    DISALLOWED = "disallowed"


@dataclass(frozen=True)
class UrlRule:
    pattern: re.Pattern[str]
    kind: UrlKind
    note: str = ""


def _rule(pattern: str, kind: UrlKind, note: str = "") -> UrlRule:
    return UrlRule(re.compile(pattern, re.IGNORECASE), kind, note)


#: The old article URL by post id (``/article/1234567``); the incremental state maps it to the
#: article it redirects to.
POST_ID_PATH = re.compile(r"^/article/(\d+)$", re.IGNORECASE)


#: One path segment: anything but a slash.
SEG = r"[^/]+"

#: File types that are never pages (media, assets, documents).
ASSET_EXTENSIONS: tuple[str, ...] = (
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "svg",
    "ico",
    "bmp",
    "avif",
    "mp4",
    "m3u8",
    "mp3",
    "webm",
    "mov",
    "css",
    "js",
    "json",
    "woff",
    "woff2",
    "ttf",
    "eot",
    "map",
    "pdf",
    "zip",
    "doc",
    "docx",
    "xls",
    "xlsx",
)

#: Paths every edition keeps crawlers out of (robots.txt model) or that are never content:
#: search, print views, APIs, accounts. Checked before anything else.
DISALLOWED_RULES: tuple[UrlRule, ...] = (
    _rule(r"^/search(/|$)", UrlKind.DISALLOWED, "site search (robots.txt)"),
    _rule(r"^/print(/|$)", UrlKind.DISALLOWED, "print view (robots.txt)"),
)

COMMON_RULES: tuple[UrlRule, ...] = (
    _rule(r"^/robots\.txt$", UrlKind.ROBOTS),
    _rule(r"^/sitemaps?(/.*)?\.xml$", UrlKind.SITEMAP, "sitemap index and monthly sitemaps"),
    _rule(r"^/sitemap[^/]*\.xml$", UrlKind.SITEMAP),
    _rule(r"^/(rss|feed)(\.xml)?$", UrlKind.FEED, "RSS 2.0"),
    _rule(r"^/rss/" + SEG + r"$", UrlKind.FEED),
    _rule(r"\.(" + "|".join(ASSET_EXTENSIONS) + r")$", UrlKind.OTHER, "asset"),
    _rule(r"^/(api|account|login|logout|register|user|admin|cdn-cgi)(/|$)", UrlKind.OTHER),
    _rule(r"^/$", UrlKind.LISTING, "home"),
    _rule(r"^/tags/" + SEG + r"$", UrlKind.LISTING, "tag page"),
    _rule(r"^/authors/" + SEG + r"$", UrlKind.LISTING, "author page"),
    _rule(r"^/regions/" + SEG + r"$", UrlKind.LISTING, "region page"),
    _rule(r"^/regions$", UrlKind.LISTING, "regions page"),
    _rule(POST_ID_PATH.pattern, UrlKind.ARTICLE, "old URL by post id, redirects to the article"),
)

#: English edition [en]: /{group}/{section}/{slug}, rarely /articles/{slug};
#: single-level groups (/infographs/{slug}, /in-pictures/{slug}) [model].
EN_RULES: tuple[UrlRule, ...] = (
    _rule(r"^/(news|articles|videos)$", UrlKind.LISTING, "group page"),
    _rule(r"^/(infographs|in-pictures|live)$", UrlKind.LISTING, "single-level group page"),
    _rule(r"^/(news|articles|videos)/" + SEG + "/" + SEG + r"$", UrlKind.ARTICLE),
    # /articles/opinion is a section; /articles/{slug} an article: the classifier checks the
    # edition's section table before this rule applies (see ``classify``).
    _rule(r"^/(news|articles|videos)/" + SEG + r"$", UrlKind.ARTICLE, "group/slug article"),
    _rule(r"^/(infographs|in-pictures|live)/" + SEG + r"$", UrlKind.ARTICLE),
)

#: Arabic edition [ar]: shapes of the real records' URLs.
AR_SINGLE_LEVEL_GROUPS: tuple[str, ...] = (
    "tv-reports",
    "articles",
    "video",
    "press",
    "misc",
    "reports",
    "research-papers",
    "podcasts",
    "infograph",
    "analysis",
    "health",
    "programs",
    "episodes",
    "in-pictures",
    "culture",
    "sports",
    "economy",
    "technology",
)

AR_RULES: tuple[UrlRule, ...] = (
    _rule(r"^/news$", UrlKind.LISTING, "group page"),
    _rule(r"^/news/" + SEG + r"$", UrlKind.LISTING, "section page (/news/politics)"),
    _rule(r"^/news/" + SEG + "/" + SEG + r"$", UrlKind.ARTICLE),
    _rule(r"^/newscast$", UrlKind.LISTING),
    _rule(r"^/newscast/\d{4}/\d{1,2}/\d{1,2}/" + SEG + r"$", UrlKind.ARTICLE, "bulletin"),
    _rule(r"^/(" + "|".join(AR_SINGLE_LEVEL_GROUPS) + r")$", UrlKind.LISTING),
    _rule(r"^/(" + "|".join(AR_SINGLE_LEVEL_GROUPS) + r")/" + SEG + r"$", UrlKind.ARTICLE),
)

#: Spanish edition [es]: ``/{section}/{post id}/{slug}``; menus, sections and regions are
#: listings (the edition's tables name them; any other one- or two-segment path without a post
#: id is a listing too, as ``/profundidad/politica``).
ES_RULES: tuple[UrlRule, ...] = (
    _rule(r"^/regiones/" + SEG + r"$", UrlKind.LISTING, "region page"),
    _rule(r"^/" + SEG + r"/\d+/" + SEG + r"$", UrlKind.ARTICLE, "section/post id/slug"),
    _rule(r"^/[a-z][a-z-]*$", UrlKind.LISTING, "group or section page"),
    _rule(r"^/[a-z][a-z-]*/[a-z][a-z-]*$", UrlKind.LISTING, "section topic page"),
)

EDITION_RULES: dict[str, tuple[UrlRule, ...]] = {
    "en": EN_RULES,
    "ar": AR_RULES,
    "es": ES_RULES,
}

#: Query parameters that only track a click: dropped before a URL is requested, so a
#: tracking variant of an article is the same request as the article.
TRACKING_PARAMS: re.Pattern[str] = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src|s?share|from)$",
    re.IGNORECASE,
)

#: The only query parameter a listing keeps: its page number.
PAGE_PARAM = "page"
#: Where discovery starts besides the home page: the sitemap index and the RSS feed.
SITEMAP_INDEX_PATH = "/sitemaps/all.xml"
RSS_PATH = "/rss.xml"
#: Where feeds usually are, tried besides the ones pages and robots.txt announce: the site's
#: own link [model] and the path third-party configs use [en].
FEED_PATHS: tuple[str, ...] = (RSS_PATH, "/rss")
ROBOTS_PATH = "/robots.txt"
