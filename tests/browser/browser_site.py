"""A tiny site for the browser tests, served on 127.0.0.1.

It has the two walls newscrawl.browser passes, shaped on purpose unlike the replica so the tests
show nothing depends on the replica's details: a Cloudflare-style challenge (403, ``Server:
cloudflare``, ``cf-ray``, "Just a moment...", a script that sets ``cf_clearance`` and reloads;
the cookie is bound to the User-Agent and wears out after a number of uses) and JS listings
whose "Load more" fetches ``/api/feed?topic=…&p=N&size=5`` answering
``{"data": {"entries": [{"link", "headline", "published"}]}, "has_more": bool}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

TOPICS: dict[str, int] = {"alpha": 23, "beta": 12, "gamma": 7}
PAGE_SIZE = 5


def story_ids() -> list[str]:
    return [f"{topic}-{i}" for topic, count in TOPICS.items() for i in range(count)]


def story_title(story: str) -> str:
    return f"Story {story}"


def solution(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()[:16]


CHALLENGE_PAGE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head>
<body><div id="challenge-body">Checking your browser before accessing the site.</div>
<script>
(async function () {{
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("{nonce}"));
  const hex = Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, "0")).join("");
  document.cookie = "cf_clearance={nonce}." + hex.slice(0, 16) + "; path=/";
  setTimeout(() => location.reload(), 30);
}})();
</script></body></html>"""

LISTING_PAGE = """<!DOCTYPE html><html><head><title>{topic}</title>
<link rel="stylesheet" href="https://fonts.example.com/css"></head><body>
<img src="/static/logo.png"><img src="https://media.example.com/x.jpg">
<ul id="cards">{cards}</ul>
<button class="load-more" data-topic="{topic}">Load more</button>
<script>
let next = 2;
let cursor = "{cursor}";
const button = document.querySelector("button.load-more");
button.addEventListener("click", async () => {{
  const query = {cursor_mode} ? "after=" + cursor : "p=" + next + "&size={size}";
  const answer = await fetch("/api/feed?topic={topic}&" + query);
  const json = await answer.json();
  for (const entry of json.data.entries) {{
    const li = document.createElement("li");
    li.innerHTML = '<a class="card" href="' + entry.link + '">' + entry.headline + "</a>";
    document.getElementById("cards").appendChild(li);
  }}
  next += 1;
  cursor = json.cursor;
  if (!json.has_more) button.remove();
}});
</script></body></html>"""


#: A script that keeps the page's main thread busy for good.
HANG = "setTimeout(() => { for (;;) {} }, 0);"


@dataclass
class SiteState:
    """What the site saw: hits by kind, and the clearances it handed out."""

    challenge: bool
    clearance_uses: int
    #: nonce -> User-Agent it was issued to; clearance -> uses left.
    nonces: dict[str, str] = field(default_factory=dict)
    clearances: dict[str, int] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)


STATE = web.AppKey("state", SiteState)


def _cursor(topic: str, page: int) -> str:
    """An opaque cursor (the pattern a learner cannot extrapolate)."""
    return hashlib.sha256(f"{topic}/{page}".encode()).hexdigest()[:12]


def _cards(topic: str, page: int) -> list[dict[str, str]]:
    count = TOPICS[topic]
    start = (page - 1) * PAGE_SIZE
    return [
        {
            "link": f"/story/{topic}-{i}",
            "headline": story_title(f"{topic}-{i}"),
            "published": f"2026-01-{1 + i % 28:02d}T10:00:00Z",
        }
        for i in range(start, min(start + PAGE_SIZE, count))
    ]


