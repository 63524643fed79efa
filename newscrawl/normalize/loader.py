"""The item loader: page candidates in, one complete ``ArticleItem`` out.

``ArticlePage`` hands over each scalar field as candidates in order of trust; the loader cleans
every candidate with the field's input processors and its ``TakeFirst`` output keeps the first
one that survives. A candidate that normalizes to nothing (a blank string, an unreadable date)
therefore falls through to the next source. Fields computed from other fields (``word_count``,
``content_type``, URL-derived sections, ``fingerprint``) are set after loading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from itemloaders import ItemLoader
from itemloaders.processors import Compose, Identity, MapCompose, TakeFirst
from scrapy.http import TextResponse

from newscrawl.dates import as_utc, parse_iso
from newscrawl.discovery.classify import CrawlSite, production_url
from newscrawl.editions import Edition
from newscrawl.items import ArticleItem, Image, RelatedLink, Video
from newscrawl.normalize.processors import (
    ascii_digits,
    clean_text,
    count_words,
    dedupe,
    format_utc,
    has_time,
    is_person_name,
    join_paragraphs,
    language_code,
    parse_count,
    parse_duration,
    site_keys,
    split_authors,
    split_keywords,
    stated_offset,
    strip_label,
    to_utc,
    unrepeated,
    with_year,
)
from newscrawl.normalize.urls import canonical_url, is_site_url, url_path
from newscrawl.pages.article import ArticlePage, RawDate, RawImage, RawLink
from newscrawl.pages.selectors import BYLINE_SOURCE_LABELS
from newscrawl.schema import CONTENT_FIELDS, FIELDS, fingerprint

#: First path segment → content type (both editions' spellings).
CONTENT_TYPE_BY_SEGMENT: dict[str, str] = {
    "infographs": "infograph",
    "infograph": "infograph",
    "infografias": "infograph",
    "in-pictures": "gallery",
}
VIDEO_PAGE_TYPES = ("videoobject", "video")


def _digits_only(value: str) -> str | None:
    text = ascii_digits(value).strip()
    return text if text.isdigit() else None


class ArticleLoader(ItemLoader):
    """Field processors of ``ArticleItem``. Scalars: clean each candidate, keep the first."""

    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    language_in = MapCompose(language_code)
    post_id_in = MapCompose(clean_text, _digits_only)
    authors_in = MapCompose(clean_text)
    authors_out = Compose(dedupe)
    source_in = MapCompose(partial(strip_label, labels=BYLINE_SOURCE_LABELS))
    tags_out = Compose(dedupe)
    keywords_in = MapCompose(split_keywords)
    keywords_out = Compose(dedupe)
    body_in = Identity()
    body_out = Compose(join_paragraphs)
    read_time_minutes_in = MapCompose(parse_count)
    shares_in = MapCompose(parse_count)
    views_in = MapCompose(parse_count)
    main_image_in = Identity()
    images_in = Identity()
    images_out = Identity()
    related_in = Identity()
    related_out = Identity()


# Every field gets its processors as attributes: without them ItemLoader looks the dataclass
# field metadata up on every value added, a measurable share of a page's extraction time.
for _name in FIELDS:
    for _suffix, _default in (
        ("_in", ArticleLoader.default_input_processor),
        ("_out", ArticleLoader.default_output_processor),
    ):
        if not hasattr(ArticleLoader, _name + _suffix):
            setattr(ArticleLoader, _name + _suffix, _default)


#: Scalar fields read from page candidates in order of trust.
CANDIDATES: dict[str, Callable[[ArticlePage], list[str]]] = {
    "language": ArticlePage.language,
    "post_id": ArticlePage.post_id,
    "section_group": ArticlePage.section_group,
    "section": ArticlePage.section,
    "region": ArticlePage.region,
    "coverage": ArticlePage.coverage,
    "title": ArticlePage.title,
    "description": ArticlePage.description,
    "source": ArticlePage.source,
    "read_time_minutes": ArticlePage.read_time,
    "shares": ArticlePage.shares,
    "views": ArticlePage.views,
}


def _zones(page: ArticlePage) -> dict[str, str | None]:
    """The zone a time without an offset is read in, by its source: on the site's pages the
    edition's zone (head meta times are UTC); on another site's page the offset the page states
    in its own machine-written times, else no guess (a ``<time datetime>`` or JSON-LD time
    without an offset is the publisher's local time, whatever zone that is)."""
    if page.is_site_page():
        local = page.site.edition.local_tz
        return {
            "tawsiyat": local,
            "meta": "UTC",
            "attribute": "UTC",
            "byline": local,
            "jsonld": local,
        }
    raw = [*page.date_published(), *page.date_modified()]
    stated = stated_offset(c.text for c in raw if c.source != "byline")
    return {
        "tawsiyat": page.site.edition.local_tz,
        "meta": stated,
        "attribute": stated,
        "byline": stated,
        "jsonld": stated,
    }


def _dates(
    candidates: Iterable[RawDate],
    zones: dict[str, str | None],
    reference: datetime | None = None,
) -> tuple[str | None, str | None]:
    """The first candidate that reads as a time, else the first that reads as a day: (UTC
    value, the string it was read from). A date shown without a year (``23 Julio 19:20``)
    takes its year from ``reference``."""
    day: tuple[str | None, str | None] = (None, None)
    for candidate in candidates:
        zone = zones[candidate.source]
        value = to_utc(candidate.text, zone)
        if value is None and reference is not None and zone is not None:
            value = to_utc(with_year(candidate.text, reference, zone), zone)
        if value is None:
            continue
        if has_time(candidate.text):
            return value, clean_text(candidate.text)
        if candidate.source == "byline" and zones["byline"] is None:
            continue  # another site's visible day: often another date of the page
        if day[0] is None:
            day = (value, clean_text(candidate.text))
    return day


def _absolute(url: str, edition: Edition) -> str:
    """An image or video URL as written, made absolute on the production host if relative."""
    text = url.strip()
    if text.startswith("//"):
        return f"https:{text}"
    if "://" not in text:
        return urljoin(f"{edition.base_url}/", text)
    return text


def _image(raw: RawImage, edition: Edition) -> Image:
    return {"url": _absolute(raw.url, edition), "caption": clean_text(raw.caption)}


def _images(raws: Iterable[RawImage], edition: Edition) -> list[Image]:
    """Each picture once, in order; a caption given where the same picture shows again."""
    found: dict[str, Image] = {}
    for raw in raws:
        image = _image(raw, edition)
        kept = found.setdefault(image["url"], image)
        if kept["caption"] is None:
            kept["caption"] = image["caption"]
    return list(found.values())


def _related(raws: Iterable[RawLink], base_url: str, edition: Edition) -> list[RelatedLink]:
    links: list[RelatedLink] = []
    for raw in raws:
        absolute = urljoin(base_url, raw.href.strip())
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue  # mailto:, javascript: and the like link no article
        url = canonical_url(absolute, edition) if is_site_url(absolute, base_url) else absolute
        links.append({"url": url, "title": clean_text(raw.title)})
    return links


def _canonical(candidates: Iterable[str], fetched: str, edition: Edition) -> str:
    """The first candidate that is a plausible article URL, canonicalized."""
    fetched_path = url_path(fetched)
    for candidate in candidates:
        try:
            url = canonical_url(urljoin(fetched, candidate.strip()), edition)
        except ValueError:
            continue  # "about:blank" and other non-web canonical links
        # A canonical link to the home page on an article is a template fault, not an answer.
        if url_path(url) != "/" or fetched_path == "/":
            return url
    return canonical_url(fetched, edition)


def _content_type(page_types: Iterable[str], path: str) -> str:
    """The first source that types the page decides ``video``; else the URL's first segment."""
    first_type = next((t.strip().lower() for t in page_types if t.strip()), "")
    if first_type.startswith(VIDEO_PAGE_TYPES):
        return "video"
    segment = path.strip("/").split("/", 1)[0].lower()
    return CONTENT_TYPE_BY_SEGMENT.get(segment, "article")


def _authors(
    linked: list[str], sources: Iterable[tuple[list[str], bool]], sites: set[str]
) -> list[str]:
    """Author links name one author each; the author text of the first source that names
    anyone is split (``By A, B and C``) and used when there are no links, or when it names the
    linked authors and more (``By <a>A</a> and B``). Only names are kept: never a link label,
    a sentence or a date; from a source marked ``True`` (``<meta name=author>``, JSON-LD
    ``author``) never one of ``sites`` either, where newsrooms often put their own name, unless
    two of those sources name the site alike (``DER SPIEGEL`` in both: a staff article). A
    later source that names the same authors and more gives them all."""
    sources = list(sources)
    metadata = [
        site_keys(n for text in texts for n in split_authors(text))
        for texts, strict in sources
        if strict
    ]
    confirmed = {key for keys in metadata for key in keys if sum(key in k for k in metadata) >= 2}
    found = [
        [
            name
            for text in texts
            for name in split_authors(text)
            if is_person_name(
                name, sites if strict and not site_keys([name]) <= confirmed else set()
            )
        ]
        for texts, strict in sources
    ]
    named = next((names for names in found if names), [])
    linked = [name for name in dedupe(unrepeated(n) for n in linked) if is_person_name(name)]
    if linked and not set(linked) < set(named):
        named = linked
    # A byline that shows the first of several authors: a later source naming them all.
    keys = site_keys(named)
    return next((names for names in found if keys and keys < site_keys(names)), named)


def _first(values: Iterable[str], processor: Callable[[str], int | None]) -> int | None:
    for value in values:
        result = processor(value)
        if result is not None:
            return result
    return None


class Stats(Protocol):
    """What ``load_article`` needs of a stats collector (Scrapy's ``StatsCollector`` fits)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


#: Stats key prefix of a field whose sources on one page gave different values.
DISAGREE_KEY = "newscrawl/extract/disagree"


def disagreements(page: ArticlePage, loader: ItemLoader, edition: Edition) -> list[str]:
    """Fields whose sources on this page, each normalized, do not all say the same: the most
    trusted one was kept; a count per field shows a redesign of the site as numbers."""
    fields = [name for name in CANDIDATES if len(set(loader.get_collected_values(name))) > 1]
    zones = _zones(page)
    # Compared to the minute: a byline shows no seconds.
    moments = {(to_utc(raw.text, zones[raw.source]) or "")[:16] for raw in page.date_published()}
    if len(moments - {""}) > 1:
        fields.append("date_published")
    keyword_lists = {tuple(split_keywords(c)) for c in page.keywords()} - {()}
    if len(keyword_lists) > 1:
        fields.append("keywords")
    tag_lists = {tuple(dedupe(clean_text(t) for t in source)) for source in page.tag_sources()} - {
        ()
    }
    if len(tag_lists) > 1:
        fields.append("tags")
    linked, *texts = page.author_sources()
    author_lists = {tuple(dedupe(linked))} | {
        tuple(dedupe(name for text in source for name in split_authors(text))) for source in texts
    }
    author_lists -= {()}
    if len(author_lists) > 1:
        fields.append("authors")
    return fields


def load_article(
    response: TextResponse,
    edition: Edition,
    *,
    crawled_at: datetime | None = None,
    stats: Stats | None = None,
) -> ArticleItem:
    """A complete record of the article page ``response`` of ``edition`` (fetched from the
    edition's production host): ``ArticlePage(response, CrawlSite.of(edition)).to_item()``.

    ``crawled_at`` defaults to now; a naive value is taken as UTC. Never raises on odd markup:
    what the page does not yield is left unknown (``None`` / ``[]``). A response that is not
    text (an image, a PDF) raises ``TypeError``: it has no article to read. With ``stats``, each
    field whose sources disagree adds one to ``newscrawl/extract/disagree/<field>``.
    """
    if not isinstance(response, TextResponse):
        raise TypeError(
            f"load_article needs an HTML (text) response; {response.url} gave "
            f"{type(response).__name__} ({response.headers.get(b'Content-Type', b'?')!r})"
        )
    return ArticlePage(response, CrawlSite.of(edition), crawled_at=crawled_at).to_item(stats=stats)


def load_page(page: ArticlePage, stats: Stats | None = None) -> ArticleItem:
    """The complete record of an article page object (``ArticlePage.to_item`` calls this).
    With ``stats``, each field whose sources disagree adds one to
    ``newscrawl/extract/disagree/<field>``."""
    response, edition = page.response, page.site.edition
    crawled_at = page.crawled_at
    loader = ArticleLoader()
    for name, candidates in CANDIDATES.items():
        loader.add_value(name, candidates(page))
    loader.add_value(
        "authors", _authors(page.author_names(), page.author_texts(), page.author_site_names())
    )
    loader.add_value("tags", page.tags())
    keywords = next((c for c in page.keywords() if split_keywords(c)), None)
    loader.add_value("keywords", keywords)
    loader.add_value("body", page.body_paragraphs())
    # One record whichever reader: the main image, wherever it was found, is the first of the
    # images (a page with none has images all the same: pictures of its body).
    main = page.main_image()[:1]
    images = _images([*main, *page.images()], edition)
    if main:
        loader.add_value("main_image", images[0])
    loader.add_value("images", images)
    loader.add_value("related", _related(page.related(), response.url, edition))
    item: ArticleItem = loader.load_item()
    if stats is not None:
        for name in disagreements(page, loader, edition):
            stats.inc_value(f"{DISAGREE_KEY}/{name}")

    url = _canonical(page.url(), response.url, edition)
    path = url_path(url)
    segments = path.strip("/").split("/")
    item.url = url
    item.fetched_url = page.fetched_url()
    # On the production host like ``url``: a record does not depend on where it was fetched.
    alternates = {production_url(u, page.site) for u in page.alternate_urls()}
    item.alternate_urls = sorted(alternates - {url})
    item.site = edition.host
    item.edition = edition.code
    item.language = item.language or edition.language
    item.content_type = _content_type(page.page_type(), path)
    item.section_group = item.section_group or edition.group_name(segments)
    item.section = item.section or edition.section_name(segments)
    zones = _zones(page)
    item.date_modified, _ = _dates(page.dates_in_order(page.date_modified()), zones)
    # The year a byline date may leave out: the page's modification time, else the fetch time.
    reference = parse_iso(item.date_modified) or crawled_at or datetime.now(UTC)
    item.date_published, source_raw = _dates(
        page.dates_in_order(page.date_published()), zones, as_utc(reference)
    )
    item.date_published_raw = clean_text(page.date_shown()) or source_raw
    item.word_count = count_words(item.body)
    if item.content_type == "video":
        video: Video = {
            "url": next((_absolute(u, edition) for u in page.video_url()), None),
            "duration_seconds": _first(page.video_duration(), parse_duration),
        }
        item.video = video
    moment = crawled_at or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    item.crawled_at = format_utc(moment)
    item.fingerprint = fingerprint({name: getattr(item, name) for name in CONTENT_FIELDS})
    item.archive = page.archive()
    return item
