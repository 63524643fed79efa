"""The body of another site's page: trafilatura's main-content extraction.

Pages of the site are read by their layout or, in a layout never seen, by
``newscrawl.pages.content``; a page of another site (a syndicated copy, a link followed out of
curiosity, the benchmark in ``bench/realpages.py``) gets its body from trafilatura, which scores
higher there than our own structural reader (docs/extraction.md gives the figures).
"""

from __future__ import annotations

import trafilatura


def body_paragraphs(html: str) -> list[str]:
    """Paragraphs of the main text of the page ``html``, in order."""
    text = trafilatura.extract(
        html,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
    )
    if not text:
        return []
    return [line for line in text.split("\n") if line.strip()]
