"""The article page object: raw field values from one response, no I/O, no engine.

``ArticlePage(response)`` reads a saved or fetched page. Each field method returns what the page
holds for that field, *before* normalization: scalar fields as a list of candidates in order of
trust (the tawsiyat block, head metadata and the canonical link, the visible byline row, then
layout CSS), list fields as the list from the most trusted source that has one. The item loader
(``newscrawl.normalize.loader``) normalizes the candidates and keeps the first usable one, so a
missing or broken source costs one field, never the item.

The visible part is read by a layout parser chosen by what the page contains (2024, 2022 or a
generic fallback); the selectors themselves are data in ``newscrawl.pages.selectors``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, cast
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector, SelectorList
from scrapy.http import TextResponse

from newscrawl.archive import ARCHIVE_META
from newscrawl.discovery.classify import CrawlSite
from newscrawl.editions import ALL_HOSTS as SITE_HOSTS
from newscrawl.normalize.processors import (
    same_text,
    site_keys,
    stated_offset,
    strip_site_name,
    without_suffix,
)
from newscrawl.pages import images, jsonld
from newscrawl.pages import selectors as S
from newscrawl.pages.tawsiyat import parse_tawsiyat, tawsiyat_class, tawsiyat_string

if TYPE_CHECKING:
    from newscrawl.items import ArchiveRef, ArticleItem
    from newscrawl.normalize.loader import Stats

#: tawsiyat ``type`` values of article, video, infograph and gallery pages (``page`` is not).
ARTICLE_PAGE_TYPES = frozenset({"article", "videoobject", "video", "newsarticle"})

#: Where a date string came from; the loader reads each in its own zone.
DateSource = Literal["tawsiyat", "meta", "attribute", "byline", "jsonld"]


def _shown_whole(description: str, shown: str) -> bool:
    """A head description the article shows (``shown``: its text, casefolded, spaced, led by a
    space) from a word's start, and not cut short in the middle of a word."""
    text = " ".join(description.split()).casefold()
    if len(text) < S.STANDFIRST_MIN_CHARS or " " + text[:80] not in shown:
        return False
    at = shown.find(" " + text)
    after = shown[at + 1 + len(text) : at + 2 + len(text)] if at >= 0 else ""
    return not after.isalnum()


class RawDate(NamedTuple):
    text: str
    source: DateSource


class RawImage(NamedTuple):
    url: str
    caption: str | None


class RawLink(NamedTuple):
    href: str
    title: str | None


@dataclass(frozen=True)
class Byline:
    """The byline row's parts as shown (``text`` is the row as one line, items joined by •).

    ``authors`` are names one each (the row's author links); ``author_text`` is the row's
    author text (``By A, B and C``) when it has no links, to be split by the loader.
    """

    text: str | None = None
    authors: list[str] = field(default_factory=list)
    author_text: list[str] = field(default_factory=list)
    source: str | None = None
    date: str | None = None
    shares: str | None = None
    read_time: str | None = None
    views: str | None = None


#: Elements whose edges separate words (inline ones such as ``a``, ``span``, ``em`` do not).
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "blockquote",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "table",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "pre",
        "hr",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


def select(node: Selector | SelectorList[Selector], query: str) -> SelectorList[Selector]:
    """Run one query: XPath when it starts with ``/``, ``./`` or ``(``, else CSS."""
    if _is_xpath(query):
        return node.xpath(query)
    return node.css(query)


def _is_xpath(query: str) -> bool:
    return query.startswith(("/", "./", "("))


def select_all(node: Selector, queries: tuple[str, ...]) -> list[Selector]:
    """Everything any of the queries finds (CSS ones run as one group), in no set order."""
    css = [q for q in queries if not _is_xpath(q)]
    found = list(node.css(", ".join(css))) if css else []
    for query in queries:
        if _is_xpath(query):
            found.extend(node.xpath(query))
    return found


def first(node: Selector, queries: tuple[str, ...]) -> SelectorList[Selector]:
    """The result of the first query that finds something (an empty list if none does)."""
    for query in queries:
        found = select(node, query)
        if found:
            return found
    return SelectorList()


def first_text(node: Selector, queries: tuple[str, ...]) -> str | None:
    """The first non-blank string the queries find, in order."""
    for query in queries:
        for value in select(node, query).getall():
            if value and value.strip():
                return str(value)
    return None


