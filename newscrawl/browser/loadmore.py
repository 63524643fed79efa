"""Listings whose older items only arrive through a "Load more" button.

The crawler renders one such listing in Chromium, clicks "Load more" (twice when it can), and
records the JSON requests the page makes and their answers. From them :func:`learn_endpoint` works
out, without knowing the site's API in advance:

- which query parameter pages (the one that moves between clicks: ``page=2`` → ``page=3``, or an
  offset), its first value and its step;
- which parameter names the listing (its value is the listing's path, last segment or URL), so the
  same endpoint serves every other listing;
- where the answer keeps its items (the list of objects holding a URL) and which keys hold each
  item's URL, title and date, and how it says there is more (a next-page number or a boolean).

The endpoint is then followed with plain requests for this and every other JS listing. When the
pattern cannot be learned (no JSON request, a cursor, a POST body) the listing is rendered in the
browser with "Load more" clicked until it disappears: slower, but nothing is lost.

Everything here but the two page methods is pure and runs without a browser.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Response as PlaywrightResponse
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from newscrawl.browser.handler import TIMEOUT_META
from newscrawl.discovery.meta import (
    LINK_KIND,
    LISTING_CARDS,
    LISTING_PAGE,
    LOAD_MORE,
    MORE_CARDS,
    MORE_NEXT,
    PREVIOUS_CARDS,
)
from newscrawl.pages.listing import DiscoveredLink, parse_when

logger = logging.getLogger(__name__)

#: "Load more" controls, most specific first; the text match comes last.
LOAD_MORE_SELECTORS: tuple[str, ...] = (
    "button.load-more",
    "[data-load-more]",
    "a.load-more",
    "button:has-text('Load more')",
    "button:has-text('المزيد')",
    "button:has-text('Ver más')",
    "button:has-text('Cargar más')",
)
#: Names a paging parameter usually has, used only to break ties when one click was recorded.
PAGE_PARAM_NAMES: tuple[str, ...] = ("page", "p", "pg", "offset", "start", "skip", "from")
#: Keys an item's fields usually have, used only to break ties between candidate keys.
TITLE_KEYS: tuple[str, ...] = ("title", "headline", "name", "text")
DATE_KEYS: tuple[str, ...] = ("date", "datetime", "published", "published_at", "time", "pubDate")
MORE_KEYS: tuple[str, ...] = ("has_more", "hasMore", "more", "has_next", "hasNext")
XHR_TYPES: frozenset[str] = frozenset({"xhr", "fetch"})


@dataclass(frozen=True)
class RecordedCall:
    """One JSON request the page made after a click, and its parsed answer."""

    url: str
    method: str
    status: int
    payload: Any

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordedCall:
        return cls(data["url"], data.get("method", "GET"), data.get("status", 200), data["payload"])


@dataclass(frozen=True)
class ApiPage:
    """One answer of the endpoint, read: its cards and the page value to ask for next."""

    cards: list[DiscoveredLink]
    next_page: int | None


@dataclass(frozen=True)
class JsonEndpoint:
    """The learned JSON request behind "Load more", able to page any listing."""

    #: scheme://host/path of the endpoint, as the page requested it.
    base: str
    #: The query as recorded, in order; the page and listing parameters are replaced per request.
    query: tuple[tuple[str, str], ...]
    page_param: str
    #: Value the page parameter had on the first click, and its step between clicks.
    first_page: int
    step: int
    #: Parameter naming the listing, and how (see ``LISTING_FORMS``); None: this listing only.
    listing_param: str | None
    listing_form: str | None
    #: The listing the endpoint was learned on (the only one it serves without listing_param).
    learned_on: str
    items_path: tuple[str, ...]
    url_key: str
    title_key: str | None = None
    date_key: str | None = None
    next_key: str | None = None
    more_key: str | None = None

    def serves(self, listing_url: str) -> bool:
        return self.listing_param is not None or _same_listing(listing_url, self.learned_on)

    def url_for(self, listing_url: str, page: int) -> str:
        """The endpoint URL answering page ``page`` (a page-parameter value) of a listing."""
        query = []
        for name, value in self.query:
            if name == self.page_param:
                value = str(page)
            elif name == self.listing_param and self.listing_form is not None:
                value = LISTING_FORMS[self.listing_form](listing_url)
            query.append((name, value))
        parts = urlsplit(self.base)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    def read(self, payload: Any, page: int, base_url: str) -> ApiPage:
        """Cards and next page value of one answer to the request for page ``page``."""
        items = _at(payload, self.items_path)
        cards: list[DiscoveredLink] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get(self.url_key), str):
                continue
            title = item.get(self.title_key) if self.title_key else None
            date = item.get(self.date_key) if self.date_key else None
            cards.append(
                DiscoveredLink(
                    urljoin(base_url, item[self.url_key]),
                    parse_when(date if isinstance(date, str) else None),
                    title if isinstance(title, str) else None,
                )
            )
        if not cards:
            return ApiPage(cards, None)
        if self.next_key is not None and isinstance(payload, dict):
            value = payload.get(self.next_key)
            nxt = _as_int(value)
            return ApiPage(cards, nxt)
        if self.more_key is not None and isinstance(payload, dict):
            return ApiPage(cards, page + self.step if payload.get(self.more_key) else None)
        return ApiPage(cards, page + self.step)


def _path(url: str) -> str:
    return unquote(urlsplit(url).path) or "/"


LISTING_FORMS: dict[str, Any] = {
    "path": lambda url: _path(url),
    "bare_path": lambda url: _path(url).strip("/"),
    "last_segment": lambda url: _path(url).rstrip("/").rsplit("/", 1)[-1],
    "url": lambda url: urlunsplit(urlsplit(url)._replace(query="", fragment="")),
}


def _same_listing(a: str, b: str) -> bool:
    return _path(a).rstrip("/") == _path(b).rstrip("/")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _at(payload: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload


def _lists(payload: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], list[Any]]]:
    """Every list of objects inside ``payload``, with the keys leading to it."""
    if isinstance(payload, list):
        if payload and all(isinstance(x, dict) for x in payload):
            yield path, payload
    elif isinstance(payload, dict):
        for key, value in payload.items():
            yield from _lists(value, (*path, str(key)))


def _looks_like_link(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith("/") or value.startswith("http"))


def _pick(keys: list[str], preferred: Sequence[str]) -> str | None:
    for name in preferred:
        if name in keys:
            return name
    return keys[0] if keys else None


def _learn_items(payload: Any) -> tuple[tuple[str, ...], str, str | None, str | None] | None:
    """Where the items are and which keys hold URL, title and date."""
    best: tuple[tuple[str, ...], list[Any]] | None = None
    for path, items in _lists(payload):
        if all(any(_looks_like_link(v) for v in item.values()) for item in items) and (
            best is None or len(items) > len(best[1])
        ):
            best = (path, items)
    if best is None:
        return None
    path, items = best
    first = items[0]
    url_keys = [
        k
        for k, v in first.items()
        if _looks_like_link(v) and all(_looks_like_link(i.get(k)) for i in items)
    ]
    # Prefer the key whose values are pages of the site (root-relative or on the same host).
    url_key = _pick(url_keys, ("url", "link", "href", "path", "permalink"))
    if url_key is None:
        return None
    text_keys = [
        k
        for k, v in first.items()
        if isinstance(v, str) and k != url_key and not _looks_like_link(v)
    ]
    date_keys = [k for k in text_keys if _looks_like_date(first[k])]
    title_keys = [k for k in text_keys if k not in date_keys]
    return path, url_key, _pick(title_keys, TITLE_KEYS), _pick(date_keys, DATE_KEYS)


def _looks_like_date(value: str) -> bool:
    return len(value) >= 10 and value[:4].isdigit() and value[4] == "-" and value[7] == "-"


def _learn_paging(calls: list[RecordedCall]) -> tuple[str, int, int] | None:
    """The page parameter, its first value and its step."""
    first = dict(parse_qsl(urlsplit(calls[0].url).query, keep_blank_values=True))
    numeric = {k: int(v) for k, v in first.items() if v.isdigit()}
    if len(calls) >= 2:
        second = dict(parse_qsl(urlsplit(calls[1].url).query, keep_blank_values=True))
        moved = [
            k for k, v in numeric.items() if second.get(k, "").isdigit() and int(second[k]) > v
        ]
        if len(moved) == 1:
            name = moved[0]
            return name, numeric[name], int(second[name]) - numeric[name]
        return None
    if not numeric:
        return None
    candidates = [k for k in PAGE_PARAM_NAMES if k in numeric] or (
        list(numeric) if len(numeric) == 1 else []
    )
    if not candidates:
        return None
    name = candidates[0]
    value = numeric[name]
    # page=2 on the first click: pages by one. offset=N: pages by the items the first page showed.
    return name, value, 1 if value <= 2 else value


def _learn_listing_param(listing_url: str, query: list[tuple[str, str]]) -> tuple[str, str] | None:
    for name, value in query:
        for form, render in LISTING_FORMS.items():
            rendered = render(listing_url)
            if rendered and value in (rendered, quote(rendered, safe="")):
                return name, form
    return None


def learn_endpoint(listing_url: str, calls: Sequence[RecordedCall]) -> JsonEndpoint | None:
    """The JSON endpoint behind a listing's "Load more", from the calls one or two clicks made."""
    usable = [c for c in calls if c.method.upper() == "GET" and 200 <= c.status < 300]
    if not usable:
        return None
    # Calls to one endpoint only: the first JSON path the click produced.
    path = urlsplit(usable[0].url).path
    usable = [c for c in usable if urlsplit(c.url).path == path]
    paging = _learn_paging(usable)
    items = _learn_items(usable[0].payload)
    if paging is None or items is None:
        return None
    page_param, first_page, step = paging
    items_path, url_key, title_key, date_key = items
    query = parse_qsl(urlsplit(usable[0].url).query, keep_blank_values=True)
    listing = _learn_listing_param(listing_url, [(k, v) for k, v in query if k != page_param])
    next_key = more_key = None
    payload = usable[0].payload
    if isinstance(payload, dict):
        for key, value in payload.items():
            if _as_int(value) == first_page + step and key != page_param:
                next_key = key
                break
        if next_key is None:
            next_key = next((k for k in ("next_page", "nextPage", "next") if k in payload), None)
        if next_key is None:
            more_key = next((k for k in MORE_KEYS if isinstance(payload.get(k), bool)), None)
    parts = urlsplit(usable[0].url)
    return JsonEndpoint(
        base=urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
        query=tuple(query),
        page_param=page_param,
        first_page=first_page,
        step=step,
        listing_param=listing[0] if listing else None,
        listing_form=listing[1] if listing else None,
        learned_on=listing_url,
        items_path=items_path,
        url_key=url_key,
        title_key=title_key,
        date_key=date_key,
        next_key=next_key,
        more_key=more_key,
    )


