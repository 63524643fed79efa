"""The pure parts of newscrawl.browser: resource rules, challenge recognition, launch options."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from newscrawl.browser.challenge import is_challenge, scrapy_cookies
from newscrawl.browser.config import CHROMIUM_ARGS, launch_options, missing_browser_message
from newscrawl.browser.resources import should_abort

PAGE = "http://127.0.0.1:8080/news/politics"


@pytest.mark.parametrize(
    ("resource_type", "url", "document_url", "abort"),
    [
        ("document", PAGE, "about:blank", False),  # the navigation Scrapy asked for
        ("document", "https://english.almayadeen.net/x", "about:blank", False),
        ("script", "http://127.0.0.1:8080/static/app.js", PAGE, False),
        ("fetch", "http://127.0.0.1:8080/api/listing?page=2", PAGE, False),
        ("xhr", "http://127.0.0.1:8080/api/listing?page=2", PAGE, False),
        ("stylesheet", "http://127.0.0.1:8080/site.css", PAGE, False),
        ("image", "http://127.0.0.1:8080/logo.png", PAGE, True),
        ("image", "https://alpha-en-media.almayadeen.net/a.jpg", "about:blank", True),
        ("media", "http://127.0.0.1:8080/v.mp4", PAGE, True),
        ("font", "http://127.0.0.1:8080/f.woff2", PAGE, True),
        ("script", "https://www.googletagmanager.com/gtag.js", PAGE, True),
        ("stylesheet", "https://fonts.googleapis.com/css", PAGE, True),
        ("document", "https://twitter.com/embed", PAGE, True),  # an iframe to another host
        ("script", "http://127.0.0.1:9999/other-port.js", PAGE, True),
        ("script", "data:text/javascript,1", PAGE, False),
        ("fetch", "blob:http://127.0.0.1:8080/uuid", PAGE, False),
    ],
)
def test_should_abort(resource_type: str, url: str, document_url: str, abort: bool) -> None:
    assert should_abort(resource_type, url, document_url) is abort


CHALLENGE_BODY = b"<html><head><title>Just a moment...</title></head><body>...</body></html>"
CF = {"Server": "cloudflare", "cf-ray": "8a1b2c3d4e5f-LHR"}


@pytest.mark.parametrize(
    ("status", "headers", "body", "challenged"),
    [
        (403, CF, CHALLENGE_BODY, True),
        (503, CF, CHALLENGE_BODY, True),
        (403, {"Server": "cloudflare"}, CHALLENGE_BODY, True),
        (403, {"cf-ray": "1-LHR"}, CHALLENGE_BODY, True),
        (403, {**CF, "cf-mitigated": "challenge"}, b"<html></html>", True),
        (403, {"Server": "cloudflare"}, b'<script src="/cdn-cgi/challenge-platform/x">', True),
        (200, CF, CHALLENGE_BODY, False),  # a page that merely mentions the phrase
        (403, {"Server": "nginx"}, CHALLENGE_BODY, False),  # not Cloudflare's
        (403, CF, b"<html><title>Access denied</title></html>", False),  # a real block
        (404, CF, CHALLENGE_BODY, False),
    ],
)
def test_is_challenge(status: int, headers: dict[str, str], body: bytes, challenged: bool) -> None:
    response = HtmlResponse(PAGE, status=status, headers=headers, body=body)
    assert is_challenge(response) is challenged


def test_scrapy_cookies_keep_name_value_path() -> None:
    browser = [
        {"name": "cf_clearance", "value": "abc.123", "domain": "127.0.0.1", "path": "/",
         "expires": -1, "httpOnly": False, "secure": False, "sameSite": "Lax"},
        {"name": "", "value": "nameless"},
        {"name": "pref", "value": "1", "path": ""},
    ]  # fmt: skip
    assert scrapy_cookies(browser) == [
        {"name": "cf_clearance", "value": "abc.123", "path": "/"},
        {"name": "pref", "value": "1", "path": "/"},
    ]


def test_launch_options_use_the_path_headless_and_every_flag() -> None:
    options = launch_options("/opt/chromium", {"args": ["--lang=en", "--no-sandbox"], "slow_mo": 0})
    assert options["executable_path"] == "/opt/chromium"
    assert options["headless"] is True
    assert options["args"] == [*CHROMIUM_ARGS, "--lang=en"]
    assert options["slow_mo"] == 0


def test_missing_browser_message_says_how_to_install(tmp_path: object) -> None:
    message = missing_browser_message("/nonexistent/chromium")
    assert message is not None
    assert "make browser" in message and "NEWSCRAWL_BROWSER_PATH" in message
    assert missing_browser_message("/bin/sh") is None
