"""The article's body as the page's own scripts carry it, for a page that shows none.

A page rendered in the browser (a React or Next.js app) may serve no article text in its HTML at
all: the text waits in a script, in the app's state (``"contentHtml": "<p>…</p>"``) or in
JSON-LD ``articleBody``. When neither reading of the page (``ContentParser``, trafilatura) finds a
body, the longest such field that holds one is read: its paragraphs and subheadings, without the
captions of its pictures.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree, html

from newscrawl.pages import selectors as S


def body_paragraphs(document: Any) -> list[str]:
    """Paragraphs of the longest body-like string field of the page's scripts (``[]`` when no
    field holds a body's worth of words)."""
    best: list[str] = []
    for script in document.iter("script"):
        text = script.text or ""
        if len(text) < S.SCRIPT_BODY_MIN_CHARS:
            continue
        for found in S.SCRIPT_BODY_FIELD.finditer(text):
            try:
                value = json.loads(f'"{found["value"]}"')
            except ValueError:
                continue
            paragraphs = _paragraphs(value)
            if _size(paragraphs) > _size(best):
                best = paragraphs
    return best if _size(best) >= S.BODY_MIN_WORDS else []


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