def read_json(body: bytes) -> Any:
    """The endpoint's answer, or None when it is not JSON."""
    try:
        return json.loads(body)
    except ValueError:
        return None


# -- in the browser -------------------------------------------------------------------------


async def _load_more_button(page: Page) -> Any:
    for selector in LOAD_MORE_SELECTORS:
        locator = page.locator(selector)
        try:
            if await locator.count() and await locator.first.is_visible():
                return locator.first
        except PlaywrightError:
            continue
    return None


async def record_load_more(
    page: Page, clicks: int = 2, timeout_ms: float = 15000
) -> list[dict[str, Any]]:
    """Page method: click "Load more" up to ``clicks`` times, recording the JSON each fetched."""
    calls: list[dict[str, Any]] = []
    for _ in range(clicks):
        button = await _load_more_button(page)
        if button is None:
            break
        try:
            async with page.expect_response(
                lambda r: r.request.resource_type in XHR_TYPES, timeout=timeout_ms
            ) as answer:
                await button.click(timeout=timeout_ms)
            response: PlaywrightResponse = await answer.value
            payload = await response.json()
        except (PlaywrightError, ValueError) as error:
            logger.info("Load more on %s made no JSON request: %s", page.url, error)
            break
        calls.append(
            {
                "url": response.url,
                "method": response.request.method,
                "status": response.status,
                "payload": payload,
            }
        )
        await page.wait_for_load_state()
    return calls


