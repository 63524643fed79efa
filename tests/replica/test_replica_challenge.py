"""--challenge on: a plain client is refused; the cookie the page's script computes works."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from newscrawl_replica.challenge import COOKIE, solve
from newscrawl_replica.testing import Answer, ReplicaServer

REF = "/news/politics/white-house-has-no-evidence-of-drone-sale-from-iran-to-russi"
#: Seconds a clearance lasts: long enough for the checks made while it holds on a busy machine.
TTL = 10


@pytest.fixture(scope="module")
def walled() -> Iterator[ReplicaServer]:
    with ReplicaServer(challenge="on", articles=50, extra_args=["--clearance-ttl", str(TTL)]) as r:
        yield r


def token_of(page: Answer) -> str:
    m = re.search(r'data-token="([^"]+)"', page.text)
    assert m is not None
    return m.group(1)


def test_plain_client_gets_the_challenge(walled: ReplicaServer) -> None:
    for path in ("/", REF, "/sitemaps/all.xml", "/api/listing?path=/news&page=2"):
        page = walled.get(path)
        assert page.status == 403
        assert page.headers["Server"] == "cloudflare"
        assert re.fullmatch(r"[0-9a-f]{16}-[A-Z]{3}", page.headers["cf-ray"])
        assert "<title>Just a moment...</title>" in page.text
        assert "White House" not in page.text


def test_robots_is_served_without_challenge(walled: ReplicaServer) -> None:
    robots = walled.get("/robots.txt")
    assert robots.status == 200 and "Sitemap:" in robots.text


def test_computed_cookie_passes_until_it_expires(walled: ReplicaServer) -> None:
    token = token_of(walled.get(REF))
    cookie = f"{COOKIE}={token}.{solve(token)}"
    page = walled.get(REF, headers={"Cookie": cookie})
    assert page.status == 200 and "White House has no evidence" in page.text
    assert page.headers["Server"] == "cloudflare"
    assert walled.get("/news/politics", headers={"Cookie": cookie}).status == 200
    # Past its end: the token carries the second it was issued.
    time.sleep(max(0.0, int(token.split(".")[0]) + TTL + 1.5 - time.time()))
    assert walled.get(REF, headers={"Cookie": cookie}).status == 403


def test_guessed_cookies_fail(walled: ReplicaServer) -> None:
    token = token_of(walled.get("/"))
    issued, mac = token.split(".")
    for bad in (
        f"{token}.{'0' * 8}",  # wrong answer
        f"{issued}.{'a' * len(mac)}.{solve(issued + '.' + 'a' * len(mac))}",  # forged token
        token,
        "",
    ):
        assert walled.get("/", headers={"Cookie": f"{COOKIE}={bad}"}).status == 403


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_page_script_computes_the_same_answer(walled: ReplicaServer) -> None:
    page = walled.get("/")
    script = re.search(r"<script>(.*?)</script>", page.text, re.S)
    assert script is not None
    solver = script.group(1).split("(function ()")[0]
    token = token_of(page)
    out = subprocess.run(
        ["node", "-e", solver + f"\nconsole.log(solve({token!r}));"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == solve(token)
