"""--faults flaky and hostile: faults per (path, attempt), every article reachable on retry."""

from __future__ import annotations

import http.client
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlparse

import pytest

from newscrawl_replica.testing import ReplicaServer

#: The replica's slow answers take this long; the client gives up after half of it. Two
#: seconds either side: a sound answer on a busy machine is never taken for a slow one.
SLOW = 4.0


def attempt(replica: ReplicaServer, path: str) -> tuple[str, int | None, bytes]:
    """One GET; returns (outcome, status, body) with outcome ok/status/slow/truncated."""
    try:
        page = replica.get(path, timeout=SLOW / 2)
    except TimeoutError:
        return "slow", None, b""
    except http.client.IncompleteRead:
        return "truncated", None, b""
    if page.status != 200:
        return str(page.status), page.status, page.body
    return "ok", 200, page.body


@pytest.fixture(scope="module")
def flaky() -> Iterator[ReplicaServer]:
    args = ["--slow-seconds", str(SLOW)]
    with ReplicaServer(faults="flaky", articles=200, extra_args=args) as r:
        yield r


def test_every_article_reachable_within_three_attempts(flaky: ReplicaServer) -> None:
    outcomes: Counter[str] = Counter()
    retry_after: set[str] = set()
    for line in flaky.truth():
        path = line["record"]["url"].removeprefix("https://english.almayadeen.net")
        for n in range(1, 4):
            outcome, status, body = attempt(flaky, path)
            outcomes[outcome] += 1
            if status == 429:
                retry_after.add("429")
            if outcome == "ok":
                # The whole page of this article: its canonical URL and the document's end.
                assert line["record"]["url"].encode() in body, path
                assert body.rstrip().endswith(b"</html>"), path
                break
            assert n < 3, f"{path} still failing on attempt 3"
        assert line["reachable"] is True
    for fault in ("500", "503", "429", "slow", "truncated"):
        assert outcomes[fault] >= 1, (fault, outcomes)
    assert outcomes["ok"] == 200
    failed = sum(v for k, v in outcomes.items() if k != "ok")
    assert failed < 200 * 0.2  # a few percent, not most


def test_retry_after_header(flaky: ReplicaServer) -> None:
    for line in flaky.truth():
        path = line["record"]["url"].removeprefix("https://english.almayadeen.net") + "?r=1"
        for _ in range(3):
            try:
                page = flaky.get(path, timeout=SLOW / 2)
            except (TimeoutError, http.client.IncompleteRead):
                continue
            if page.status == 429:
                assert page.headers["Retry-After"] == "1"
                return
    pytest.fail("no 429 seen")


# --- hostile ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> Iterator[ReplicaServer]:
    args = ["--slow-seconds", str(SLOW)]
    with ReplicaServer(faults="hostile", articles=200, extra_args=args) as r:
        yield r


def raw(
    replica: ReplicaServer, path: str, read: bool = True
) -> tuple[http.client.HTTPResponse, bytes]:
    """The first answer that is not a flaky fault (5xx, 429, slow, cut short)."""
    for _ in range(3):
        conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=SLOW / 2)
        try:
            conn.request("GET", quote(path, safe="/:?&=%"), headers={"Accept-Encoding": "gzip"})
            resp = conn.getresponse()
            if resp.status in (500, 503, 429):
                continue
            return resp, resp.read() if read else b""
        except (TimeoutError, http.client.IncompleteRead):
            continue
    raise AssertionError(f"{path}: no answer in 3 attempts")


