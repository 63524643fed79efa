"""Every on-site link of the replica leads somewhere: a crawl from the home page meets no 404."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from newscrawl_replica.testing import ReplicaServer

PRODUCTION = "https://english.almayadeen.net"


@pytest.fixture(scope="module", params=["en", "ar"])
def small(request: pytest.FixtureRequest) -> Iterator[ReplicaServer]:
    with ReplicaServer(edition=request.param, articles=60) as r:
        yield r


def test_crawl_from_home_meets_no_dead_link(small: ReplicaServer) -> None:
    queue = deque(["/"])
    seen = {"/"}
    statuses: dict[str, int] = {}
    while queue:
        path = queue.popleft()
        page = small.get(path)
        statuses[path] = page.status
        if page.status in (301, 302):
            target = page.headers["Location"]
            if target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "html" not in page.headers.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="([^"]+)"', page.text):
            url = urljoin(PRODUCTION + path, link.replace("&amp;", "&"))
            parts = urlsplit(url)
            if parts.netloc != urlsplit(PRODUCTION).netloc or parts.scheme != "https":
                continue  # another host: never followed
            if link.startswith("https://"):
                continue  # Read Next and canonical links name the production host
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target.startswith(("/search", "/print/")) or target in seen:
                continue  # disallowed by robots.txt
            seen.add(target)
            queue.append(target)
    dead = sorted(p for p, s in statuses.items() if s not in (200, 301, 302))
    assert dead == []
    article_paths = {
        line["record"]["url"].removeprefix(PRODUCTION).removeprefix("https://www.almayadeen.net")
        for line in small.truth()
    }
    crawled = {unquote(p) for p, s in statuses.items() if s == 200}
    assert article_paths <= crawled
