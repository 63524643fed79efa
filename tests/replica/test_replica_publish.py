"""POST /__replica__/publish: new articles on top, edits in place, truth rewritten."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

import pytest

from newscrawl_replica.site import Site
from newscrawl_replica.testing import ReplicaServer

HOST = "https://english.almayadeen.net"


@pytest.fixture()
def live() -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=120, seed=3) as r:
        yield r


def by_url(truth: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["record"]["url"]: line for line in truth}


def test_publish_new_and_edit(live: ReplicaServer) -> None:
    before = by_url(live.truth())
    result = live.publish(new=3, edit=4)
    assert len(result["new"]) == 3 and len(result["edited"]) == 4
    after = by_url(live.truth())
    assert len(after) == 123
    newest_first = [line["record"]["url"] for line in live.truth()]
    assert newest_first[:3] == result["new"][::-1]

    home = unquote(live.get("/").text)
    for url in result["new"]:
        assert url not in before
        path = url.removeprefix(HOST)
        assert f'href="{path}' in home
        line = after[url]
        assert line["record"]["date_published"] > max(
            v["record"]["date_published"] for v in before.values()
        )
        assert live.get(quote(path)).status == 200
        assert f"<loc>{url}</loc>" in unquote(live.get(line["sitemap"]).text)

    for url in result["edited"]:
        old, new = before[url]["record"], after[url]["record"]
        assert new["url"] == old["url"]
        assert new["date_modified"] > old["date_modified"]
        assert new["fingerprint"] != old["fingerprint"]
        assert (new["title"] != old["title"]) or (new["body"] != old["body"])
        page = live.get(quote(url.removeprefix(HOST))).text
        assert new["date_modified"].replace("Z", "") in page or new["title"] in page

    unchanged = set(before) - set(result["edited"])
    for url in unchanged:
        assert before[url]["record"]["fingerprint"] == after[url]["record"]["fingerprint"]


def test_publish_is_deterministic(live: ReplicaServer) -> None:
    first = [live.publish(2, 1), live.publish(1, 2)]
    with ReplicaServer(articles=120, seed=3) as twin:
        second = [twin.publish(2, 1), twin.publish(1, 2)]
        assert first == second
        assert twin.wait_truth().read_bytes() == live.wait_truth().read_bytes()


def test_publish_rejects_bad_input(live: ReplicaServer) -> None:
    assert live.get("/__replica__/publish?new=1").status == 405
    bad = live.get("/__replica__/publish?new=-1&edit=x", method="POST")
    assert bad.status == 400
    assert len(live.truth()) == 120


@pytest.mark.parametrize(("edition", "seed"), [("en", 11), ("en", 3), ("ar", 11)])
def test_publish_edits_only_articles_that_existed_before_the_call(edition: str, seed: int) -> None:
    # Seed 11 with 300 articles once picked one of the 20 new articles as one of the 5 edits.
    site = Site(edition, 300, seed)
    for _ in range(4):
        before = {site.edition.base_url + m.path for m in site.metas}
        result = site.publish(new=20, edit=5)
        assert len(result["new"]) == 20 and len(result["edited"]) == 5
        assert set(result["edited"]) <= before
        assert before.isdisjoint(result["new"])
