"""The replica's content model: compact per-article metadata and the full article built on demand.

``Meta`` is what the site keeps in memory for every article (a few hundred bytes); ``Article`` is
everything a page shows, generated from the seed and the article's key when a page is rendered or
the truth is written, then dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast
from zoneinfo import ZoneInfo

BEIRUT = ZoneInfo("Asia/Beirut")


@dataclass(slots=True)
class Meta:
    """What listings, sitemaps and links need to know about one article."""

    key: int
    post_id: int
    kind: str  # article | video | infograph | gallery
    section: str  # section key, e.g. "news/politics", "infographs"
    path: str  # canonical path, percent-decoded
    title: str  # current title (the slug in ``path`` comes from the first one)
    published: int  # epoch seconds, UTC
    modified: int
    region: str | None
    coverage: str | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    #: Bumped by each edit that rewrites the body; the body generator is seeded with it.
    body_version: int = 0
    #: Index of the source record (Arabic edition); -1 for generated articles.
    record: int = -1


#: One block of the body container, in page order.
#: ("p", text) | ("xp", (before, anchor, url, after)): a paragraph with a link to another host
#: | ("related", ((path, title), ...)) | ("readmore", ((path, title),))
#: | ("figure", ((url, caption),)) | ("tweet", text)
Block = tuple[str, object]


@dataclass
class Image:
    url: str
    caption: str | None


@dataclass
class Article:
    """Everything one article page shows, in raw (un-normalized) form."""

    meta: Meta
    lang: str
    layout: str  # "2022" | "2024" | "es" (the 2022 markup, the Spanish byline)
    tawsiyat_type: str  # article | videoobject
    title: str
    description: str | None
    authors: tuple[str, ...]
    source: str | None
    tags: tuple[str, ...]
    keywords_raw: str
    blocks: list[Block]
    main_image: Image | None
    gallery: list[Image] = field(default_factory=list)
    video_url: str | None = None
    video_duration: int | None = None
    shares: int | None = None
    #: The Spanish byline's count of views (``20 Visualizaciones``); no other edition shows one.
    views: int | None = None
    read_time: int | None = None
    head_times: bool = True
    show_date: bool = True
    #: tawsiyat classes as the CMS writes them: (mapping, value) pairs, values raw.
    classes: tuple[tuple[str, str], ...] = ()

    def paragraphs(self) -> list[str]:
        out: list[str] = []
        for kind, value in self.blocks:
            if kind == "p":
                out.append(str(value))
            elif kind == "xp":
                before, anchor, _, after = cast(tuple[str, str, str, str], value)
                out.append(f"{before}{anchor}{after}")
        return out

    def links(self) -> list[tuple[str, str]]:
        """Related News and Read more links, in page order."""
        out: list[tuple[str, str]] = []
        for kind, value in self.blocks:
            if kind in ("related", "readmore"):
                out.extend(value)  # type: ignore[arg-type]
        return out

    def figures(self) -> list[Image]:
        out: list[Image] = []
        for kind, value in self.blocks:
            if kind == "figure":
                for url, caption in value:  # type: ignore[attr-defined]
                    out.append(Image(url, caption))
        return out


#: ``\w`` is ``str.isalnum()`` plus ``_``; the CMS keeps letters, digits and ':' only.
_NOT_SLUG = re.compile(r"[^\w:]|_")


#: Combining marks (Arabic harakat such as the tanween in "لقاءٍ") vanish from real slugs.
_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0300-\u036f]")


def slugify(title: str) -> str:
    """The CMS slug: combining marks dropped, then non letters/digits/':' become '-',
    lowercased, cut to 60 characters."""
    return _NOT_SLUG.sub("-", _MARKS.sub("", title)).lower()[:60]


def clean(text: str | None) -> str | None:
    """A record string: NFC, whitespace collapsed and stripped, empty -> None."""
    if text is None:
        return None
    out = " ".join(unicodedata.normalize("NFC", text).split())
    return out or None


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def iso_z(ts: int) -> str:
    return utc(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_beirut(ts: int) -> str:
    """Beirut local time with its offset, as tawsiyat writes it: 2024-08-12T23:18:00+03:00."""
    return utc(ts).astimezone(BEIRUT).isoformat()


def head_time(ts: int) -> str:
    """UTC without offset, as the head meta writes it: 2024-08-15T23:32:00.0000000."""
    return utc(ts).strftime("%Y-%m-%dT%H:%M:%S.0000000")


#: Month names of the Spanish byline, capitalized as shown ("23 Julio 19:20").
MESES = (
    "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre",
    "Octubre", "Noviembre", "Diciembre",
)  # fmt: skip


def byline_date(ts: int, layout: str) -> str:
    """The visible byline date, Beirut local time: '29 Jul 2022 11:49', '2024-01-15 12:24', or
    (Spanish, no year) '23 Julio 19:20'."""
    local = utc(ts).astimezone(BEIRUT)
    if layout == "es":
        return f"{local.day} {MESES[local.month - 1]} {local:%H:%M}"
    if layout == "2024":
        return local.strftime("%Y-%m-%d %H:%M")
    return local.strftime("%d %b %Y %H:%M")


def card_date(ts: int) -> str:
    return utc(ts).astimezone(BEIRUT).strftime("%d %b %Y").lstrip("0")


def month_of(ts: int) -> tuple[int, int]:
    """The sitemap month of a publication time (Beirut local calendar)."""
    # Beirut is UTC+2 or +3: only times within 3 hours of a month's end need the zone.
    d = utc(ts + 3 * 3600)
    if d.day == 1 and d.hour < 3:
        d = utc(ts).astimezone(BEIRUT)
    return d.year, d.month
