"""Lenient reading of the site's ``tawsiyat`` JSON block.

The CMS writes the block by hand-rolled templating: CRLF line ends, 2-space indents, and on
some pages stray control characters or a trailing comma. ``parse_tawsiyat`` reads all of those;
a block it still cannot read gives ``None``, so every field falls through to its next source
instead of failing the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A JSON string literal, or a comma followed only by whitespace and a closing bracket.
_TRAILING_COMMA = re.compile(r'("(?:\\.|[^"\\])*")|,(\s*[}\]])')
# JavaScript-style comments some templates leave in.
_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|/\*.*?\*/|(?<![:"])//[^\n]*', re.DOTALL)


def _strip_trailing_commas(text: str) -> str:
    return _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), text)


def _strip_comments(text: str) -> str:
    return _COMMENT.sub(lambda m: m.group(1) or "", text)


def _attempts(raw: str) -> Iterator[str]:
    """The text as written, then repaired: each only if the one before failed (lazily)."""
    text = raw.strip().lstrip("\ufeff")
    # Some pages wrap the block in an HTML comment or CDATA.
    text = re.sub(r"^(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)$", "", text).strip()
    if not text.startswith(("{", "[")):
        # Text around the object (an assignment, a stray word): keep the outermost braces.
        start, end = text.find("{"), text.rfind("}")
        text = text[start : end + 1] if start != -1 and end > start else text
    yield text
    repaired = _strip_trailing_commas(_strip_comments(text))
    yield repaired
    yield _CONTROL.sub(" ", repaired)


def loads_lenient(raw: str | None) -> Any:
    """JSON text read leniently (see the module docstring); ``None`` when it cannot be read."""
    if raw is None or not raw.strip():
        return None
    for attempt in _attempts(raw):
        try:
            # strict=False lets raw control characters (CR, LF, tabs) through inside strings.
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def parse_tawsiyat(raw: str | None) -> dict[str, Any] | None:
    """The block's object, or ``None`` when there is no block or it cannot be read as JSON."""
    data = loads_lenient(raw)
    if isinstance(data, list):
        data = next((entry for entry in data if isinstance(entry, dict)), None)
    if not isinstance(data, dict):
        return None
    # Key case has varied between templates ("postid", "postId"); the documented spelling wins.
    folded = {str(k).lower(): v for k, v in reversed(data.items())}
    return {**folded, **data}


def tawsiyat_string(data: dict[str, Any] | None, key: str) -> str | None:
    """A scalar value of the block as a string (numbers included), or ``None``."""
    if not data:
        return None
    value = data.get(key, data.get(key.lower()))
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def tawsiyat_class(data: dict[str, Any] | None, mapping: str) -> str | None:
    """The value of the ``classes`` entry whose ``mapping`` is ``mapping`` (e.g. ``category``)."""
    if not data:
        return None
    classes = data.get("classes")
    if not isinstance(classes, list):
        return None
    for entry in classes:
        if isinstance(entry, dict) and str(entry.get("mapping", "")).lower() == mapping:
            value = entry.get("value")
            if isinstance(value, (str, int)) and str(value).strip():
                return str(value)
    return None