def victims(replica: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {
        line["record"]["url"].removeprefix("https://english.almayadeen.net"): line
        for line in replica.truth()
        if not line["reachable"]
    }


def test_truth_marks_unreachable_articles(hostile: ReplicaServer) -> None:
    lines = hostile.truth()
    assert len(lines) == 200
    assert 1 <= sum(not line["reachable"] for line in lines) <= 5


def test_unreachable_articles_are_what_the_truth_says(hostile: ReplicaServer) -> None:
    kinds: set[str] = set()
    for path in victims(hostile):
        resp, _ = raw(hostile, path, read=False)
        if resp.status == 302:
            seen = {path}
            location = resp.getheader("Location") or ""
            while location not in seen:
                seen.add(location)
                location = raw(hostile, location)[0].getheader("Location") or ""
            kinds.add("loop")
        elif resp.getheader("Content-Encoding") == "gzip":
            _, body = raw(hostile, path)
            assert len(body) < 1_000_000
            inflater = zlib.decompressobj(31)
            total = 0
            chunk = inflater.decompress(body, 1 << 20)
            while chunk:
                total += len(chunk)
                chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            assert total > 100 * 1024 * 1024
            kinds.add("bomb")
        else:
            assert int(resp.getheader("Content-Length") or 0) > 20 * 1024 * 1024
            kinds.add("oversized")
    assert kinds == {"loop", "bomb", "oversized"}


def test_traps_are_linked_and_endless(hostile: ReplicaServer) -> None:
    home = raw(hostile, "/")[1].decode()
    for trap in (
        "/archive/calendar/",
        "/most-popular?page=1",
        "/redirect/loop",
        "/media/archive.html",
    ):
        assert trap in home
    path = "/archive/calendar/2024/7/15"
    seen = set()
    for _ in range(40):
        html = raw(hostile, path)[1].decode()
        seen.add(path)
        nxt = html.split('">Next day')[0].rsplit('href="', 1)[1]
        assert nxt not in seen
        path = nxt
    first, _ = raw(hostile, "/redirect/loop")
    assert first.status == 302
    again, _ = raw(hostile, first.getheader("Location") or "")
    assert again.getheader("Location") == "/redirect/loop"


def test_damaged_but_readable_pages(hostile: ReplicaServer) -> None:
    lines = [line for line in hostile.truth() if line["reachable"]]
    charset = malformed = 0
    for line in lines:
        path = line["record"]["url"].removeprefix("https://english.almayadeen.net")
        resp, body = raw(hostile, path)
        if b'<meta charset="windows-1252">' in body:
            assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
            charset += 1
        if b"<td>stray</table>" in body:
            malformed += 1
        assert line["record"]["title"] in body.decode("utf-8").replace("&#x27;", "'").replace(
            "&quot;", '"'
        ).replace("&amp;", "&")
    assert charset >= 1 and malformed >= 1


# --- damaged (a broken proxy) ---------------------------------------------------------------


def test_damaged_pages_are_the_same_on_every_attempt_and_whole_without_the_fault() -> None:
    args = ["--damaged-share", "0.2"]
    with ReplicaServer(faults="damaged", articles=50, seed=4, extra_args=args) as damaged:
        lines = damaged.truth()
        pages = {
            line["record"]["url"].removeprefix("https://english.almayadeen.net"): [
                damaged.get(line["record"]["url"].removeprefix("https://english.almayadeen.net"))
                for _ in range(2)
            ]
            for line in lines
        }
    marks = {
        line["record"]["url"].removeprefix("https://english.almayadeen.net"): line.get("damaged")
        for line in lines
    }
    # Every article listed and reachable; a fifth damaged, half of them each way.
    assert len(lines) == 50 and all(line["reachable"] for line in lines)
    assert sorted(m for m in marks.values() if m) == ["bytes"] * 5 + ["cut"] * 5
    with ReplicaServer(articles=50, seed=4) as whole:
        for path, (first, second) in pages.items():
            page = whole.get(path)
            assert page.status == first.status == second.status == 200
            assert first.body == second.body  # the same damage on every attempt
            assert page.body.rstrip().endswith(b"</html>")
            assert int(first.headers["Content-Length"]) == len(first.body)
            if marks[path] == "cut":
                assert first.body == page.body[: int(len(page.body) * 0.4)]
            elif marks[path] == "bytes":
                assert len(first.body) == len(page.body) and b"</html>" not in first.body
            else:
                assert first.body == page.body


def test_latency_holds_article_pages_and_only_them() -> None:
    with ReplicaServer(articles=20, seed=2) as replica:
        path = urlparse(replica.truth()[0]["record"]["url"]).path
        assert replica.get("/__replica__/latency?seconds=1").status == 405
        bad = replica.get("/__replica__/latency?seconds=-1", method="POST")
        assert bad.status == 400
        replica.set_latency(10)
        answers: list[int] = []
        slow = threading.Thread(target=lambda: answers.append(replica.get(path, timeout=60).status))
        slow.start()
        deadline = time.monotonic() + 30
        while replica.held() < 1:
            assert time.monotonic() < deadline, "the article request was not held"
            time.sleep(0.05)
        # Held back: no answer yet, while a listing and the feed answer at once.
        assert replica.get("/news").status == 200 and replica.get("/rss.xml").status == 200
        assert answers == [] and replica.held() == 1
        replica.set_latency(0)
        assert replica.get(path).status == 200  # new requests are answered at once
        slow.join(60)
        assert answers == [200]
