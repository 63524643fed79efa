"""schema.org JSON-LD (``NewsArticle`` and kin), the last structured fallback of a page.

The site's documented sources (tawsiyat, head meta, the byline) come first; JSON-LD is read only
for what none of them gives, so a template that adds or drops it changes no value that the
documented sources already provide.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from typing import Any

from newscrawl.pages.tawsiyat import loads_lenient

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "blogposting",
        "videoobject",
        "imagegallery",
        "webpage",
    }
)


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _objects(entry)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"))
        yield from _objects(data.get("mainEntity"))  # a WebPage's article


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def find_article(blocks: Iterable[str]) -> dict[str, Any] | None:
    """The first article-like object among the page's JSON-LD blocks (``WebPage`` last)."""
    found: list[dict[str, Any]] = []
    for raw in blocks:
        found.extend(obj for obj in _objects(loads_lenient(raw)) if _types(obj) & ARTICLE_TYPES)
    found.sort(key=lambda obj: "webpage" in _types(obj))
    return found[0] if found else None


def captions(blocks: Iterable[str]) -> list[str]:
    """Every picture's ``caption`` the page's JSON-LD gives (``ImageObject``s in a ``@graph``,
    an article's ``image``), at any depth."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for entry in value:
                walk(entry)
        elif isinstance(value, dict):
            caption = value.get("caption")
            if isinstance(caption, str) and caption.strip():
                found.append(html.unescape(caption))
            for key, entry in value.items():
                if key != "caption":
                    walk(entry)

    for raw in blocks:
        walk(loads_lenient(raw))
    return found


def text(obj: dict[str, Any] | None, key: str) -> str | None:
    """A string value (the ``@id``/``url``/``name`` of an object value), its HTML entities
    read (many CMSs escape a headline for HTML before writing it into JSON)."""
    if not obj:
        return None
    value = obj.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("name")
    return html.unescape(value) if isinstance(value, str) and value.strip() else None


def names(obj: dict[str, Any] | None, key: str) -> list[str]:
    """Names of a person/organization value or list (``author``)."""
    if not obj:
        return []
    value = obj.get(key)
    entries = value if isinstance(value, list) else [value]
    out: list[str] = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(entry, dict) and not name:  # schema.org's givenName + familyName
            parts = [entry.get("givenName"), entry.get("familyName")]
            name = " ".join(p for p in parts if isinstance(p, str) and p.strip()) or None
        if isinstance(name, str) and name.strip():
            out.append(html.unescape(name))  # CMSs write ``&#8217;`` into JSON strings too
    return out


def kind(obj: dict[str, Any] | None) -> str | None:
    """The object's ``@type`` in lower case (the first one of a list); ``None`` without one."""
    if not obj:
        return None
    found = sorted(_types(obj) & ARTICLE_TYPES - {"webpage"})
    if "videoobject" in found:
        return "videoobject"
    return found[0] if found else None


def keywords(obj: dict[str, Any] | None) -> str | None:
    """``keywords`` as one comma-separated string (a list value is joined)."""
    if not obj:
        return None
    value = obj.get("keywords")
    if isinstance(value, list):
        value = ",".join(str(v) for v in value if isinstance(v, str | int))
    return value if isinstance(value, str) and value.strip() else None
