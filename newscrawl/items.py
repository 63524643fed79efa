"""The article record as one typed class.

``ArticleItem`` has exactly the fields of ``newscrawl.schema.FIELDS``, in that order; each
field's meaning and sources are in ``docs/FIELDS.md`` (the attribute docstrings below are the
short form). Every field has an "unknown" default (``None`` or ``[]``) so an ``ItemLoader`` can
build the item and fill in what the page yields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from newscrawl.schema import SCHEMA_VERSION


class Image(TypedDict):
    """A content image: absolute URL as the page writes it, and its caption."""

    url: str
    caption: str | None


class Video(TypedDict):
    """The video of a video page."""

    url: str | None
    duration_seconds: int | None


class ArchiveRef(TypedDict):
    """Where the page is archived: WARC file (in the feed's folder), record id, offset."""

    file: str
    record_id: str
    offset: int


class RelatedLink(TypedDict):
    """A Related News or ``Read more:`` link; ``url`` is canonical."""

    url: str
    title: str | None


@dataclass
class ArticleItem:
    """One article, video, infograph or gallery page. See docs/FIELDS.md, field by field."""

    schema_version: int = SCHEMA_VERSION
    """Record schema version (``newscrawl.schema.SCHEMA_VERSION``)."""
    url: str | None = None
    """Canonical production URL: https, decoded path, no query, fragment or trailing slash."""
    fetched_url: str | None = None
    """The URL the response came from."""
    alternate_urls: list[str] = field(default_factory=list)
    """Other URLs that served this article in the run, sorted."""
    site: str | None = None
    """The edition's production host."""
    edition: str | None = None
    """Edition code: ``en``, ``ar`` or ``es``."""
    language: str | None = None
    """Content language: tawsiyat ``lang`` → ``<html lang>`` → the edition's language."""
    post_id: str | None = None
    """CMS post id: ``<meta name=postid>`` → tawsiyat ``postid``."""
    content_type: str | None = None
    """``article``, ``video``, ``infograph`` or ``gallery``."""
    section_group: str | None = None
    """Menu group: tawsiyat class ``posttype`` → the edition's name for the URL's first segment."""
    section: str | None = None
    """Section: tawsiyat class ``category`` → the edition's name for ``group/section``."""
    region: str | None = None
    """Region: tawsiyat class ``country``."""
    coverage: str | None = None
    """Coverage (dossier): tawsiyat class ``coverage``."""
    title: str | None = None
    """Headline: tawsiyat ``title`` → ``og:title`` → the visible headline."""
    description: str | None = None
    """Standfirst: tawsiyat ``description`` → meta description → the visible standfirst."""
    authors: list[str] = field(default_factory=list)
    """Bylined authors, in page order: visible byline → tawsiyat ``author`` → meta author."""
    source: str | None = None
    """The byline's ``Source: …``; never mixed into ``authors``."""
    date_published: str | None = None
    """Publication time, UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    date_modified: str | None = None
    """Last modification time, UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    date_published_raw: str | None = None
    """The publication date exactly as the page shows it (byline), else as its source wrote it."""
    tags: list[str] = field(default_factory=list)
    """The visible tag list, in order, de-duplicated."""
    keywords: list[str] = field(default_factory=list)
    """Meta keywords, split on commas, de-duplicated in order."""
    body: str | None = None
    """Body paragraphs joined by a blank line (no standfirst, related boxes, captions, tags)."""
    word_count: int = 0
    """Whitespace-separated words of ``body``."""
    read_time_minutes: int | None = None
    """``3 Min Read`` → 3."""
    shares: int | None = None
    """``1 Shares`` → 1."""
    views: int | None = None
    """``20 Visualizaciones`` → 20; ``None`` where the edition shows no views (en, ar)."""
    main_image: Image | None = None
    """The main figure (→ ``og:image`` → tawsiyat ``thumbnail``)."""
    images: list[Image] = field(default_factory=list)
    """Every content image in page order, main first, de-duplicated by URL."""
    video: Video | None = None
    """The video of a video page; ``None`` for other types."""
    related: list[RelatedLink] = field(default_factory=list)
    """The article's own Related News and ``Read more:`` links, in page order."""
    crawled_at: str | None = None
    """When the page was fetched, UTC."""
    fingerprint: str | None = None
    """sha256 over ``newscrawl.schema.CONTENT_FIELDS``."""
    version: int = 1
    """1, then +1 each time an incremental crawl emits the article with changed content."""
    archive: ArchiveRef | None = None
    """The page's WARC response record (``-s NEWSCRAWL_ARCHIVE=warc``), else ``None``."""
