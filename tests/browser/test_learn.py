"""Learning the JSON request behind "Load more" from recorded calls: pure, no browser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from newscrawl.browser.loadmore import (
    JsListings,
    JsonEndpoint,
    LoadMoreState,
    RecordedCall,
    learn_endpoint,
)

BASE = "http://127.0.0.1:8080"


def call(url: str, payload: Any, method: str = "GET", status: int = 200) -> RecordedCall:
    return RecordedCall(BASE + url, method, status, payload)


def replica_answer(page: int, next_page: int | None) -> dict[str, Any]:
    return {
        "items": [
            {"url": f"/news/politics/story-{page}-{i}", "title": f"Story {page}.{i}",
             "section": "Politics", "date": "2024-01-15T09:24:00Z"}
            for i in range(3)
        ],
        "next_page": next_page,
    }  # fmt: skip


def test_replica_shape_two_clicks() -> None:
    endpoint = learn_endpoint(
        BASE + "/news/politics",
        [
            call("/api/listing?path=%2Fnews%2Fpolitics&page=2", replica_answer(2, 3)),
            call("/api/listing?path=%2Fnews%2Fpolitics&page=3", replica_answer(3, 4)),
        ],
    )
    assert endpoint is not None
    assert (endpoint.page_param, endpoint.first_page, endpoint.step) == ("page", 2, 1)
    assert (endpoint.listing_param, endpoint.listing_form) == ("path", "path")
    assert (endpoint.items_path, endpoint.url_key) == (("items",), "url")
    assert (endpoint.title_key, endpoint.date_key, endpoint.next_key) == (
        "title",
        "date",
        "next_page",
    )
    # The same endpoint pages another listing.
    assert endpoint.serves(BASE + "/tags/Drone%20sale")
    assert endpoint.url_for(BASE + "/tags/Drone%20sale", 2) == (
        BASE + "/api/listing?path=%2Ftags%2FDrone+sale&page=2"
    )
    page = endpoint.read(replica_answer(2, 3), 2, BASE + "/api/listing")
    assert [c.url for c in page.cards][:1] == [BASE + "/news/politics/story-2-0"]
    assert page.cards[0].title == "Story 2.0"
    assert page.cards[0].when == datetime(2024, 1, 15, 9, 24, tzinfo=UTC)
    assert page.next_page == 3
    assert endpoint.read(replica_answer(9, None), 9, BASE).next_page is None


def test_nested_items_boolean_more_and_last_segment() -> None:
    def answer(n: int, more: bool) -> dict[str, Any]:
        entries = [{"link": f"/story/alpha-{n}{i}", "headline": "H", "published": "2026-01-01"}
                   for i in range(5)]  # fmt: skip
        return {"data": {"entries": entries, "count": 5}, "has_more": more}

    endpoint = learn_endpoint(
        BASE + "/list/alpha",
        [
            call("/api/feed?topic=alpha&p=2&size=5", answer(2, True)),
            call("/api/feed?topic=alpha&p=3&size=5", answer(3, True)),
        ],
    )
    assert endpoint is not None
    assert (endpoint.page_param, endpoint.listing_param, endpoint.listing_form) == (
        "p", "topic", "last_segment")  # fmt: skip
    assert endpoint.items_path == ("data", "entries")
    assert (endpoint.url_key, endpoint.title_key, endpoint.date_key) == ("link", "headline",
                                                                         "published")  # fmt: skip
    assert endpoint.more_key == "has_more"
    assert endpoint.url_for(BASE + "/list/beta", 2) == BASE + "/api/feed?topic=beta&p=2&size=5"
    assert endpoint.read(answer(3, True), 3, BASE).next_page == 4
    assert endpoint.read(answer(4, False), 4, BASE).next_page is None


def test_offset_paging() -> None:
    items = {"results": [{"href": "/a/1", "name": "x"}]}
    endpoint = learn_endpoint(
        BASE + "/news",
        [call("/json/more?offset=20&section=news", items),
         call("/json/more?offset=40&section=news", items)],
    )  # fmt: skip
    assert endpoint is not None
    assert (endpoint.page_param, endpoint.first_page, endpoint.step) == ("offset", 20, 20)
    assert endpoint.read(items, 20, BASE).next_page == 40
    assert endpoint.read({"results": []}, 60, BASE).next_page is None


def test_one_click_is_enough_when_the_parameter_is_named_like_a_page() -> None:
    endpoint = learn_endpoint(
        BASE + "/news/politics",
        [call("/api/listing?path=/news/politics&page=2&size=20", replica_answer(2, None))],
    )
    assert endpoint is not None
    assert (endpoint.page_param, endpoint.first_page, endpoint.step) == ("page", 2, 1)


def test_listing_not_in_the_query_serves_only_its_own_listing() -> None:
    endpoint = learn_endpoint(
        BASE + "/news/politics",
        [call("/api/x?id=77&page=2", replica_answer(2, 3)),
         call("/api/x?id=77&page=3", replica_answer(3, 4))],
    )  # fmt: skip
    assert isinstance(endpoint, JsonEndpoint)
    assert endpoint.listing_param is None
    assert endpoint.serves(BASE + "/news/politics/")
    assert not endpoint.serves(BASE + "/news/economy")


@pytest.mark.parametrize(
    "calls",
    [
        [],
        # An opaque cursor: nothing to extrapolate.
        [call("/api/feed?after=ab12", replica_answer(2, 3)),
         call("/api/feed?after=cd34", replica_answer(3, 4))],
        # A POST body carries the page.
        [call("/api/feed", replica_answer(2, 3), method="POST")],
        # The answer holds no links.
        [call("/api/feed?page=2", {"items": [{"title": "x"}]}),
         call("/api/feed?page=3", {"items": [{"title": "y"}]})],
        # A failed request.
        [call("/api/feed?page=2", None, status=500)],
    ],
)  # fmt: skip
def test_unlearnable(calls: list[RecordedCall]) -> None:
    assert learn_endpoint(BASE + "/news/politics", calls) is None


def test_failed_learning_renders_are_retried_then_every_listing_rendered() -> None:
    state = LoadMoreState(learning=True)
    state.learning_failed(max_failures=3)
    state.learning_failed(max_failures=3)
    assert (state.learning, state.render_all) == (False, False)
    state.learning_failed(max_failures=3)
    assert state.render_all
    # An unlearnable pattern is final at once.
    state = LoadMoreState(learning=True)
    state.learned(None)
    assert state.render_all


class Callbacks:
    """Stand-ins for the spider methods JsListings routes to (only their identity matters)."""

    def api(self, response: Any) -> None: ...
    def learned(self, response: Any) -> None: ...
    def rendered(self, response: Any) -> None: ...
    def learn_failed(self, failure: Any) -> None: ...


def test_js_listings_learn_once_and_release_the_waiting_listings() -> None:
    from scrapy.http import HtmlResponse

    spider = Callbacks()
    js = JsListings(
        on_api=spider.api,
        on_learned=spider.learned,
        on_rendered=spider.rendered,
        on_learn_failed=spider.learn_failed,
    )
    [learn] = js.requests_for(BASE + "/news/politics", listing_page=2)
    assert learn.meta["playwright"] and learn.callback == spider.learned
    assert learn.errback == spider.learn_failed and learn.dont_filter
    # Listings met while learning wait; nothing is requested for them yet.
    assert js.requests_for(BASE + "/tags/Iran", listing_page=2) == []
    assert js.requests_for(BASE + "/news/economy", listing_page=2) == []

    api = BASE + "/api/listing?path=%2Fnews%2Fpolitics&page="
    learn.meta["playwright_page_methods"][0].result = [
        {"url": api + "2", "payload": replica_answer(2, 3)},
        {"url": api + "3", "payload": replica_answer(3, 4)},
    ]
    released = js.learned(HtmlResponse(learn.url, body=b"<html></html>", request=learn))
    assert [r.url for r in released] == [
        BASE + "/api/listing?path=%2Fnews%2Fpolitics&page=2",
        BASE + "/api/listing?path=%2Ftags%2FIran&page=2",
        BASE + "/api/listing?path=%2Fnews%2Feconomy&page=2",
    ]
    assert all(r.callback == spider.api and not r.meta.get("playwright") for r in released)
    assert {r.meta["listing_page"] for r in released} == {2}

    # Reading an answer gives its cards and the request for the next page, plain again.
    answer = released[1]
    body = json.dumps(replica_answer(2, 3)).encode()
    page, follow = js.read(HtmlResponse(answer.url, body=body, request=answer))
    assert len(page.cards) == 3 and page.next_page == 3
    assert follow is not None and follow.url == BASE + "/api/listing?path=%2Ftags%2FIran&page=3"
    last = HtmlResponse(
        follow.url, body=json.dumps(replica_answer(3, None)).encode(), request=follow
    )
    assert js.read(last)[1] is None