def has_text(element: Any, memo: dict[Any, bool]) -> bool:
    """Whether ``element_text(element)`` holds anything but spaces, each element of a tree
    judged once (``memo``) rather than its text built again at every level."""
    found = memo.get(element)
    if found is None:
        tag = element.tag if isinstance(element.tag, str) else ""
        found = (
            bool(tag)
            and tag not in _SKIP_TAGS
            and (
                bool((element.text or "").strip())
                or any(has_text(child, memo) or (child.tail or "").strip() for child in element)
            )
        )
        memo[element] = found
    return found


def element_text(
    element: Any, skip: frozenset[Any] | set[Any] = frozenset(), separator: str = " "
) -> str:
    """Visible text of an lxml element: ``<br>`` and block ends become spaces, scripts dropped.

    Descendants in ``skip`` are left out with everything inside them (their tail text stays):
    broken markup can nest a related box or a figure inside an unclosed paragraph. ``separator``
    is what a line break or a block boundary becomes.
    """
    parts: list[str] = []

    def walk(node: Any, top: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag not in _SKIP_TAGS and isinstance(node.tag, str) and (top or node not in skip):
            if tag == "br" or (tag in _BLOCK_TAGS and not top):
                parts.append(separator)
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child, False)
            if tag in _BLOCK_TAGS:
                parts.append(separator)
        if not top and node.tail:
            parts.append(node.tail)

    walk(element, True)
    return "".join(parts)


def text_of(node: Selector, skip: frozenset[Any] | set[Any] = frozenset()) -> str:
    if isinstance(node.root, etree._Element):
        return element_text(node.root, skip)
    return str(node.root)


