"""Every selector and text pattern the article page object uses, as data, in one place.

Order inside each tuple is order of trust: the first query that finds something wins. Queries
starting with ``/``, ``./`` or ``(`` are XPath, the others CSS. Head metadata and the tawsiyat
block come first; visible text patterns next; layout CSS classes last.

A page layout is a ``LayoutSelectors`` value read by a small parser class in ``article.py``
(``PARSERS``). A new layout of the site is a new value and a new parser, tried before the older
ones, never an edit that changes how an existing layout is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- head metadata and site JSON --------------------------------------------------------------

TAWSIYAT: tuple[str, ...] = (
    "script#tawsiyat-metadata::text",
    'script[type="text/tawsiyat"]::text',
    "//script[contains(., '\"postid\"') and contains(., '\"published_time\"')]/text()",
)
JSON_LD: tuple[str, ...] = ('script[type="application/ld+json"]::text',)
CANONICAL: tuple[str, ...] = ('link[rel="canonical"]::attr(href)',)
HTML_LANG: tuple[str, ...] = ("html::attr(lang)", "body::attr(lang)")
DOCUMENT_TITLE: tuple[str, ...] = ("title::text",)
#: ``<title>`` carries the site name after the headline.
DOCUMENT_TITLE_SUFFIX = re.compile(r"\s*[|\-–—]\s*(?:Al Mayadeen|الميادين)[^|]*$", re.IGNORECASE)


#: Every ``<meta>`` of the head, read once; a value is looked up by its ``name`` or ``property``
#: (pages use either attribute), case-insensitively, the first occurrence winning.
META_TAGS: tuple[str, ...] = ("//meta[@content][@name or @property]",)
META_KEY_ATTRS: tuple[str, ...] = ("name", "property")

#: Meta keys, most trusted first within each tuple.
META_POSTID = ("postid",)
META_SITE_NAME = ("og:site_name", "application-name", "apple-mobile-web-app-title")
META_TWITTER_SITE = ("twitter:site",)
#: The site's own names, on its pages whatever the markup.
SITE_OWN_NAMES: tuple[str, ...] = ("Al Mayadeen", "الميادين", "almayadeen", "Red El Mayadeen")
META_KEYWORDS = ("keywords", "news_keywords")
META_AUTHOR = ("author",)
META_DESCRIPTION = ("description",)
OG_DESCRIPTION = ("og:description",)
META_VIDEO_DURATION = ("video:duration", "og:video:duration")
#: Head metadata that repeats, one value per tag (OpenGraph's tag list).
META_REPEATED = frozenset({"article:tag"})
OG_TYPE = ("og:type",)
OG_TITLE = ("og:title",)
OG_URL = ("og:url",)
OG_IMAGE = ("og:image", "og:image:url", "og:image:secure_url")
OG_VIDEO = ("og:video", "og:video:url", "og:video:secure_url")
#: The publication time in the head: OpenGraph's, then the other names publishers give it
#: (schema.org microdata, Dublin Core, the analytics tags of Parse.ly, Sailthru and cXense),
#: the bare ``date`` of many CMSs last.
META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "http://ogp.me/ns/article#published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "cxenseparse:publishtime",
    "cxenseparse:recs:publishtime",
    "cxenseparse:recs:published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
)
META_MODIFIED = ("article:modified_time",)

# --- visible text patterns (the byline row, in any layout) -----------------------------------

#: Separators between byline items when the row is read as one line of text.
BYLINE_SEPARATOR = " • "
BYLINE_SPLIT = re.compile(r"\s*[•|·]\s*")
#: Words that open a byline before the names: the editions' (English, Arabic, Spanish) and
#: those of other newsrooms (German, French, Dutch, Scandinavian).
BY_WORDS: tuple[str, ...] = (
    "by",
    "بقلم",
    "كتب",
    "كتبت",
    "por",
    "von",
    "par",
    "door",
    "av",
    "af",
)
BYLINE_SOURCE_LABELS: tuple[str, ...] = ("Source", "المصدر", "Fuente", "Quelle")
SHARES_WORDS: tuple[str, ...] = (
    "shares",
    "share",
    "مشاركات",
    "مشاركة",
    "compartidos",
    "veces compartido",
)
#: A count of views (the Spanish byline's ``20 Visualizaciones``).
VIEWS_WORDS: tuple[str, ...] = ("visualizaciones", "visualización", "vistas", "views", "مشاهدات")
READ_TIME_WORDS: tuple[str, ...] = (
    r"min(?:ute)?s?\.?\s*(?:read|reading)",
    "دقائق",
    "دقيقة",
    r"د\s*قراءة",
    r"min(?:utos)?\.?\s*de\s*lectura",
)
READ_MORE_LABELS: tuple[str, ...] = (
    "read more",
    "read also",
    "اقرأ المزيد",
    "leer más",
    "lea también",
    "lea más",
)
#: Arabic "read also" / "watch also" lines [ar]: a label and a link, with or without a colon.
READ_ALSO_LABELS: tuple[str, ...] = (
    "اقرأ أيضاً",
    "اقرأ أيضا",
    "اقرأ ايضا",
    "شاهد أيضاً",
    "شاهد أيضا",
    "شاهد ايضا",
)
RELATED_HEADING_TEXTS: tuple[str, ...] = ("Related News", "أخبار ذات صلة", "Noticias relacionadas")


def _any(words: tuple[str, ...]) -> str:
    return "|".join(words)


def _escaped(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words)


#: A byline label in an element of its own (``<span>Von: </span><a>Name</a>``).
LONE_BY_LABEL = re.compile(rf"(?:{_escaped(BY_WORDS)})\s*[:：]?", re.IGNORECASE)
LONE_SOURCE_LABEL = re.compile(rf"(?:{_escaped(BYLINE_SOURCE_LABELS)})\s*[:：]?", re.IGNORECASE)
#: Names after the word: short, and no sentence (``Por su parte, X dijo que … .`` is prose).
BYLINE_BY = re.compile(
    rf"^\s*(?:{_escaped(BY_WORDS)})\b\s*:?\s*(?P<value>[^\s.!?](?:[^.!?]{{0,118}}[^\s.!?])?)\s*$",
    re.IGNORECASE,
)
_VISIBLE_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[AaPp]\.?[Mm]\.?|ص|م)(?!\w))?"
_VISIBLE_DATE = (
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:[ T]{_VISIBLE_TIME})?"
    rf"|\d{{1,2}}\s+(?:de\s+)?[^\W\d_]{{2,}}(?:\s[^\W\d_]{{3,}})?\.?,?\s+(?:de\s+)?\d{{4}}"
    rf"(?:,?\s+{_VISIBLE_TIME})?"
    rf"|[^\W\d_]{{3,}}\.?\s+\d{{1,2}},?\s+\d{{4}}(?:,?\s+(?:at\s+)?{_VISIBLE_TIME})?"
    rf"|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}(?:,?\s+{_VISIBLE_TIME}(?:\s*Uhr)?)?"
    # Without a year (the Spanish byline's ``23 Julio 19:20``): the time is required.
    rf"|\d{{1,2}}\s+(?:de\s+)?[^\W\d_]{{3,}}\.?,?\s+{_VISIBLE_TIME}"
)
BYLINE_DATE = re.compile(rf"(?<!\d)(?:{_VISIBLE_DATE})")
#: The publication date after a label (``Published: 14 Mar 2024 09:05``); an ``Updated`` date
#: is not the publication date.
PUBLISHED_LABELS: tuple[str, ...] = ("Published", "Posted", "Publicado", "نشر", "تاريخ النشر")
BYLINE_PUBLISHED = re.compile(
    rf"(?:{'|'.join(PUBLISHED_LABELS)})(?:\s+on)?\s*:?\s*(?P<value>(?<!\d)(?:{_VISIBLE_DATE}))",
    re.IGNORECASE,
)
_COUNTED = r"\d[\d.,]*(?:\s?[KkMm](?![a-z]))?"
_SHARES = rf"\s*(?:{_escaped(SHARES_WORDS)})"
_READ_TIME = rf"\s*(?:{_any(READ_TIME_WORDS)})"
_VIEWS = rf"\s*(?:{_escaped(VIEWS_WORDS)})"
BYLINE_SHARES = re.compile(rf"(?P<value>{_COUNTED}){_SHARES}", re.IGNORECASE)
BYLINE_VIEWS = re.compile(rf"(?P<value>{_COUNTED}){_VIEWS}(?!\w)", re.IGNORECASE)
BYLINE_READ_TIME = re.compile(rf"(?P<value>\d+){_READ_TIME}", re.IGNORECASE)
_SOURCE = _escaped(BYLINE_SOURCE_LABELS)
BYLINE_SOURCE = re.compile(
    rf"(?:{_SOURCE})\s*:\s*(?P<value>.+?)\s*"
    rf"(?=[•|·]|(?<!\d)(?:{_VISIBLE_DATE})|{_COUNTED}{_SHARES}|{_COUNTED}{_VIEWS}"
    rf"|\d+{_READ_TIME}|$)",
    re.IGNORECASE,
)
#: Text before ``Source:`` in a row without ``By`` (the 2024 layout): the author names.
BYLINE_LEADING_AUTHORS = re.compile(rf"^(?P<value>.+?)\s*(?:{_SOURCE})\s*:", re.IGNORECASE)
_HAS_SOURCE = " or ".join(f"contains(., '{label}:')" for label in BYLINE_SOURCE_LABELS)
#: An element whose text looks like a byline row, when no layout class is present.
BYLINE_BY_TEXT: tuple[str, ...] = (
    f"(//*[self::ul or self::div or self::p][{_HAS_SOURCE}]"
    f"[not(.//*[self::ul or self::div or self::p][{_HAS_SOURCE}])])[1]",
)

#: Author pages: links to them in the byline row are the authors.
AUTHOR_LINKS: tuple[str, ...] = ('.//a[contains(@href, "/authors/")]',)
#: A ``Read more: <a>title</a>`` line inside the body.
READ_MORE = re.compile(
    rf"^\s*(?:(?:{_escaped(READ_MORE_LABELS)})\s*:|(?:{_escaped(READ_ALSO_LABELS)})(?!\w)\s*:?)",
    re.IGNORECASE,
)
_IS_RELATED_HEADING = " or ".join(f"normalize-space()='{t}'" for t in RELATED_HEADING_TEXTS)
#: Related boxes found by their heading text (any layout), then by class.
RELATED_BOX_BY_TEXT: tuple[str, ...] = (
    ".//*[self::div or self::aside or self::section][*[1][self::h2 or self::h3 or self::h4"
    f" or self::h5 or self::span or self::strong or self::p][{_IS_RELATED_HEADING}]]",
)
#: Embedded posts of social networks: not body text.
EMBEDS: tuple[str, ...] = (
    "blockquote.twitter-tweet",
    "blockquote.instagram-media",
    "blockquote.tiktok-embed",
    ".//blockquote[.//a[contains(@href, 'twitter.com/') or contains(@href, '//x.com/')]]",
)
#: Page sections that are never part of the article, whatever the layout.
NOT_ARTICLE: tuple[str, ...] = (
    "aside.most-read",
    "section.coverage",
    "section.read-next",
    "header",
    "footer",
    "nav",
    "script",
    "style",
)
#: Video player parts.
VIDEO_SRC: tuple[str, ...] = ("video::attr(src)", "video source::attr(src)")
VIDEO_DURATION: tuple[str, ...] = (
    "video::attr(data-duration)",
    "[data-duration]::attr(data-duration)",
    "(//video/@*[contains(name(), 'duration')] | //*[video]/@*[contains(name(), 'duration')])",
)
#: Embedded players (YouTube and the like) when the page has no ``<video>``.
VIDEO_EMBED: tuple[str, ...] = (
    ".//iframe[contains(@src, 'youtube.com/embed') or contains(@src, 'player')]/@src",
)
#: Where lazy-loading pages keep the picture's URL (``src`` then holds a placeholder); read
#: before ``src``, then the largest ``srcset`` candidate, then a ``<noscript>`` copy.
LAZY_URL_ATTRS: tuple[str, ...] = ("data-src", "data-lazy-src", "data-original", "data-url")
SRCSET_ATTRS: tuple[str, ...] = ("srcset", "data-srcset", "data-lazy-srcset")
#: Image URLs that are placeholders, never the picture.
PLACEHOLDER_URLS: tuple[str, ...] = ("data:", "about:", "javascript:")
PLACEHOLDER_NAME = re.compile(
    r"(?:^|/)[\w.-]*(?:blank|placeholder|spacer|lazy|pixel|transparent|loading)[\w.-]*"
    r"\.(?:gif|png|svg|webp)(?:$|\?)"
)
#: A caption beside a picture is short and is not a list or a section.
CAPTION_MAX_CHARS = 400
BLOCK_HOLDERS: tuple[str, ...] = ("ul", "ol", "table", "section", "article", "blockquote")

# --- pages of no known layout: furniture, labels and lists by structure and text ----------

#: Page furniture, never the article (an ancestor of the title heading is spared). By HTML's
#: sectioning rules a ``header``, ``footer`` or ``aside`` inside an ``article`` or ``main``
#: belongs to it (the article's own header holds its headline and byline); only the page's
#: own ones, its navigation and its landmarks are furniture.
FURNITURE_TAGS = frozenset({"nav", "form", "script", "style"})
PAGE_FURNITURE_TAGS = frozenset({"header", "footer", "aside"})
FURNITURE_ROLES = frozenset({"navigation"})
PAGE_FURNITURE_ROLES = frozenset({"banner", "contentinfo", "complementary"})
#: What makes a ``header``/``footer``/``aside`` (or a landmark) inside it the article's own.
SECTIONING_TAGS = frozenset({"article", "main"})
SECTIONING_ROLES = frozenset({"main"})
#: Headings of boxes about other articles (any element whose first child reads so).
BOX_HEADING_TEXTS: tuple[str, ...] = (
    "Most Read",
    "Most Popular",
    "Trending",
    "Latest",
    "Latest News",
    "Editor's Picks",
    "Read Next",
    "Coverage",
    "More from",
    "You may also like",
    "الأكثر قراءة",
    "الأكثر مشاهدة",
    "الأحدث",
    "آخر الأخبار",
    "مختارات",
    "Lo más leído",
)
#: (The heading is a label: the element's first child, holding text or links, no block.)
LABEL_CHILD_TAGS = frozenset({"a"})
#: Labels of advertising slots; an element opening with one is an ad, as is one of these slots.
AD_LABELS: tuple[str, ...] = ("Advertisement", "Advertising", "Sponsored", "إعلان", "Publicidad")
AD_SLOT_ATTRIBUTES: tuple[str, ...] = ("data-ad-slot", "data-ad-unit")
#: Tags that hold media, never byline or label text.
MEDIA_TAGS = frozenset({"img", "picture", "video", "audio", "iframe", "figure", "svg", "source"})
#: The site's URL shapes of tag, author, region and coverage listings (links name the label).
TAG_PATH = re.compile(r"/tags?/[^/?#]")
#: Author pages in the site's and other newsrooms' words (German, Spanish, French, Italian).
AUTHOR_PATH = re.compile(r"/(?:authors?|autor(?:en|in|es)?|auteurs?|autori|autore|profile)/[^/?#]")
LABEL_PATHS: dict[str, re.Pattern[str]] = {
    "region": re.compile(r"^/(?:regions?|regiones)/[^/]"),
    "coverage": re.compile(r"^/(?:coverage|coverages|files?)/[^/]"),
}
#: Tag links that are a tag list: never a link inside a sentence of the body.
TAG_LIST_LINKS: tuple[str, ...] = (".//a[contains(@href, '/tags/')][not(ancestor::p)]",)
#: A standfirst is prose: at least this long, and a short line holding a byline field is not one.
STANDFIRST_MIN_CHARS = 25
STANDFIRST_MIN_WORDS = 8
#: Paragraphs sharing no container with the headline below ``<body>`` are a body only when
#: there is this much of them (a footer's few lines are not).
FAR_BODY_MIN_CHARS = 150
#: Paragraphs right after the headline, in the element holding it, are the body (when no other
#: group is) from this many: a standfirst, a caption and a byline line are fewer.
BESIDE_BODY_MIN_PARAGRAPHS = 3
#: The structural body of a layout never seen is kept over trafilatura's when this share of its
#: words is in trafilatura's, and covers this share of trafilatura's (bench/realfields.py).
BODY_AGREEMENT = (0.95, 0.7)
#: A structural body this long (in characters: scripts without spaces count too) is checked
#: against trafilatura's fast pass alone; a shorter one against its full pass.
FAST_CHECK_MIN_CHARS = 2000
#: Trafilatura's text alone is a body from this many words (less is a page's furniture).
BODY_MIN_WORDS = 60
#: A page that shows no body may carry it in a script: JSON-LD ``articleBody`` or an app's
#: state (``"contentHtml": "<p>…"``), a string field under one of these names.
SCRIPT_BODY_KEYS: tuple[str, ...] = ("articleBody", "contentHtml", "bodyHtml", "content", "body")
SCRIPT_BODY_FIELD = re.compile(
    rf'"(?:{"|".join(SCRIPT_BODY_KEYS)})"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"'
)
#: Scripts shorter than this hold no article.
SCRIPT_BODY_MIN_CHARS = 500
#: A body field is the article's when its object names the article's title: a JSON string
#: equal to a title within this many characters before the field.
SCRIPT_TITLE_WINDOW = 5000
SCRIPT_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
#: Words trafilatura may read beyond the structural body that are still a footer line, not
#: more of the article.
FOOTER_MAX_WORDS = 20
#: A player in the article makes a page a video page when no metadata types it.
PLAYER_IN_ARTICLE = (
    ".//video | .//iframe[contains(@src, 'youtube.com/embed') or contains(@src, '/embed/')"
    " or contains(@src, 'player')]"
)
#: Data attributes of the article element, by what their name says.
DATA_ATTRIBUTE_FIELDS: dict[str, re.Pattern[str]] = {
    "post_id": re.compile(r"^data-(?:post|article|story|content)[-_]?id$"),
    "keywords": re.compile(r"^data-(?:news[-_]?)?keywords$"),
    "date_published": re.compile(r"^data-(?:date[-_]?)?publish(?:ed)?(?:[-_]?(?:at|time|date))?$"),
    "date_modified": re.compile(
        r"^data-(?:date[-_]?)?(?:modified|updated)(?:[-_]?(?:at|time|date))?$"
    ),
}


#: The body by its shape when no class names it: the first element holding several paragraphs.
BODY_BY_SHAPE: tuple[str, ...] = (".//*[count(p) >= 2]",)


@dataclass(frozen=True)
class LayoutSelectors:
    """Where one layout keeps each visible part. Every entry is a fallback chain."""

    name: str
    #: The layout is chosen when one of these finds something.
    markers: tuple[str, ...]
    #: The article's own container; the other queries are run inside it.
    container: tuple[str, ...]
    title: tuple[str, ...]
    #: The byline row's items (one element per item), read as one line of text.
    byline_items: tuple[str, ...]
    source: tuple[str, ...]
    date: tuple[str, ...]
    shares: tuple[str, ...]
    read_time: tuple[str, ...]
    standfirst: tuple[str, ...]
    main_figure: tuple[str, ...]
    body: tuple[str, ...]
    related_box: tuple[str, ...]
    tags: tuple[str, ...]
    gallery_figures: tuple[str, ...]
    #: The count of views, where the edition shows one instead of shares.
    views: tuple[str, ...] = ()


LAYOUT_2024 = LayoutSelectors(
    name="2024",
    markers=("article.article-page", "div.article-meta", "h1.article-title"),
    # The layout's own container only: a page without it is read by the generic reader,
    # never from the whole page (where sidebars carry other articles' tags and bylines).
    container=("article.article-page",),
    title=("h1.article-title::text", "h1::text"),
    byline_items=("div.article-meta > *",),
    source=("span.meta-source::text", "[class*=source]::text"),
    date=("span.meta-date::text", "time::text"),
    shares=("span.meta-shares::text", "[class*=share]::text"),
    read_time=("span.meta-read::text", "[class*=read]::text"),
    standfirst=("div.article-summary", "[class*=summary]"),
    main_figure=("figure.article-image", "figure"),
    body=("div.article-body", "[class*=article-body]", "[itemprop=articleBody]", *BODY_BY_SHAPE),
    related_box=("aside.related-box", "[class*=related]"),
    tags=("div.article-tags a", *TAG_LIST_LINKS),
    gallery_figures=("div.gallery figure", "[class*=gallery] figure"),
)

LAYOUT_2022 = LayoutSelectors(
    name="2022",
    markers=("div.details-white-box", "ul.post-info", "div.p-content"),
    container=("div.details-white-box",),
    title=("div.details-white-box h2::text", "h2::text", "h1::text"),
    byline_items=("ul.post-info > li", "span.read-time"),
    source=("li.post-source::text", "[class*=source]::text"),
    date=("li.post-date::text", "time::text"),
    shares=("li.post-shares::text", "[class*=share]::text"),
    read_time=("span.read-time::text", "[class*=read-time]::text"),
    standfirst=("p.lg_para.summary", "p.summary", "p.lg_para"),
    main_figure=("figure.main-image", "figure"),
    body=("div.p-content", "[itemprop=articleBody]", "[class*=article-body]", *BODY_BY_SHAPE),
    related_box=("div.related-news", "div.dual-related", "[class*=related]"),
    tags=("ul.tags a", *TAG_LIST_LINKS),
    gallery_figures=("div.gallery figure", "[class*=gallery] figure"),
    views=("li.post-views::text", "[class*=views]::text"),
)

#: For pages of neither layout: headline, text patterns and generic structure only.
LAYOUT_GENERIC = LayoutSelectors(
    name="generic",
    markers=(),
    container=("article", "main", "body"),
    title=("h1::text", "h2::text"),
    byline_items=BYLINE_BY_TEXT,
    source=(),
    date=("time::text",),
    shares=(),
    read_time=(),
    standfirst=("[class*=summary]", "[class*=standfirst]", "[class*=lead]"),
    main_figure=("figure",),
    body=("[itemprop=articleBody]", "[class*=body]", "[class*=content]", *BODY_BY_SHAPE),
    related_box=("[class*=related]",),
    tags=TAG_LIST_LINKS,
    gallery_figures=("[class*=gallery] figure",),
)

#: Inline elements: a standfirst in one of them may share its line with a dateline.
INLINE_TAGS = frozenset({"span", "strong", "b", "em", "i", "small", "font"})
#: The longest lead-in (``Berlin.``, ``KATHMANDU, April 25 (Reuters) -``) kept with a standfirst.
DATELINE_MAX_CHARS = 40
#: How a dateline ends: ``Berlin.``, ``KATHMANDU, April 25 (Reuters) -``, ``GAZA —``.
DATELINE_END = re.compile(r"[.:\-–—]$")
#: Headings inside a body: the article's subheadings (its own headline is never inside it).
SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")
