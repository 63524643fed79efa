"""--listing js: first page plus a Load more button backed by a JSON endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from newscrawl_replica.testing import ReplicaServer


@pytest.fixture(scope="module")
def js_site() -> Iterator[ReplicaServer]:
    with ReplicaServer(listing="js", articles=150) as r:
        yield r


def test_listing_has_button_not_pages(js_site: ReplicaServer) -> None:
    html = js_site.get("/news/politics").text
    assert '<button class="load-more" data-section="/news/politics"' in html
    assert "?page=" not in html
    assert 'fetch(url, {credentials: "same-origin"})' in html


def test_load_more_json_reaches_every_card(js_site: ReplicaServer) -> None:
    truth = js_site.truth()
    expected = [
        line["record"]["url"].removeprefix("https://english.almayadeen.net")
        for line in truth
        if "/news" in line["listings"]
    ]
    seen: list[str] = []
    page: int | None = 1
    while page is not None:
        answer = js_site.get(f"/api/listing?path=/news&page={page}")
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("application/json")
        data = json.loads(answer.body)
        assert 1 <= len(data["items"]) <= 20
        seen += [item["url"] for item in data["items"]]
        page = data["next_page"]
    assert seen == expected


def test_api_rejects_bad_input(js_site: ReplicaServer) -> None:
    assert js_site.get("/api/listing?path=/nope&page=1").status == 404
    assert js_site.get("/api/listing?path=/news&page=0").status == 400
