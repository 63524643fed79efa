"""Whether a page fetched as an article arrived whole, judged before anything reads it.

A proxy or a cache in the way can answer 200 with random bytes, or with the page's HTML cut
short (and a Content-Length that matches what it sent). Read as usual, such a page gives a
record with a cut body and wrong tags, or passes for a listing with no cards; stored, it would
never be fetched again. :func:`judge_page` names the damage, and
:class:`newscrawl.integrity.PageIntegrityMiddleware` retries the page and, if it stays damaged,
counts it and keeps it from the feed and the state.

Each rule judges the page by what the document itself promises, so it holds on any site's
pages, not only this one's:

- **undecodable**: more than :data:`MAX_UNDECODABLE_SHARE` of the characters are replacement
  characters or control characters (bytes that are not text in the page's encoding);
- **truncated**: the document opens ``<html>`` or ``<body>`` and closes neither (a cut document
  loses its end; a page may leave out one closing tag, as some real sites leave out
  ``</html>``, but not both);
- **not_a_page**: neither an article nor a listing (no article metadata, no link at all), or
  not a text document;
- **short_body**: the body has fewer than :data:`MIN_BODY_SHARE` of the words the page's
  schema.org ``wordCount`` promises (at most what its ``timeRequired`` allows to read, where a
  site's count disagrees with its own reading time). The ``word_count`` of the site's tawsiyat
  block is not a promise about the visible body: on the Arabic edition it runs from 0 to over
  30 times the body's words, so it is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from scrapy.http import Response, TextResponse

from newscrawl.normalize.processors import count_words, parse_duration
from newscrawl.pages import jsonld
from newscrawl.pages.article import ArticlePage
from newscrawl.pages.listing import ListingPage


class Damage(StrEnum):
    UNDECODABLE = "undecodable"
    TRUNCATED = "truncated"
    NOT_A_PAGE = "not_a_page"
    SHORT_BODY = "short_body"


#: Share of characters that may be undecodable (U+FFFD) or control characters; a real page has
#: none or a stray few, random bytes have about half (UTF-8) or an eighth (single-byte
#: encodings) of their characters so.
MAX_UNDECODABLE_SHARE = 0.01
#: ... and at least this many, so a short page with a stray byte or two is not judged damaged.
MIN_UNDECODABLE = 8
#: Share of the promised words the body must have.
MIN_BODY_SHARE = 0.5
#: Promised word counts below this are not judged (a caption-length text may well differ).
MIN_PROMISED_WORDS = 50
#: Words a minute of ``timeRequired``: a generous reading speed, so the cap only catches a
#: count that the page's own reading time contradicts.
WORDS_A_MINUTE = 300

_UNDECODABLE = re.compile("[\ufffd\x00-\x08\x0e-\x1f\x7f]")
_OPENS = re.compile(r"<(?:html|body)[\s>/]", re.IGNORECASE)
_CLOSES = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """What :func:`judge_page` found: the damage (``None``: the page is whole) and why."""

    damage: Damage | None
    reason: str = ""

    @property
    def whole(self) -> bool:
        return self.damage is None


WHOLE = Verdict(None)


def judge_page(response: Response) -> Verdict:
    """Whether ``response``, fetched as an article (a link said so), is whole."""
    if not isinstance(response, TextResponse):
        kind = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or "none"
        return Verdict(Damage.NOT_A_PAGE, f"not a text document (Content-Type {kind})")
    text = response.text
    bad = len(_UNDECODABLE.findall(text))
    if bad >= MIN_UNDECODABLE and bad > MAX_UNDECODABLE_SHARE * len(text):
        return Verdict(
            Damage.UNDECODABLE,
            f"{bad} of {len(text)} characters are not text in {response.encoding}",
        )
    opened = _OPENS.search(text)
    if opened is not None and _CLOSES.search(text, opened.end()) is None:
        return Verdict(
            Damage.TRUNCATED,
            f"the document opens <{opened.group(0)[1:].rstrip('/> ').lower()}> and ends "
            f"after {len(response.body)} bytes without </body> or </html>",
        )
    page = ArticlePage(response)
    if not page.is_article():
        if ListingPage(response).links():
            return WHOLE  # a listing (an article-shaped link that leads to one)
        return Verdict(Damage.NOT_A_PAGE, "neither an article nor a listing: no article "
                       "metadata and no link")  # fmt: skip
    promised = promised_words(page.jsonld)
    if promised is not None:
        words = count_words("\n\n".join(page.body_paragraphs()))
        if words < MIN_BODY_SHARE * promised:
            return Verdict(
                Damage.SHORT_BODY,
                f"the body has {words} words; the page's metadata promises {promised}",
            )
    return WHOLE


def promised_words(article: dict[str, Any] | None) -> int | None:
    """The words a schema.org article object says its body has (``wordCount``, capped by its
    ``timeRequired``); ``None`` when it says nothing worth judging."""
    value = article.get("wordCount") if article else None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    seconds = parse_duration(jsonld.text(article, "timeRequired"))
    if seconds:
        value = min(value, max(1, seconds // 60) * WORDS_A_MINUTE)
    return value if value >= MIN_PROMISED_WORDS else None
