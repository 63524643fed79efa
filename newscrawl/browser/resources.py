"""What the browser may load: the crawled host's documents, scripts, styles and XHR; nothing else.

Used as ``PLAYWRIGHT_ABORT_REQUEST``. Images, media and fonts are never needed to pass a challenge
or to drive a listing, and requests to other hosts (media host, social widgets, analytics) would
leave the machine.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PlaywrightRequest

BLOCKED_RESOURCE_TYPES: frozenset[str] = frozenset({"image", "media", "font"})

#: Schemes a page may use without touching the network.
LOCAL_SCHEMES: frozenset[str] = frozenset({"data", "blob", "about"})


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}:{parts.port or ''}"


def should_abort(resource_type: str, url: str, document_url: str) -> bool:
    """True when a browser request must not go out.

    ``document_url`` is the URL of the page's main frame when the request is made: ``about:blank``
    for the navigation Scrapy asked for, the crawled page afterwards.
    """
    if resource_type in BLOCKED_RESOURCE_TYPES:
        return True
    if urlsplit(url).scheme in LOCAL_SCHEMES:
        return False
    if urlsplit(document_url).scheme not in ("http", "https"):
        return False
    return _host(url) != _host(document_url)


def should_abort_request(request: PlaywrightRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST`` callable."""
    try:
        document_url = request.frame.page.main_frame.url
    except PlaywrightError:  # service-worker requests have no frame: nothing of ours needs them
        return True
    return should_abort(request.resource_type, request.url, document_url)