class LayoutParser:
    #: Elements of the body read as its paragraphs, in document order.
    body_tags: ClassVar[tuple[str, ...]] = ("p",)
    """Reads the visible part of one layout. Subclasses set ``selectors``."""

    selectors: ClassVar[S.LayoutSelectors] = S.LAYOUT_GENERIC

    def __init__(self, root: Selector) -> None:
        self.root = root

    @classmethod
    def matches(cls, root: Selector) -> bool:
        """A known layout reads a page that shows one of its markers and its own container."""
        markers, container = cls.selectors.markers, cls.selectors.container
        return bool(markers) and bool(first(root, markers)) and bool(first(root, container))

    @cached_property
    def container(self) -> Selector:
        found = first(self.root, self.selectors.container)
        return found[0] if found else self.root

    def has_player(self) -> bool:
        """A video player (a ``video``, a player ``iframe``) inside the article."""
        return bool(self.container.xpath(S.PLAYER_IN_ARTICLE))

    @cached_property
    def container_text(self) -> str:
        """All the visible text of the article's container."""
        return text_of(self.container)

    @cached_property
    def excluded(self) -> set[Any]:
        """Elements whose contents are never body text: other page parts, embeds, boxes."""
        nodes = [*select_all(self.container, S.EMBEDS), *self.related_boxes]
        nodes.extend(self.container.css("figure, figcaption"))
        nodes.extend(first(self.container, self.selectors.tags))
        return self.not_article | {node.root for node in nodes}

    def _inside(self, element: Any, elements: set[Any]) -> bool:
        return element in elements or any(a in elements for a in element.iterancestors())

    @cached_property
    def not_article(self) -> set[Any]:
        return {n.root for n in select_all(self.container, S.NOT_ARTICLE)}

    # --- headline and byline ------------------------------------------------------------

    def title(self) -> str | None:
        return first_text(self.container, self.selectors.title)

    @cached_property
    def byline_nodes(self) -> list[Selector]:
        nodes: list[Selector] = []
        for query in self.selectors.byline_items:
            nodes.extend(
                n
                for n in select(self.container, query)
                if not self._inside(n.root, self.not_article)
            )
        if not nodes:
            nodes = self._byline_by_text()
        return nodes

    def _byline_by_text(self) -> list[Selector]:
        """The row found by its ``Source:`` text: its items, and a next sibling that reads as a
        byline field (the read time sits beside the list in the 2022 layout)."""
        found = first(self.container, S.BYLINE_BY_TEXT)
        if not found:
            return []
        row = found[0]
        items = row.xpath("./*")
        nodes = list(items) if len(items) >= 2 else [row]
        for sibling in row.xpath("following-sibling::*[1]"):
            if self._is_byline_field(" ".join(text_of(sibling).split())):
                nodes.append(sibling)
        return nodes

    def byline(self) -> Byline:
        items = [text for text in (" ".join(text_of(n).split()) for n in self.byline_nodes) if text]
        if not items:
            return Byline(
                source=first_text(self.container, self.selectors.source),
                date=first_text(self.container, self.selectors.date),
                shares=first_text(self.container, self.selectors.shares),
                read_time=first_text(self.container, self.selectors.read_time),
                views=first_text(self.container, self.selectors.views),
            )
        line = S.BYLINE_SEPARATOR.join(items)
        source = S.BYLINE_SOURCE.search(line)
        date = S.BYLINE_DATE.search(line)
        shares = S.BYLINE_SHARES.search(line)
        read_time = S.BYLINE_READ_TIME.search(line)
        views = S.BYLINE_VIEWS.search(line)
        return Byline(
            text=line,
            authors=self._author_links(),
            author_text=self._author_text(line),
            source=source["value"] if source else first_text(self.container, self.selectors.source),
            date=date.group(0) if date else first_text(self.container, self.selectors.date),
            shares=shares["value"] if shares else first_text(self.container, self.selectors.shares),
            read_time=(
                read_time["value"]
                if read_time
                else first_text(self.container, self.selectors.read_time)
            ),
            views=views["value"] if views else first_text(self.container, self.selectors.views),
        )

    def _author_links(self) -> list[str]:
        links: list[str] = []
        for node in self.byline_nodes:
            for query in S.AUTHOR_LINKS:
                links.extend(" ".join(text_of(a).split()) for a in select(node, query))
        return [name for name in links if name]

    def _author_text(self, line: str) -> list[str]:
        """The row's leading items before Source/date/counts (``By …`` or bare names)."""
        parts = S.BYLINE_SPLIT.split(line)
        if len(parts) > 1:
            names: list[str] = []
            for part in parts:
                if self._is_byline_field(part):
                    break
                by = S.BYLINE_BY.match(part)
                names.append(by["value"] if by else part)
            return names
        # One run of text with no item boundaries: names are what precedes "Source:".
        leading = S.BYLINE_LEADING_AUTHORS.match(line)
        value = leading["value"] if leading else line
        by = S.BYLINE_BY.match(value)
        if by:
            return [by["value"]]
        return [value] if leading else []

    @staticmethod
    def _is_byline_field(part: str) -> bool:
        return bool(
            S.BYLINE_SOURCE.match(part)
            or S.BYLINE_DATE.match(part)
            or S.BYLINE_SHARES.match(part)
            or S.BYLINE_READ_TIME.match(part)
            or S.BYLINE_VIEWS.match(part)
        )

    # --- standfirst, body, related, tags ------------------------------------------------

    @cached_property
    def standfirst_node(self) -> Selector | None:
        found = first(self.container, self.selectors.standfirst)
        return found[0] if found else None

    def shown_with_dateline(self, text: str) -> str | None:
        """``text`` as the article shows it after a dateline; a known layout shows none."""
        return None

    def standfirst(self) -> str | None:
        return text_of(self.standfirst_node) if self.standfirst_node is not None else None

    @cached_property
    def body_node(self) -> Selector | None:
        found = first(self.container, self.selectors.body)
        return found[0] if found else None

    def body_paragraphs(self) -> list[str]:
        if self.body_node is None:
            return []
        skip = self.excluded | (
            {self.standfirst_node.root} if self.standfirst_node is not None else set()
        )
        blocks: list[tuple[str, str]] = []
        found = list(self.body_node.root.iter(*self.body_tags))
        for element in found:
            if self._inside(element, skip):
                continue
            text = element_text(element, skip)
            # A "Read more:" line is a label and a link; the same words opening plain text
            # without a link are the article's own words.
            if S.READ_MORE.match(text) and element.xpath(".//a[@href]"):
                continue
            blocks.append((element.tag, text))
        if not any(tag == "p" for tag, _ in blocks) and not any(e.tag == "p" for e in found):
            return self._loose_paragraphs(skip)
        # A subheading heads the paragraphs after it; one that heads none is no body text.
        return [
            text
            for n, (tag, text) in enumerate(blocks)
            if tag == "p" or any(later == "p" for later, _ in blocks[n + 1 : n + 2])
        ]

    def _loose_paragraphs(self, skip: set[Any]) -> list[str]:
        """A body written without ``<p>``: its lines (``<br>``, ``<div>`` breaks) as paragraphs."""
        assert self.body_node is not None
        text = element_text(self.body_node.root, skip, separator="\n")
        return [line for line in text.split("\n") if line.strip() and not S.READ_MORE.match(line)]

    @cached_property
    def related_boxes(self) -> list[Selector]:
        boxes = [*first(self.container, S.RELATED_BOX_BY_TEXT)]
        if not boxes:
            boxes = [*first(self.container, self.selectors.related_box)]
        return boxes

    def related(self) -> list[RawLink]:
        """Related News box links and ``Read more:`` links, in page order."""
        units = [box.root for box in self.related_boxes]
        units += [
            p.root
            for p in self.container.xpath(".//p[.//a[@href]]")
            if S.READ_MORE.match(text_of(p)) and not self._inside(p.root, self.not_article)
        ]
        # Boxes and lines in document order (a few elements: one XPath count each).
        units.sort(key=lambda element: element.xpath("count(preceding::*|ancestor::*)"))
        links: list[RawLink] = []
        seen: set[Any] = set()
        for unit in units:
            for anchor in unit.iter("a"):
                href = (anchor.get("href") or "").strip()
                if anchor in seen or not href or href.startswith(("#", "javascript:")):
                    continue
                seen.add(anchor)
                links.append(RawLink(href, element_text(anchor)))
        return links

    def tags(self) -> list[str]:
        nodes = first(self.container, self.selectors.tags)
        return [text_of(n) for n in nodes if not self._inside(n.root, self.not_article)]

    # --- images and video --------------------------------------------------------------

    @staticmethod
    def _figure_image(figure: Selector) -> RawImage | None:
        img = figure.css("img")
        if not img:
            return None
        url = images.image_url(img[0].root)
        if not url:
            return None
        return RawImage(url, images.caption_text(img[0].root, None))

    @cached_property
    def main_figure(self) -> Selector | None:
        """The first main-figure candidate outside the body, galleries and related boxes."""
        skip = self.not_article | {b.root for b in self.related_boxes}
        skip |= {f.root for f in first(self.container, self.selectors.gallery_figures)}
        if self.body_node is not None:
            skip.add(self.body_node.root)
        for query in self.selectors.main_figure:
            for figure in select(self.container, query):
                if not self._inside(figure.root, skip):
                    return figure
        return None

    def main_image(self) -> RawImage | None:
        return self._figure_image(self.main_figure) if self.main_figure is not None else None

    def images(self) -> list[RawImage]:
        """Main figure first, then every other content figure in page order."""
        skip = self.not_article | {b.root for b in self.related_boxes}
        found: list[RawImage] = []
        main = self.main_image()
        if main is not None:
            found.append(main)
        for figure in self.container.xpath(".//figure[.//img]"):
            if self._inside(figure.root, skip) or figure.xpath("ancestor::figure"):
                continue
            image = self._figure_image(figure)
            if image is not None:
                found.append(image)
        return found


