"""The main text of a page by trafilatura, one of the two readers of a layout never seen.

``newscrawl.pages.content.ContentParser`` reads a page of no known layout, whatever its host, by
structure; for the body it also asks trafilatura, which measures higher on real newsrooms' pages
(``bench/realfields.py``, ``bench/realpages.py``), and keeps the structural body only where the
two agree (docs/extraction.md).
"""

from __future__ import annotations

from typing import Any

import trafilatura


def body_paragraphs(document: Any, fast: bool = False) -> list[str]:
    """Paragraphs of the main text of ``document`` (an lxml document, left untouched: trafilatura
    copies a tree it is given before pruning it, since 2.3), in order. ``fast`` skips the
    comparison with readability and jusText that recovers articles its main pass misses."""
    text = trafilatura.extract(
        document,
        favor_precision=True,
        fast=fast,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
    )
    if not text:
        return []
    return [line for line in text.split("\n") if line.strip()]
