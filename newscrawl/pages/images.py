"""Pictures as pages write them: lazy-loading forms and captions beside the image.

``image_url(img)`` is the picture's own URL whatever the lazy-loading script expects: a
``data-src``/``data-lazy-src``/``data-original`` attribute, the largest ``srcset`` candidate, a
``<noscript>`` copy next to a placeholder, else ``src`` when it is not a placeholder.
``caption_holder(img)`` finds the element holding the picture and its caption when the caption
is not a ``figcaption`` (a ``span``, ``div``, ``p`` or ``small`` beside the picture).
"""

from __future__ import annotations

import re
from typing import Any

from newscrawl.pages import selectors as S

_W = re.compile(r"^\s*(\d+(?:\.\d+)?)([wx])\s*$")


def _srcset_best(value: str) -> str | None:
    """The largest candidate of a ``srcset`` (by width, else density; else the last one)."""
    best: tuple[float, str] | None = None
    for part in value.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        size = 1.0
        if len(bits) > 1:
            match = _W.match(bits[1])
            if match:
                size = float(match[1])
        if best is None or size >= best[0]:
            best = (size, bits[0])
    return best[1] if best else None


def is_placeholder(url: str) -> bool:
    text = url.strip().lower()
    return not text or text.startswith(S.PLACEHOLDER_URLS) or bool(S.PLACEHOLDER_NAME.search(text))


def image_url(img: Any) -> str | None:
    """The real URL of an lxml ``img`` element, or ``None`` when it shows no picture."""
    for attr in S.LAZY_URL_ATTRS:
        value = (img.get(attr) or "").strip()
        if value and not is_placeholder(value):
            return value
    for attr in S.SRCSET_ATTRS:
        value = img.get(attr) or ""
        if value.strip():
            best = _srcset_best(value)
            if best and not is_placeholder(best):
                return best
    src = (img.get("src") or "").strip()
    if src and not is_placeholder(src):
        return src
    # A placeholder followed by the picture for readers without scripts.
    for sibling in img.itersiblings():
        if isinstance(sibling.tag, str) and sibling.tag == "noscript":
            for inner in sibling.iter("img"):
                url = (inner.get("src") or "").strip()
                if url and not is_placeholder(url):
                    return url
        break
    return None


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if isinstance(element.tag, str) else ""


def _pictures(element: Any) -> int:
    return sum(1 for img in element.iter("img") if not img.xpath("ancestor::noscript"))


def caption_holder(img: Any, stop: set[Any] | frozenset[Any] = frozenset()) -> Any | None:
    """The nearest ancestor (three levels at most) that holds this one picture and one short
    text block beside it (the caption); ``None`` when the picture has no such neighbour."""
    branch = img
    element = img.getparent()
    for _ in range(3):
        if element is None or element in stop or element.tag in ("body", "html"):
            return None
        if _pictures(element) > 1:
            return None
        others = [
            child
            for child in element
            if isinstance(child.tag, str)
            and child is not branch
            and child.tag not in ("noscript", "script", "style")
            and _text(child)
        ]
        loose = (element.text or "").strip() or any((child.tail or "").strip() for child in element)
        if loose and element.tag != "figure":
            return None
        if len(others) > 1:
            return None
        if others:
            if len(_text(others[0])) > S.CAPTION_MAX_CHARS or others[0].tag in S.BLOCK_HOLDERS:
                return None
            return element
        branch, element = element, element.getparent()
    return None


def caption_text(img: Any, holder: Any | None) -> str | None:
    """The picture's caption: a ``figcaption`` of its figure, the text beside it in its
    holder, else its ``alt`` or ``title``."""
    figure = next((a for a in img.iterancestors("figure")), None)
    if figure is not None:
        for caption in figure.iter("figcaption"):
            text = _text(caption)
            if text:
                return text
    if holder is not None:
        parts = [
            _text(child)
            for child in holder
            if isinstance(child.tag, str)
            and child.tag not in ("noscript", "script", "style")
            and not any(d is img for d in child.iter())
        ]
        text = " ".join(p for p in parts if p)
        if text:
            return text
    for attr in ("alt", "title"):
        value = (img.get(attr) or "").strip()
        if value:
            return value
    return None