class Layout2024Parser(LayoutParser):
    """The next-en.almayadeen.net layout: ``article.article-page``, ``div.article-meta`` row."""

    selectors = S.LAYOUT_2024


class Layout2022Parser(LayoutParser):
    """The long-standing layout (English and Arabic): ``details-white-box``, ``ul.post-info``."""

    selectors = S.LAYOUT_2022


#: Layout parsers in the order they are tried; ``LayoutParser`` reads any other page.
PARSERS: tuple[type[LayoutParser], ...] = (Layout2024Parser, Layout2022Parser)


def _is_local(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host in ("", "localhost")
    return True


class ArticlePage:
    """Raw field values of one article, video, infograph or gallery page.

    ``site`` says where the page was fetched from (the edition, on its production host or a
    replica; the English edition's production host by default) and ``crawled_at`` when (now by
    default); :meth:`to_item` gives the complete record, as web-poet page objects do.
    """

    def __init__(
        self,
        response: TextResponse,
        site: CrawlSite | None = None,
        *,
        crawled_at: datetime | None = None,
    ) -> None:
        self.response = response
        self.root: Selector = response.selector
        self.site = site or CrawlSite.of("en")
        self.crawled_at = crawled_at

    def to_item(self, stats: Stats | None = None) -> ArticleItem:
        """The complete record: the candidates below, normalized by the item loader. With
        ``stats`` (a Scrapy stats collector), fields whose sources disagree are counted."""
        # Normalization composes this page's fields; the loader imports this module.
        from newscrawl.normalize.loader import load_page

        return load_page(self, stats)

    # --- sources ----------------------------------------------------------------------

    @cached_property
    def tawsiyat(self) -> dict[str, Any] | None:
        """The tawsiyat block as a dict; ``None`` when absent or unreadable."""
        for query in S.TAWSIYAT:
            for raw in select(self.root, query).getall():
                data = parse_tawsiyat(raw)
                if data is not None:
                    return data
        return None

    @cached_property
    def jsonld(self) -> dict[str, Any] | None:
        """The page's schema.org article object, if any (a last-resort source)."""
        return jsonld.find_article(v for q in S.JSON_LD for v in select(self.root, q).getall())

    @cached_property
    def layout(self) -> LayoutParser:
        if self.is_site_page():
            for parser in PARSERS:
                if parser.matches(self.root):
                    return parser(self.root)
        from newscrawl.pages.content import ContentParser  # it builds on LayoutParser

        return ContentParser(self.root, self._title_hints(), urlsplit(self.response.url).path)

    @property
    def known_layout(self) -> bool:
        """True when one of the site's known layouts reads the page."""
        return bool(self.layout.selectors.markers)

    def _title_hints(self) -> list[str]:
        """What the metadata and ``<title>`` call the article: the visible heading to look for."""
        return self._present(
            self._t("title"),
            strip_site_name(self._meta(S.OG_TITLE), self.site_names),
            jsonld.text(self.jsonld, "headline"),
            self.document_title(),
        )

    def document_title(self) -> str | None:
        title = first_text(self.root, S.DOCUMENT_TITLE)
        if title is None:
            return None
        return strip_site_name(S.DOCUMENT_TITLE_SUFFIX.sub("", title), self.site_names)

    @cached_property
    def site_names(self) -> set[str]:
        """What the page calls its site (``og:site_name``, the JSON-LD publisher, the host's
        name), comparable forms: a title's suffix, never an author."""
        hosts = [
            urlsplit((u or "").strip()).hostname or ""
            for u in (first_text(self.root, S.CANONICAL), self._meta(S.OG_URL))
        ]
        labels = [part for host in hosts for part in host.split(".")[:-1] if part != "www"]
        publisher = self.jsonld.get("publisher") if self.jsonld else None
        return site_keys(
            [
                *(self._meta(S.META_SITE_NAME) or "").split("|"),
                *jsonld.names({"publisher": publisher}, "publisher"),
                (self._meta(S.META_TWITTER_SITE) or "").lstrip("@"),
                *labels,
                *(S.SITE_OWN_NAMES if self.is_site_page() else ()),
            ]
        )

    def is_site_page(self) -> bool:
        """False for another site's page read by the same loader: its canonical address, or
        without one the address it came from, is on a public host that is not the site's. A
        page naming the site in its ``<title>`` or carrying the site's JSON is the site's; so
        is one served from an IP address or ``localhost`` (a mirror or the replica)."""
        return self._site_page

    @cached_property
    def _site_page(self) -> bool:
        title = first_text(self.root, S.DOCUMENT_TITLE) or ""
        if S.DOCUMENT_TITLE_SUFFIX.search(title) or self.tawsiyat is not None:
            return True
        for url in (first_text(self.root, S.CANONICAL), self._meta(S.OG_URL)):
            host = (urlsplit((url or "").strip()).hostname or "").lower()
            if host:
                return host in SITE_HOSTS
        host = (urlsplit(self.response.url).hostname or "").lower()
        return host in SITE_HOSTS or _is_local(host)

    @cached_property
    def data_attributes(self) -> dict[str, str]:
        """Values the article element carries in ``data-*`` attributes, by field name."""
        found: dict[str, str] = {}
        container = self.layout.container
        elements = [container.root, *container.root.iterancestors()]
        for element in elements:
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                for field_name, pattern in S.DATA_ATTRIBUTE_FIELDS.items():
                    if pattern.match(name.lower()) and value.strip():
                        found.setdefault(field_name, value)
        return found

    @cached_property
    def labels(self) -> dict[str, str]:
        labels = getattr(self.layout, "labels", None)
        return labels() if labels is not None else {}

    @cached_property
    def byline(self) -> Byline:
        return self.layout.byline()

    @cached_property
    def meta(self) -> dict[str, str]:
        """Head ``<meta>`` values by lowercased ``name``/``property``; the first one wins."""
        found: dict[str, str] = {}
        for attrs in self._meta_attributes:
            content = attrs.get("content", "")
            for attr in S.META_KEY_ATTRS:
                key = attrs.get(attr, "").strip().lower()
                if key and content.strip() and key not in found:
                    found[key] = content
        return found

    @cached_property
    def _meta_attributes(self) -> list[Any]:
        """The attributes of each head ``<meta>`` (lxml's own elements: no wrapper per tag)."""
        return [tag.attrib for query in S.META_TAGS for tag in self.root.root.xpath(query)]

    def _meta(self, keys: tuple[str, ...]) -> str | None:
        return next((self.meta[k] for k in keys if k in self.meta), None)

    def _t(self, key: str) -> str | None:
        return tawsiyat_string(self.tawsiyat, key)

    @staticmethod
    def _present(*values: str | None) -> list[str]:
        return [v for v in values if v is not None and v.strip()]

    # --- routing ----------------------------------------------------------------------

    def is_article(self) -> bool:
        """True for article, video, infograph and gallery pages; false for listings and others."""
        # Sources in order of trust: the first that says anything decides.
        kind = (self._t("type") or "").strip().lower()
        if kind:
            return kind in ARTICLE_PAGE_TYPES
        og_type = (self._meta(S.OG_TYPE) or "").strip().lower()
        if og_type:
            return og_type == "article" or og_type.startswith("video")
        if jsonld.kind(self.jsonld):
            return True  # a NewsArticle, VideoObject or kin (a bare WebPage does not count)
        byline = self.byline
        if byline.source or ((byline.authors or byline.author_text) and byline.date):
            return True
        # A standfirst counts only inside a known article layout: listings have summaries too.
        return bool(self.layout.selectors.markers) and self.layout.standfirst_node is not None

    # --- fields: candidates in order of trust ----------------------------------------

    def fetched_url(self) -> str:
        return self.response.url

    def archive(self) -> ArchiveRef | None:
        """Where the response is archived (the archiving middleware or the replay of an
        archive put it in the request's meta), else ``None``."""
        request = self.response.request
        ref = request.meta.get(ARCHIVE_META) if request is not None else None
        return cast("ArchiveRef", dict(ref)) if ref else None

    def alternate_urls(self) -> list[str]:
        """Other URLs this response was reached by: the redirect chain and the requested URL."""
        request = self.response.request
        if request is None:
            return []
        seen = [*self.response.meta.get("redirect_urls", ()), request.url]
        return [url for url in dict.fromkeys(seen) if url != self.response.url]

    def url(self) -> list[str]:
        return self._present(
            first_text(self.root, S.CANONICAL),
            self._meta(S.OG_URL),
            self._t("url"),
            jsonld.text(self.jsonld, "mainEntityOfPage"),
            jsonld.text(self.jsonld, "url"),
            self.response.url,
        )

    def language(self) -> list[str]:
        return self._present(self._t("lang"), first_text(self.root, S.HTML_LANG))

    def post_id(self) -> list[str]:
        return self._present(
            self._meta(S.META_POSTID),
            self._t("postid"),
            jsonld.text(self.jsonld, "identifier"),
            self.data_attributes.get("post_id"),
        )

    def page_type(self) -> list[str]:
        """tawsiyat ``type`` (``article``, ``videoobject``), ``og:type``, the JSON-LD ``@type``;
        where none types the page, a player inside the article says ``video`` (every layout)."""
        found = self._present(self._t("type"), self._meta(S.OG_TYPE), jsonld.kind(self.jsonld))
        if not found and self.layout.has_player():
            found.append("video")
        return found

    def section_group(self) -> list[str]:
        return self._present(
            tawsiyat_class(self.tawsiyat, "posttype"), self.labels.get("section_group")
        )

    def section(self) -> list[str]:
        return self._present(tawsiyat_class(self.tawsiyat, "category"), self.labels.get("section"))

    def region(self) -> list[str]:
        return self._present(tawsiyat_class(self.tawsiyat, "country"), self.labels.get("region"))

    def coverage(self) -> list[str]:
        return self._present(tawsiyat_class(self.tawsiyat, "coverage"), self.labels.get("coverage"))

    def title(self) -> list[str]:
        """The site's JSON, ``og:title``, the visible headline, JSON-LD ``headline``,
        ``<title>``, in every layout; titles from the head come without the site's name. (On
        real newsrooms' pages ``og:title`` is the title a reader checking by hand names more
        often than the visible headline, which may carry a kicker: ``bench/realfields.py``.)"""
        headline = self.layout.title()
        og = without_suffix(strip_site_name(self._meta(S.OG_TITLE), self.site_names), headline)
        stated = jsonld.text(self.jsonld, "headline")
        order = self._present(self._t("title"), og, headline, stated, self.document_title())
        if self.known_layout or self._t("title"):
            return order
        # A layout never seen: where og:title stands alone against the visible headline and
        # JSON-LD agreeing, they win (og:title is then the one written for sharing).
        if (
            og
            and headline
            and stated
            and not same_text(og, headline)
            and same_text(headline, stated)
        ):
            return self._present(headline, og, stated, self.document_title())
        return order

    def description(self) -> list[str]:
        """The site's JSON, then (in a layout never seen) the visible standfirst before the
        head's descriptions, which are often written for search engines."""
        head = [
            self._meta(S.META_DESCRIPTION),
            self._meta(S.OG_DESCRIPTION),
            jsonld.text(self.jsonld, "description"),
        ]
        if self.known_layout:
            return self._present(
                self._t("description"), *head[:2], self.layout.standfirst(), head[2]
            )
        if self.is_site_page():  # the site's head descriptions are its summaries (SITE.md)
            return self._present(self._t("description"), self.layout.standfirst(), *head)
        # Another newsroom's head description that the article does not show is a search
        # engine's teaser, not the article's summary.
        shown = " " + " ".join(self.layout.container_text.split()).casefold()
        visible = [d for d in head if d and _shown_whole(d, shown)]
        standfirst = self.layout.standfirst()
        lead = " ".join((standfirst or "").split()).casefold()
        # A standfirst read as its first element only: the head gives the whole of it, all of
        # it shown in the article (spacing aside), the longest first.
        compact = "".join(shown.split())
        whole = sorted(
            (
                d
                for d in visible
                if lead
                and " ".join(d.split()).casefold().startswith(lead)
                and "".join(d.split()).casefold() in compact
            ),
            key=len,
            reverse=True,
        )
        # A description the article shows after a dateline is the article's whole line.
        dated = [self.layout.shown_with_dateline(d) or d for d in visible]
        return self._present(self._t("description"), *whole, standfirst, *dated)

    def author_names(self) -> list[str]:
        """Authors one name each: the byline row's author links."""
        return self.byline.authors

    def author_texts(self) -> list[tuple[list[str], bool]]:
        """Author texts to split, by source, most trusted first, each marked ``True`` where
        the site's own name is no author (the head's metadata): the byline row's ``By …``
        text, tawsiyat ``author``, then (in a known layout) ``<meta name=author>`` before
        JSON-LD ``author``; in a layout never seen, JSON-LD first."""
        meta = (self._present(self._meta(S.META_AUTHOR)), True)
        linked = (jsonld.names(self.jsonld, "author"), True)
        return [
            (self.byline.author_text, False),
            (self._present(self._t("author")), False),
            *((meta, linked) if self.known_layout else (linked, meta)),
        ]

    def author_site_names(self) -> set[str]:
        """Names an author of this page is never: another site's own names (the site's own
        staff byline, ``Al Mayadeen English``, is a byline of its pages)."""
        return set() if self.is_site_page() else self.site_names

    def source(self) -> list[str]:
        return self._present(self.byline.source)

    def date_published(self) -> list[RawDate]:
        return self._dates(
            self._t("published_time"),
            self._meta(S.META_PUBLISHED),
            self.byline.date,
            jsonld.text(self.jsonld, "datePublished"),
            self._date_attribute() or self.data_attributes.get("date_published"),
        )

    def date_modified(self) -> list[RawDate]:
        return self._dates(
            self._t("last_updated"),
            self._meta(S.META_MODIFIED),
            None,
            jsonld.text(self.jsonld, "dateModified"),
            self.data_attributes.get("date_modified"),
        )

    def dates_in_order(self, candidates: list[RawDate]) -> list[RawDate]:
        """On another site's page a time that states its offset is trusted before one that
        does not (a ``<time datetime>`` in local time beside JSON-LD in UTC), and one that
        states a local offset before one in UTC (``20:00Z`` beside ``20:00+02:00``: a CMS
        writing its local time with a UTC default); the site's own pages keep the documented
        order."""
        if self.is_site_page():
            return candidates

        def trust(candidate: RawDate) -> int:
            offset = stated_offset([candidate.text])
            return 2 if offset is None else 1 if offset == "+00:00" else 0

        return sorted(candidates, key=trust)

    def _date_attribute(self) -> str | None:
        reader = getattr(self.layout, "date_attribute", None)
        return reader() if reader is not None else None

    def date_shown(self) -> str | None:
        """The publication date exactly as the byline shows it."""
        return self.byline.date

    @staticmethod
    def _dates(
        tawsiyat: str | None,
        meta: str | None,
        byline: str | None,
        linked: str | None,
        attribute: str | None = None,
    ) -> list[RawDate]:
        candidates = (
            RawDate(tawsiyat or "", "tawsiyat"),
            RawDate(meta or "", "meta"),
            RawDate(attribute or "", "attribute"),
            RawDate(byline or "", "byline"),
            RawDate(linked or "", "jsonld"),
        )
        return [c for c in candidates if c.text.strip()]

    def tags(self) -> list[str]:
        """The article's tag list; else the head's ``article:tag`` values, in order."""
        return next((source for source in self.tag_sources() if source), [])

    def tag_sources(self) -> list[list[str]]:
        """Every tag list the page gives, most trusted first."""
        return [self.layout.tags(), self.meta_all.get("article:tag", [])]

    def author_sources(self) -> list[list[str]]:
        """What each source says of the authors, most trusted first: the byline's author links
        (one name each), then author texts to split: the byline's, tawsiyat ``author``,
        ``<meta name=author>``, JSON-LD ``author`` names."""
        return [
            self.byline.authors,
            self.byline.author_text,
            self._present(self._t("author")),
            self._present(self._meta(S.META_AUTHOR)),
            jsonld.names(self.jsonld, "author"),
        ]

    def keywords(self) -> list[str]:
        return self._present(
            self._meta(S.META_KEYWORDS),
            self._t("keywords"),
            jsonld.keywords(self.jsonld),
            self.data_attributes.get("keywords"),
        )

    @cached_property
    def meta_all(self) -> dict[str, list[str]]:
        """Every value of repeatable head metadata (``article:tag``), in page order."""
        found: dict[str, list[str]] = {}
        for attrs in self._meta_attributes:
            content = attrs.get("content", "").strip()
            key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            if key in S.META_REPEATED and content:
                found.setdefault(key, []).append(content)
        return found

    def body_paragraphs(self) -> list[str]:
        """The known layout's body; a page of no known layout, whatever its host, is read by
        the one reader of unknown layouts (``ContentParser``)."""
        return self.layout.body_paragraphs()

    def read_time(self) -> list[str]:
        return self._present(self.byline.read_time)

    def shares(self) -> list[str]:
        return self._present(self.byline.shares)

    def views(self) -> list[str]:
        return self._present(self.byline.views)

    def main_image(self) -> list[RawImage]:
        candidates = [
            self.layout.main_image(),
            RawImage(self._meta(S.OG_IMAGE) or "", None),
            RawImage(self._t("thumbnail") or "", None),
            RawImage(jsonld.text(self.jsonld, "image") or "", None),
        ]
        return [c for c in candidates if c is not None and c.url.strip()]

    def images(self) -> list[RawImage]:
        return self.layout.images()

    def video_url(self) -> list[str]:
        return self._present(
            first_text(self.layout.container, S.VIDEO_SRC),  # the article's player only
            self._meta(S.OG_VIDEO),
            jsonld.text(self.jsonld, "contentUrl"),
            first_text(self.layout.container, S.VIDEO_EMBED),
        )

    def video_duration(self) -> list[str]:
        """Seconds (tawsiyat, ``video:duration``, a player's ``data-*duration``) or an ISO 8601
        duration (JSON-LD ``VideoObject``)."""
        return self._present(
            self._t("video_duration"),
            self._meta(S.META_VIDEO_DURATION),
            first_text(self.root, S.VIDEO_DURATION),
            jsonld.text(self.jsonld, "duration"),
        )

    def related(self) -> list[RawLink]:
        return self.layout.related()
