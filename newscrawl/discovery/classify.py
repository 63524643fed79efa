"""Pure URL classification and the URL the crawler requests for a link.

Everything here is a function of a URL, an edition and the base URL the crawl runs against
(the production host, a replica or a mirror); no I/O. The rules themselves are data in
``newscrawl.discovery.rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from newscrawl.discovery.rules import (
    COMMON_RULES,
    DISALLOWED_RULES,
    EDITION_RULES,
    PAGE_PARAM,
    TRACKING_PARAMS,
    UrlKind,
)
from newscrawl.editions import EDITIONS, Edition


@dataclass(frozen=True)
class CrawlSite:
    """Where a crawl runs: an edition, served at ``base_url`` (production or a replica)."""

    edition: Edition
    base_url: str

    @classmethod
    def of(cls, edition: str | Edition, base_url: str | None = None) -> CrawlSite:
        ed = EDITIONS[edition] if isinstance(edition, str) else edition
        return cls(ed, (base_url or ed.base_url).rstrip("/"))

    @property
    def base_scheme(self) -> str:
        return urlsplit(self.base_url).scheme

    @property
    def base_netloc(self) -> str:
        return urlsplit(self.base_url).netloc.lower()

    @property
    def base_prefix(self) -> str:
        """Path prefix of the base URL (a mirror may serve the site under a folder)."""
        return urlsplit(self.base_url).path.rstrip("/")

    def is_production(self, netloc: str) -> bool:
        return netloc.lower().split(":")[0] == self.edition.host

    def is_on_site(self, netloc: str) -> bool:
        return netloc.lower() == self.base_netloc or self.is_production(netloc)

    def url(self, path: str) -> str:
        """An absolute URL on ``base_url`` for a root-relative ``path``."""
        return f"{self.base_url}{path}"


def site_path(url: str, site: CrawlSite) -> str | None:
    """The site-relative, percent-decoded path of an on-site ``url``; ``None`` off-site."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", ""):
        return None
    if parts.netloc and not site.is_on_site(parts.netloc):
        return None
    path = unquote(parts.path) or "/"
    prefix = site.base_prefix
    if prefix and parts.netloc.lower() == site.base_netloc and path.startswith(prefix):
        path = path[len(prefix) :] or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def page_number(url: str) -> int | None:
    """The listing page number in ``?page=N``, if any and well formed."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == PAGE_PARAM:
            return int(value) if value.isdigit() else None
    return None


def classify_path(path: str, edition: Edition) -> UrlKind:
    """The kind of a site-relative, percent-decoded path (no query) of ``edition``."""
    for rule in DISALLOWED_RULES:
        if rule.pattern.search(path):
            return rule.kind
    for rule in COMMON_RULES:
        if rule.pattern.search(path):
            return rule.kind
    # A known section path (/articles/opinion) is a listing even though /articles/{slug}
    # is an article: the menu table wins over the shape.
    key = path.strip("/").lower()
    if key in edition.sections or key in edition.groups or key in edition.regions:
        return UrlKind.LISTING
    for rule in EDITION_RULES.get(edition.code, ()):
        if rule.pattern.search(path):
            return rule.kind
    return UrlKind.OTHER


def classify(url: str, site: CrawlSite) -> UrlKind:
    """Kind of an absolute URL seen while crawling ``site``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return (
            UrlKind.OTHER if parts.scheme in ("mailto", "tel", "javascript") else (UrlKind.OFFSITE)
        )
    if not site.is_on_site(parts.netloc):
        return UrlKind.OFFSITE
    path = site_path(url, site)
    if path is None:
        return UrlKind.OFFSITE
    kind = classify_path(path, site.edition)
    if kind is UrlKind.ARTICLE and page_number(url) is not None:
        # Comment pages and the like of an article are not the article.
        return UrlKind.OTHER
    return kind


def request_url(url: str, site: CrawlSite) -> str | None:
    """The URL to request for an on-site link, or ``None`` for an off-site one.

    Production-host links (canonical, sitemap ``<loc>``, RSS, Read Next) move onto
    ``site.base_url``; tracking parameters, fragments and trailing slashes go, so that URL
    variants of one page are one request for the dupefilter. A listing keeps ``?page=N``.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not site.is_on_site(parts.netloc):
        return None
    path = parts.path or "/"
    if site.is_production(parts.netloc) and parts.netloc.lower() != site.base_netloc:
        path = site.base_prefix + path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k)
    ]
    # Page 1 is the listing itself.
    query = [(k, v) for k, v in query if not (k == PAGE_PARAM and v in ("1", "0"))]
    return urlunsplit((site.base_scheme, site.base_netloc, path, urlencode(query), ""))


def production_url(url: str, site: CrawlSite) -> str:
    """``url`` (on ``site.base_url``) as the same address on the edition's production host;
    percent-decoded path, query kept (an old ``/article/{id}`` or a tracking variant stays
    recognisable)."""
    parts = urlsplit(url)
    path = site_path(url, site)
    if path is None:
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"{site.edition.base_url}{path}{query}"
