"""The replica's aiohttp application: routes, the challenge and the fault modes.

Pages are rendered on request from the site's state; nothing is pre-rendered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

from newscrawl_replica import mutated, render
from newscrawl_replica.challenge import COOKIE, Challenge
from newscrawl_replica.faults import (
    OVERSIZED_BYTES,
    TRAP_LINKS,
    Damaged,
    Hostile,
    flaky_fault,
    gzip_bomb,
    malform,
)
from newscrawl_replica.model import Meta, utc
from newscrawl_replica.site import Site, href
from newscrawl_replica.truth import write_truth

log = logging.getLogger(__name__)


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HTML = "text/html; charset=utf-8"
_SITEMAP = re.compile(r"^/sitemaps/all/sitemap-(\d{4})-(\d{1,2})\.xml$")
_CALENDAR = re.compile(r"^/archive/calendar/(\d{1,6})/(\d{1,2})/(\d{1,2})$")
#: The feed's paths: the one the site links (``/rss.xml``) and the ones others try.
_FEED = re.compile(r"^/(rss|feed)(\.xml|/.*)?$")
_STATIC_PAGES = frozenset({"/search", "/privacy-policy", "/about-us", "/contact-us", "/live"})
#: Paths no mode touches: control endpoints and robots.txt (served even behind the challenge).
_EXEMPT = ("/__replica__/", "/robots.txt")


@dataclass
class Options:
    listing: str = "static"  # static | js
    challenge: str = "off"  # off | on
    faults: str = "none"  # none | flaky | hostile | damaged
    #: The share of articles whose pages ``damaged`` answers with random bytes or cut HTML.
    damaged_share: float = 0.1
    clearance_ttl: int = 300
    slow_seconds: float = 45.0
    truth: Path | None = None
    #: Processes serving the site; each holds its own copy, so publishing needs exactly one.
    workers: int = 1
    #: Article page markup: ``canonical`` (MARKUP.md) or ``mutated`` (``mutated.py``, seeded).
    markup: str = "canonical"
    markup_seed: int = 1
    #: Plain blocks, not challenges: ``rss`` answers the feed, ``all`` every path, with a bare
    #: ``403`` signed ``Server: cloudflare`` (the real English feed's answer to scripts).
    block: str = "off"  # off | rss | all
    #: Publishing on a schedule: every ``publish_every`` seconds (0: never), ``publish_new``
    #: new articles and ``publish_edit`` edits; ``publish_random``: at random moments instead,
    #: ``publish_every`` apart on average (uniform over 0 to twice that, seeded).
    publish_every: float = 0.0
    publish_new: int = 1
    publish_edit: int = 0
    publish_random: bool = False
    #: Seconds every article page waits before it is answered (0: none); changed while serving
    #: with ``POST /__replica__/latency?seconds=S``. A slow site, for a client that must stop
    #: with pages in flight.
    latency: float = 0.0


class Replica:
    def __init__(self, site: Site, options: Options) -> None:
        for name, value, allowed in (
            ("listing", options.listing, ("static", "js")),
            ("challenge", options.challenge, ("off", "on")),
            ("faults", options.faults, ("none", "flaky", "hostile", "damaged")),
            ("markup", options.markup, ("canonical", "mutated")),
            ("block", options.block, ("off", "rss", "all")),
        ):
            if value not in allowed:
                raise ValueError(f"--{name} must be one of {', '.join(allowed)}, not {value!r}")
        self.site = site
        self.opts = options
        self.challenge = (
            Challenge(site.seed, options.clearance_ttl, site.edition.host)
            if options.challenge == "on"
            else None
        )
        self.hostile = Hostile.choose(site) if options.faults == "hostile" else Hostile()
        if options.faults == "hostile":
            # Built once before serving: compressing it takes seconds on a busy machine, which
            # would stall every request waiting behind the first one to ask for it.
            gzip_bomb()
        self.damaged = (
            Damaged.choose(site, options.damaged_share)
            if options.faults == "damaged"
            else Damaged()
        )
        self.traps = TRAP_LINKS if options.faults == "hostile" else ()
        self.attempts: Counter[str] = Counter()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="truth")
        self._truth_job: asyncio.Future[int] | None = None
        self._lock = asyncio.Lock()
        self._stopping = threading.Event()
        #: Validators of the pages that answer conditional requests, by path and query:
        #: (ETag, Last-Modified). Bounded by the site's listing pages and sitemaps.
        self._validators: dict[str, tuple[str, datetime]] = {}
        #: Answers by kind of page and status (``GET /__replica__/stats``).
        self.served: Counter[tuple[str, int]] = Counter()
        self._schedule: asyncio.Task[None] | None = None
        #: Article requests being held by ``latency`` right now (``/__replica__/stats``).
        self.held = 0

    # --- application ------------------------------------------------------------------------

    def app(self) -> web.Application:
        middlewares = []
        if self.opts.block != "off":
            middlewares.append(self._block_mw)
        if self.challenge:
            middlewares.append(self._challenge_mw)
        if self.opts.faults in ("flaky", "hostile"):
            middlewares.append(self._faults_mw)
        app = web.Application(middlewares=middlewares)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        app.on_startup.append(self._on_startup)
        app.on_cleanup.append(self._on_cleanup)
        return app

    async def _on_startup(self, app: web.Application) -> None:
        self.start_truth()
        if self.opts.publish_every > 0:
            self._schedule = asyncio.get_running_loop().create_task(self._publish_on_schedule())

    async def _publish_on_schedule(self) -> None:
        opts = self.opts
        rng = random.Random(f"schedule:{self.site.seed}")
        while True:
            wait = opts.publish_every
            if opts.publish_random:
                wait = rng.uniform(0, 2 * opts.publish_every)
            await asyncio.sleep(wait)
            try:
                await self.publish(opts.publish_new, opts.publish_edit)
            except Exception:
                log.exception("scheduled publishing failed")

    async def publish(self, new: int, edit: int) -> dict[str, list[str]]:
        """Publish ``new`` articles and ``edit`` edits now; the truth is rewritten before this
        returns."""
        async with self._lock:
            if self._truth_job:
                await self._truth_job
            result = self.site.publish(new, edit, now=time.time())
            job = self.start_truth()
            if job is not None:
                await job
        return result

    async def _on_cleanup(self, app: web.Application) -> None:
        if self._schedule is not None:
            self._schedule.cancel()
        self._stopping.set()  # a truth file still being written is abandoned, not waited for
        if self._truth_job:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._truth_job)
        self._executor.shutdown(wait=True)

    def start_truth(self) -> asyncio.Future[int] | None:
        if self.opts.truth is None:
            return None
        loop = asyncio.get_running_loop()
        path = self.opts.truth
        self._truth_job = loop.run_in_executor(
            self._executor,
            write_truth,
            self.site,
            path,
            self.hostile.reachable,
            self._stopping,
            self.damaged.kind,
        )
        self._truth_job.add_done_callback(self._truth_written)
        return self._truth_job

    def _truth_written(self, job: asyncio.Future[int]) -> None:
        if not job.cancelled() and job.exception() is not None:
            log.error("writing the truth to %s failed: %r", self.opts.truth, job.exception())

    # --- middlewares ------------------------------------------------------------------------

    @web.middleware
    async def _block_mw(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if path.startswith("/__replica__/"):
            return await handler(request)
        if self.opts.block == "all" or _FEED.match(path):
            return web.Response(
                status=403,
                text="error code: 1020\n",
                headers={"Server": "cloudflare", "cf-ray": f"{zlib.crc32(path.encode()):08x}-BEY"},
            )
        return await handler(request)

    @web.middleware
    async def _challenge_mw(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        assert self.challenge is not None
        if not request.path.startswith(_EXEMPT) and not self.challenge.valid(
            request.cookies.get(COOKIE)
        ):
            return web.Response(
                status=403,
                text=self.challenge.page(),
                content_type="text/html",
                charset="utf-8",
                headers={
                    "Server": "cloudflare",
                    "cf-ray": self.challenge.ray(),
                    "cf-mitigated": "challenge",
                    "Cache-Control": "private, no-store",
                },
            )
        resp = await handler(request)
        if not resp.prepared:
            resp.headers["Server"] = "cloudflare"
            resp.headers["cf-ray"] = self.challenge.ray()
        return resp

    @web.middleware
    async def _faults_mw(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(_EXEMPT):
            return await handler(request)
        key = request.path_qs
        self.attempts[key] += 1
        fault = flaky_fault(self.site.seed, key, self.attempts[key])
        if fault in ("500", "503"):
            return web.Response(status=int(fault), text=f"{fault} Server Error\n")
        if fault == "429":
            return web.Response(
                status=429, text="Too Many Requests\n", headers={"Retry-After": "1"}
            )
        if fault == "slow":
            await asyncio.sleep(self.opts.slow_seconds)
        resp = await handler(request)
        if fault == "truncate" and isinstance(resp, web.Response) and resp.body:
            return await self._truncated(request, resp)
        return resp

    async def _truncated(self, request: web.Request, resp: web.Response) -> web.StreamResponse:
        body = bytes(resp.body)  # type: ignore[arg-type]
        content_type = resp.headers.get("Content-Type", "application/octet-stream")
        out = web.StreamResponse(status=resp.status, headers={"Content-Type": content_type})
        out.content_length = len(body)
        await out.prepare(request)
        await out.write(body[: len(body) // 3])
        if request.transport is not None:
            request.transport.close()
        return out

    # --- routes -----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/__replica__/"):
            return await self._control(request)
        if self.opts.latency > 0 and self._kind_of(request.path) == "article":
            self.held += 1
            try:
                await asyncio.sleep(self.opts.latency)
            finally:
                self.held -= 1
        try:
            resp = await self._route(request)
        except web.HTTPException as exc:
            self.served[(self._kind_of(request.path), exc.status)] += 1
            raise
        self.served[(self._kind_of(request.path), resp.status)] += 1
        return resp

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        site = self.site
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, text="Method Not Allowed\n")
        if path == "/robots.txt":
            return web.Response(text=render.robots(site))
        if path == "/rss.xml":
            return self._conditional(request, render.rss(site), "application/rss+xml")
        if path == "/sitemaps/all.xml":
            return self._conditional(request, render.sitemap_index(site), "application/xml")
        m = _SITEMAP.match(path)
        if m:
            month = (int(m[1]), int(m[2]))
            keys = site.months.get(month)
            writers = site.writer_months.get(month, [])
            if keys is None and not writers:
                return self._not_found()
            return self._conditional(
                request, render.sitemap_month(site, keys or (), writers), "application/xml"
            )
        if path == "/api/listing":
            return self._api_listing(request)
        if path.startswith("/article/") and path[9:].isdigit():
            key = site.by_post.get(int(path[9:]))
            if key is None:
                return self._not_found()
            raise web.HTTPMovedPermanently(href(site.metas[key].path))
        stripped = path.rstrip("/") or "/"
        meta = site.lookup(stripped)
        if meta is not None:
            return await self._article(request, meta)
        if stripped in site.listings:
            return self._listing(request, stripped)
        if self.traps:
            trap = await self._trap(request, stripped)
            if trap is not None:
                return trap
        if path in _STATIC_PAGES or path.startswith("/print/"):
            title = path.strip("/").split("/")[0].replace("-", " ").title()
            return self._html(render.simple_page(site, title, "Al Mayadeen English.", self.traps))
        return self._not_found()

    def _html(self, text: str, status: int = 200) -> web.Response:
        return web.Response(
            status=status, body=text.encode("utf-8"), content_type="text/html", charset="utf-8"
        )

    def _not_found(self) -> web.Response:
        return self._html(
            render.simple_page(self.site, "Page not found", "The page does not exist."), 404
        )

    def _page_number(self, request: web.Request) -> int:
        raw = request.query.get("page", "1")
        if not raw.isdigit() or int(raw) < 1:
            raise web.HTTPBadRequest(text=f"page must be a positive integer, not {raw!r}\n")
        return int(raw)

    def _listing(self, request: web.Request, path: str) -> web.Response:
        page_no = self._page_number(request)
        _, pages = self.site.page(path, 1)
        if page_no > pages:
            return self._not_found()
        js = self.opts.listing == "js"
        text = render.listing_page(self.site, path, page_no, js, self.traps)
        return self._conditional(request, text, "text/html")

    def _conditional(self, request: web.Request, text: str, content_type: str) -> web.Response:
        """``text`` with an ``ETag`` (its digest) and a ``Last-Modified`` (when this replica
        first served it changed), or ``304`` to a request whose ``If-None-Match`` (or, without
        one, ``If-Modified-Since``) shows the client holds it, as a CDN answers."""
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        key = request.path_qs
        known = self._validators.get(key)
        if known is None or known[0] != etag:
            now = datetime.now(UTC).replace(microsecond=0)
            # One-second resolution: a change must move Last-Modified, even in the same second.
            modified = max(now, known[1] + timedelta(seconds=1)) if known else now
            known = self._validators[key] = (etag, modified)
        headers = {"ETag": etag, "Last-Modified": http_date(known[1])}
        if_none = request.headers.get("If-None-Match")
        if if_none is not None:
            fresh = etag in [tag.strip() for tag in if_none.split(",")] or if_none.strip() == "*"
        else:
            since = request.if_modified_since
            fresh = since is not None and since >= known[1]
        if fresh:
            return web.Response(status=304, headers=headers)
        kind, _, charset = content_type.partition(";")
        return web.Response(
            body=body, content_type=kind, charset=charset.strip() or "utf-8", headers=headers
        )

    def _api_listing(self, request: web.Request) -> web.Response:
        path = request.query.get("path", "")
        if path not in self.site.listings:
            raise web.HTTPNotFound(
                text=json.dumps({"error": f"no listing {path!r}"}), content_type="application/json"
            )
        page_no = self._page_number(request)
        return web.json_response(render.listing_json(self.site, path, page_no))

    async def _article(self, request: web.Request, meta: Meta) -> web.StreamResponse:
        site = self.site
        kind = self.hostile.kind(meta)
        if kind == "loop":
            raise web.HTTPFound(f"/redirect/{meta.post_id}")
        if kind == "bomb":
            return web.Response(
                body=gzip_bomb(), headers={"Content-Type": HTML, "Content-Encoding": "gzip"}
            )
        # Pages change when the article is edited: Last-Modified is its modified time, and a
        # conditional request for an unchanged article gets 304, as a CDN answers.
        modified = utc(meta.modified)
        since = request.if_modified_since
        damaged = self.damaged.kind(meta) is not None
        if since is not None and since >= modified and kind is None and not damaged:
            return web.Response(status=304, headers={"Last-Modified": http_date(modified)})
        charset = "windows-1252" if kind == "charset" else "utf-8"
        if self.opts.markup == "mutated":
            text = mutated.article_page(site, site.article(meta), self.opts.markup_seed)
        else:
            text = render.article_page(site, site.article(meta), self.traps, charset)
        if kind == "malformed":
            text = malform(text)
        if kind == "oversized":
            return await self._oversized(request, text)
        if damaged:
            # A broken proxy between the site and the crawler: 200 and random bytes or the page
            # cut short, with a Content-Length that matches what is sent.
            body = self.damaged.body(meta, text.encode("utf-8"))
            return web.Response(body=body, headers={"Content-Type": HTML})
        resp = self._html(text)
        resp.headers["Last-Modified"] = http_date(modified)
        return resp

    async def _oversized(self, request: web.Request, text: str) -> web.StreamResponse:
        head, tail = text.rsplit("</body>", 1)
        filler = ("<!-- " + "x" * (1024 * 1024 - 9) + " -->").encode()
        n = OVERSIZED_BYTES // len(filler) + 1
        head_b, tail_b = head.encode(), ("</body>" + tail).encode()
        resp = web.StreamResponse(headers={"Content-Type": HTML})
        resp.content_length = len(head_b) + n * len(filler) + len(tail_b)
        await resp.prepare(request)
        await resp.write(head_b)
        for _ in range(n):
            await resp.write(filler)
        await resp.write(tail_b)
        await resp.write_eof()
        return resp

    async def _trap(self, request: web.Request, path: str) -> web.StreamResponse | None:
        site = self.site
        m = _CALENDAR.match(path)
        if m:
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            prev_d, next_d = (
                (y, mo, d - 1) if d > 1 else (y, mo - 1 or 12, 28),
                (y, mo, d + 1) if d < 28 else (y + (mo == 12), mo % 12 + 1, 1),
            )
            links = "".join(
                f'<a href="/archive/calendar/{a}/{b}/{c}">{label}</a>'
                for (a, b, c), label in ((prev_d, "Previous day"), (next_d, "Next day"))
            )
            return self._html(
                render.page(
                    site, f"Archive {y}-{mo}-{d}", "", f"<h1>Archive</h1>{links}", self.traps
                )
            )
        if path == "/most-popular":
            page_no = self._page_number(request)
            cards = "".join(render.card(site, m) for m in site.newest(5))
            nxt = f"/most-popular?page={page_no + 1}"
            nav = f'<nav class="pagination"><a rel="next" href="{nxt}">Next</a></nav>'
            return self._html(
                render.page(
                    site,
                    "Most popular",
                    "",
                    f'<div class="news-list">{cards}</div>{nav}',
                    self.traps,
                )
            )
        if path == "/redirect/loop":
            raise web.HTTPFound("/redirect/loop-again")
        if path == "/redirect/loop-again":
            raise web.HTTPFound("/redirect/loop")
        if path.startswith("/redirect/") and path[10:].isdigit():
            key = site.by_post.get(int(path[10:]))
            if key is not None:
                raise web.HTTPFound(href(site.metas[key].path))
        if path == "/media/archive.html":
            return web.Response(
                body=gzip_bomb(), headers={"Content-Type": HTML, "Content-Encoding": "gzip"}
            )
        if path == "/downloads/full-archive.html":
            text = render.simple_page(site, "Full archive", "Everything.", self.traps)
            return await self._oversized(request, text)
        return None

    # --- control ----------------------------------------------------------------------------

    async def _control(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/__replica__/health":
            return web.json_response(
                {"ok": True, "articles": len(self.site), "edition": self.site.code}
            )
        if request.path == "/__replica__/stats":
            counts: dict[str, dict[str, int]] = {}
            for (kind, status), count in sorted(self.served.items()):
                counts.setdefault(kind, {})[str(status)] = count
            return web.json_response({"served": counts, "held": self.held})
        if request.path == "/__replica__/latency":
            return self._set_latency(request)
        if request.path != "/__replica__/publish":
            return self._not_found()
        if request.method != "POST":
            return web.Response(status=405, text="POST /__replica__/publish?new=N&edit=M\n")
        if self.opts.workers > 1:
            return web.Response(status=409, text="publishing needs a replica with --workers 1\n")
        try:
            new = int(request.query.get("new", "0"))
            edit = int(request.query.get("edit", "0"))
            if new < 0 or edit < 0:
                raise ValueError
        except ValueError:
            raise web.HTTPBadRequest(text="new and edit must be non-negative integers\n") from None
        return web.json_response(await self.publish(new, edit))

    def _set_latency(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return web.Response(status=405, text="POST /__replica__/latency?seconds=S\n")
        try:
            seconds = float(request.query.get("seconds", ""))
            if not 0 <= seconds < 3600:
                raise ValueError
        except ValueError:
            raise web.HTTPBadRequest(text="seconds must be a number from 0 to 3600\n") from None
        self.opts.latency = seconds
        return web.json_response({"latency": seconds})

    def _kind_of(self, path: str) -> str:
        """What a path asks for, for the counts of ``/__replica__/stats``: feed, sitemap,
        robots, api, listing, article or other."""
        if path == "/rss.xml":
            return "feed"
        if path.startswith("/sitemaps/"):
            return "sitemap"
        if path == "/robots.txt":
            return "robots"
        if path == "/api/listing":
            return "api"
        stripped = path.rstrip("/") or "/"
        if stripped in self.site.listings:
            return "listing"
        if self.site.lookup(stripped) is not None:
            return "article"
        return "other"
