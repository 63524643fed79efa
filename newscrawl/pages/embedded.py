"""The article's body as the page's own scripts carry it, for a page that shows none.

A page rendered in the browser (a React or Next.js app) may serve no article text in its HTML at
all: the text waits in a script, in the app's state (``"contentHtml": "<p>…</p>"``) or in
JSON-LD ``articleBody``. When neither reading of the page (``ContentParser``, trafilatura) finds a
body, the longest such field that holds one is read: its paragraphs and subheadings, without the
captions of its pictures. A field is the article's only when a string just before it, in the
same script, is the article's title (its object names it): an app's state also carries the
bodies of related stories and comments, and a neighbour's body is worse than none.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from lxml import etree, html

from newscrawl.normalize.processors import compare_key
from newscrawl.pages import selectors as S


def body_paragraphs(document: Any, titles: Collection[str]) -> list[str]:
    """Paragraphs of the longest body-like string field of the page's scripts that follows the
    article's title (``titles``: their ``compare_key``); ``[]`` when no such field holds a body's
    worth of words."""
    best: list[str] = []
    for script in document.iter("script"):
        text = script.text or ""
        if len(text) < S.SCRIPT_BODY_MIN_CHARS:
            continue
        for found in S.SCRIPT_BODY_FIELD.finditer(text):
            before = text[max(0, found.start() - S.SCRIPT_TITLE_WINDOW) : found.start()]
            if not any(compare_key(_string(s)) in titles for s in S.SCRIPT_STRING.findall(before)):
                continue
            value = _string(found["value"])
            if value is None:
                continue
            paragraphs = _paragraphs(value)
            if _size(paragraphs) > _size(best):
                best = paragraphs
    return best if _size(best) >= S.BODY_MIN_WORDS else []


def _string(literal: str) -> str | None:
    """The text of a JSON string literal's body (escapes read)."""
    try:
        value = json.loads(f'"{literal}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _paragraphs(value: str) -> list[str]:
    if "<" not in value:  # plain text: one paragraph a line
        return [line.strip() for line in value.splitlines() if line.strip()]
    try:
        root = html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    out: list[str] = []
    for element in root.iter("p", *S.SUBHEADINGS):
        if any(_is_caption(a) for a in (element, *element.iterancestors())):
            continue
        text = " ".join(element.text_content().split())
        if text:
            out.append(text)
    return out


def _is_caption(element: Any) -> bool:
    return element.tag in ("figure", "figcaption") or "caption" in (element.get("class") or "")


def _size(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)