def make_app(
    *,
    challenge: bool = False,
    clearance_uses: int = 40,
    cursor: bool = False,
    unsolvable: bool = False,
    hang_once: bool = False,
) -> web.Application:
    """The test site; ``cursor``: "Load more" pages with an opaque cursor instead of a number;
    ``unsolvable``: the challenge page never clears (its script does nothing); ``hang_once``: the
    first listing the browser gets runs a script that never returns."""
    state = SiteState(challenge, clearance_uses)

    @web.middleware
    async def wall(request: web.Request, handler: object) -> web.StreamResponse:
        state.hits["all"] += 1
        if state.challenge and request.path != "/robots.txt":
            token = request.cookies.get("cf_clearance", "")
            nonce, _, answer = token.partition(".")
            agent = request.headers.get("User-Agent", "")
            if (
                state.nonces.get(nonce) == agent
                and answer == solution(nonce)
                and state.clearances.get(token, state.clearance_uses) > 0
            ):
                state.clearances[token] = state.clearances.get(token, state.clearance_uses) - 1
                state.hits["cleared"] += 1
            else:
                state.hits["challenged"] += 1
                nonce = secrets.token_hex(8)
                state.nonces[nonce] = agent
                page = CHALLENGE_PAGE.format(nonce=nonce)
                if unsolvable:
                    page = page.split("<script>")[0] + "</body></html>"
                return web.Response(
                    status=403,
                    text=page,
                    content_type="text/html",
                    headers={"Server": "cloudflare", "cf-ray": f"{nonce}-LHR"},
                )
        return await handler(request)  # type: ignore[operator,no-any-return]

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def listing(request: web.Request) -> web.Response:
        topic = request.match_info["topic"]
        if topic not in TOPICS:
            raise web.HTTPNotFound()
        cards = "".join(
            f'<li><a class="card" href="{c["link"]}">{c["headline"]}</a></li>'
            for c in _cards(topic, 1)
        )
        state.hits[f"listing/{topic}"] += 1
        page = LISTING_PAGE.format(
            topic=topic,
            cards=cards,
            size=PAGE_SIZE,
            cursor=_cursor(topic, 2),
            cursor_mode="true" if cursor else "false",
        )
        rendering = "Sec-Fetch-Mode" in request.headers  # a browser, not Scrapy
        if hang_once and rendering and not state.hits["hung"]:
            state.hits["hung"] += 1
            page = page.replace("</body>", f"<script>{HANG}</script></body>")
        return web.Response(text=page, content_type="text/html")

    async def feed(request: web.Request) -> web.Response:
        state.hits["api"] += 1
        topic = request.query.get("topic", "")
        if topic not in TOPICS:
            raise web.HTTPNotFound()
        if cursor:
            pages = range(1, TOPICS[topic] // PAGE_SIZE + 2)
            page = next((p for p in pages if _cursor(topic, p) == request.query.get("after")), 0)
        else:
            page = int(request.query.get("p", "1"))
        entries = _cards(topic, page)
        more = page * PAGE_SIZE < TOPICS[topic]
        body = {
            "data": {"entries": entries, "count": len(entries)},
            "has_more": more,
            "cursor": _cursor(topic, page + 1),
        }
        return web.Response(text=json.dumps(body), content_type="application/json")

    async def story(request: web.Request) -> web.Response:
        state.hits["story"] += 1
        story = request.match_info["story"]
        html = (
            f"<html><head><title>{story_title(story)}</title></head>"
            f"<body><h1>{story_title(story)}</h1><img src='/img/{story}.jpg'></body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    async def image(request: web.Request) -> web.Response:
        state.hits["image"] += 1
        return web.Response(body=b"\x89PNG", content_type="image/png")

    app = web.Application(middlewares=[wall])
    app[STATE] = state
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/list/{topic}", listing)
    app.router.add_get("/api/feed", feed)
    app.router.add_get("/story/{story}", story)
    app.router.add_get("/img/{name}", image)
    app.router.add_get("/static/{name}", image)
    return app


@contextmanager
def serve(app: web.Application) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port in a thread; yields the base URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    ready = threading.Event()
    port: list[int] = []

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()))
    thread.daemon = True
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{port[0]}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