async def click_until_done(page: Page, max_clicks: int = 200, timeout_ms: float = 15000) -> int:
    """Page method (fallback): click "Load more" until it goes away; the number of clicks."""
    for done in range(max_clicks):
        button = await _load_more_button(page)
        if button is None:
            return done
        cards_before = await page.locator("a[href]").count()
        try:
            await button.click(timeout=timeout_ms)
            await page.wait_for_function(
                f"() => document.querySelectorAll('a[href]').length > {cards_before}",
                timeout=timeout_ms,
            )
        except PlaywrightError:
            return done + 1
    return max_clicks


@dataclass
class LoadMoreState:
    """What one crawl knows about its JS listings (kept by the spider)."""

    #: The general endpoint (serves every listing), once learned.
    endpoint: JsonEndpoint | None = None
    #: Endpoints that only serve the listing they were learned on.
    own_endpoints: dict[str, JsonEndpoint] = field(default_factory=dict)
    #: Listings waiting while the first one is learned.
    waiting: list[str] = field(default_factory=list)
    learning: bool = False
    #: Learning renders that failed (an error or a timeout, not an unlearnable pattern).
    failures: int = 0
    #: No pattern to learn, or learning failed too often: listings are rendered with "Load more"
    #: clicked to the end.
    render_all: bool = False

    def endpoint_for(self, listing_url: str) -> JsonEndpoint | None:
        if self.endpoint is not None and self.endpoint.serves(listing_url):
            return self.endpoint
        return self.own_endpoints.get(_path(listing_url).rstrip("/"))

    def learning_failed(self, max_failures: int) -> None:
        """The learning render failed; the next listing tries again, up to ``max_failures``."""
        self.learning = False
        self.failures += 1
        self.render_all = self.failures >= max_failures

    def learned(self, endpoint: JsonEndpoint | None) -> None:
        self.learning = False
        if endpoint is None:
            self.render_all = True
        elif endpoint.listing_param is not None:
            self.endpoint = endpoint
        else:
            self.own_endpoints[_path(endpoint.learned_on).rstrip("/")] = endpoint


