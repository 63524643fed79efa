"""Canonical article URLs: one spelling per article, on the production host.

Used for the record's ``url`` and ``related`` links, and by discovery (dedup) and incremental
state, so that a replica URL, a tracking variant and the production URL of one article all
compare equal.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urljoin, urlsplit

from newscrawl.editions import ALL_HOSTS, EN, Edition

#: Production hosts that serve another edition's content under their own name.
HOST_ALIASES: dict[str, str] = {"next-en.almayadeen.net": EN.host}


def canonical_url(url: str, edition: Edition) -> str:
    """The canonical production URL of ``url``, an address of ``edition``'s pages.

    ``https``; the host is the edition's production host, unless ``url`` names another
    production host of the site (kept: it is another edition) or a known alias (mapped); any
    other host (a replica on 127.0.0.1, a mirror) and a root-relative path are moved onto the
    edition's host. The path is percent-decoded and NFC-normalized, its trailing slashes are
    dropped (the root stays ``/``), the query and fragment are dropped: the site's article
    URLs carry no query, so every query there is tracking or a variant. Callers decide whether
    a URL is on the site at all; this function does not. An empty URL or one of another scheme
    (``mailto:``, ``javascript:``) raises ``ValueError``.
    """
    text = url.strip()
    if not text:
        raise ValueError("canonical_url: empty URL")
    parts = urlsplit(urljoin(f"{edition.base_url}/", text))
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"canonical_url: not a web URL: {url!r}")
    host = (parts.hostname or "").lower()
    if host in HOST_ALIASES:
        host = HOST_ALIASES[host]
    elif host not in ALL_HOSTS:
        host = edition.host
    path = unicodedata.normalize("NFC", unquote(parts.path)).rstrip("/") or "/"
    return f"https://{host}{path}"


def is_site_url(url: str, base_url: str) -> bool:
    """True when ``url`` (possibly relative to ``base_url``) is on ``base_url``'s host or on a
    production host of the site."""
    absolute = urlsplit(urljoin(base_url, url.strip()))
    if absolute.scheme not in ("http", "https"):
        return False
    host = (absolute.hostname or "").lower()
    return host == (urlsplit(base_url).hostname or "").lower() or host in ALL_HOSTS


def url_path(url: str) -> str:
    """The path of an absolute or relative URL, percent-decoded, without a trailing slash."""
    return unquote(urlsplit(url.strip()).path).rstrip("/") or "/"
