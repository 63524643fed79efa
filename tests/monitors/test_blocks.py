"""Which answers are plain blocks: Cloudflare's 403/429 with no challenge page to solve."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from newscrawl.monitors.blocks import is_plain_block

URL = "https://english.almayadeen.net/rss"
CLOUDFLARE = {"Server": "cloudflare", "cf-ray": "8f3a2b1c4d5e6f70-BEY"}
CHALLENGE = b"<html><head><title>Just a moment...</title></head><body>cf_chl_opt</body></html>"


@pytest.mark.parametrize(
    ("status", "headers", "body", "plain"),
    [
        (403, CLOUDFLARE, b"error code: 1020", True),
        (429, {"Server": "cloudflare"}, b"", True),
        (403, {"cf-ray": "8f3a2b1c4d5e6f70-BEY"}, b"Forbidden", True),
        # A challenge is for the browser; a plain server's 403 is the page's own answer.
        (403, {**CLOUDFLARE, "cf-mitigated": "challenge"}, b"", False),
        (403, CLOUDFLARE, CHALLENGE, False),
        (403, {"Server": "nginx"}, b"Forbidden", False),
        (503, CLOUDFLARE, b"", False),
        (200, CLOUDFLARE, b"<rss/>", False),
    ],
)
def test_is_plain_block(status: int, headers: dict[str, str], body: bytes, plain: bool) -> None:
    cls = HtmlResponse if body.startswith(b"<html") else TextResponse
    response = cls(URL, status=status, headers=headers, body=body, request=Request(URL))
    assert is_plain_block(response) is plain