# -- requests -------------------------------------------------------------------------------

#: Request meta keys.
LISTING_META = "js_listing"
PAGE_VALUE_META = "js_listing_page_value"


class JsListings:
    """Builds the requests that bring a JS listing's older items, learning the endpoint once.

    The spider owns one and hands it its callbacks: ``on_api`` reads endpoint answers (with
    :meth:`read`), ``on_learned`` receives the learning render (and calls :meth:`learned`),
    ``on_learn_failed`` is its errback (and calls :meth:`failed`), ``on_rendered`` receives a
    listing rendered to the end in the browser (fallback), which it parses like any listing page.
    All are spider methods, so the requests survive a JOBDIR's disk queue.
    """

    def __init__(
        self,
        *,
        on_api: Any,
        on_learned: Any,
        on_rendered: Any,
        on_learn_failed: Any,
        errback: Any = None,
        priority: int = 0,
        max_clicks: int = 200,
        timeout_ms: float = 15000,
        max_learn_failures: int = 3,
    ) -> None:
        self.state = LoadMoreState()
        self.on_api, self.on_learned, self.on_rendered = on_api, on_learned, on_rendered
        self.on_learn_failed = on_learn_failed
        self.errback = errback
        self.priority = priority
        self.max_clicks = max_clicks
        self.timeout_ms = timeout_ms
        self.max_learn_failures = max_learn_failures

    def requests_for(self, listing_url: str, **meta: Any) -> list[Request]:
        """What to fetch after the first (HTML) page of a JS listing; [] while learning."""
        endpoint = self.state.endpoint_for(listing_url)
        if endpoint is not None:
            return [self._api_request(endpoint, listing_url, endpoint.first_page, meta)]
        if self.state.render_all:
            # Clicking to the end takes a while: a second per click is plenty, plus a minute.
            meta = {**meta, TIMEOUT_META: 60 + self.max_clicks}
            return [
                self._browser_request(
                    listing_url,
                    self.on_rendered,
                    meta,
                    PageMethod(click_until_done, self.max_clicks, self.timeout_ms),
                )
            ]
        if self.state.learning:
            self.state.waiting.append(listing_url)
            return []
        self.state.learning = True
        return [
            self._browser_request(
                listing_url, self.on_learned, meta, PageMethod(record_load_more, 2, self.timeout_ms)
            )
        ]

    def learned(self, response: Response) -> list[Request]:
        """In ``on_learned``: learn from the render, then the requests of every waiting listing."""
        listing_url = response.meta[LISTING_META]
        methods = response.meta.get("playwright_page_methods") or []
        recorded = methods[0].result if methods and methods[0].result else []
        calls = [RecordedCall.from_dict(c) for c in recorded]
        endpoint = learn_endpoint(listing_url, calls)
        if endpoint is None:
            logger.warning(
                "Could not learn the Load more request on %s (%d JSON calls seen); "
                "JS listings will be rendered in the browser",
                listing_url,
                len(calls),
            )
        else:
            logger.info(
                "Load more on %s pages %s?%s=N (every listing: %s)",
                listing_url,
                endpoint.base,
                endpoint.page_param,
                endpoint.listing_param is not None,
            )
        self.state.learned(endpoint)
        return self._release(listing_url, response.meta)

    def failed(self, failure: Any) -> list[Request]:
        """In the learning request's errback: learn on another render, or after a few failures
        render every listing to the end; a listing is never lost."""
        request = failure.request
        logger.error("Learning Load more on %s failed: %r", request.url, failure.value)
        self.state.learning_failed(self.max_learn_failures)
        return self._release(request.meta[LISTING_META], request.meta)

    def _release(self, listing_url: str, meta: Any) -> list[Request]:
        waiting, self.state.waiting = [listing_url, *self.state.waiting], []
        keep = {k: v for k, v in meta.items() if k in self._own_meta}
        requests: list[Request] = []
        for url in waiting:
            requests.extend(self.requests_for(url, **keep))
        return requests

    def read(self, response: Response) -> tuple[ApiPage, Request | None]:
        """In ``on_api``: the answer's cards, and the request for the next page (if any)."""
        listing_url = response.meta[LISTING_META]
        page_value = response.meta[PAGE_VALUE_META]
        endpoint = self.state.endpoint_for(listing_url)
        payload = read_json(response.body)
        if endpoint is None or payload is None:
            logger.error("Not a Load more answer: %s", response.url)
            return ApiPage([], None), None
        page = endpoint.read(payload, page_value, response.url)
        if page.next_page is None:
            return page, None
        meta = {k: v for k, v in response.meta.items() if k in self._own_meta}
        return page, self._api_request(endpoint, listing_url, page.next_page, meta)

    #: Caller meta carried from request to request (the spider's own keys pass through).
    _own_meta: frozenset[str] = frozenset(
        {LISTING_PAGE, PREVIOUS_CARDS, LISTING_CARDS, LINK_KIND, LOAD_MORE}
    )

    def _api_request(
        self, endpoint: JsonEndpoint, listing_url: str, value: int, meta: dict[str, Any]
    ) -> Request:
        return Request(
            endpoint.url_for(listing_url, value),
            callback=self.on_api,
            errback=self.errback,
            priority=self.priority,
            meta={**meta, LISTING_META: listing_url, PAGE_VALUE_META: value},
        )

    def _browser_request(
        self, listing_url: str, callback: Any, meta: dict[str, Any], method: PageMethod
    ) -> Request:
        return Request(
            listing_url,
            callback=callback,
            errback=self.on_learn_failed if callback == self.on_learned else self.errback,
            priority=self.priority,
            dont_filter=True,
            meta={
                **meta,
                LISTING_META: listing_url,
                "playwright": True,
                "playwright_page_methods": [method],
            },
        )


class LoadMoreMiddleware:
    """Spider middleware: a "Load more" listing goes on through :class:`JsListings`.

    The spider asks for the rest of a "Load more" listing with a request for the listing's URL
    marked ``meta[LOAD_MORE]`` (its callback reads the answers, its errback counts failures);
    the date window and incremental middlewares judge it like any next page first. This
    middleware turns it into the JSON request behind the button once learned (or the learning
    render, or a render with "Load more" clicked to the end), and reads each JSON answer into
    the meta before the callback sees it: its cards (``MORE_CARDS``) and the request for the
    next answer (``MORE_NEXT``). The learning render is handled here, not by the spider.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.listings: JsListings | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _listings_for(self, request: Request) -> JsListings:
        if self.listings is None:
            self.listings = JsListings(
                on_api=request.callback,
                on_learned=self.learned,
                on_rendered=request.callback,
                on_learn_failed=self.learn_failed,
                errback=request.errback,
                priority=request.priority,
            )
        return self.listings

    def learned(self, response: Response) -> list[Request]:
        """The listing rendered once to learn its "Load more" request."""
        assert self.listings is not None
        return self.listings.learned(response)

    def learn_failed(self, failure: Any) -> list[Request]:
        """The learning render failed: learn on another render, or render every listing."""
        assert self.listings is not None
        return self.listings.failed(failure)

    def process_spider_input(self, response: Response) -> None:
        if PAGE_VALUE_META not in response.meta:
            return
        if self.listings is None:
            logger.error("Not a Load more answer of this crawl: %s", response.url)
            page, follow = ApiPage([], None), None
        else:
            page, follow = self.listings.read(response)
        response.meta[MORE_CARDS] = page.cards
        response.meta[MORE_NEXT] = follow

    def _route(self, entry: Any) -> list[Any]:
        if (
            isinstance(entry, Request)
            and entry.meta.get(LOAD_MORE)
            and LISTING_META not in entry.meta
        ):
            listings = self._listings_for(entry)
            meta = {k: v for k, v in entry.meta.items() if k in listings._own_meta}
            return listings.requests_for(entry.url, **meta)
        return [entry]

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for entry in result:
            yield from self._route(entry)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            for routed in self._route(entry):
                yield routed
