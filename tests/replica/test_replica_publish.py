"""POST /__replica__/publish: new articles on top, edits in place, truth rewritten."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
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
        # Everything but the wall-clock moment each version went live.
        assert [without_time(line) for line in twin.truth()] == [
            without_time(line) for line in live.truth()
        ]


def without_time(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key != "published_at"}


def test_truth_records_when_each_version_went_live(live: ReplicaServer) -> None:
    started = datetime.now(UTC)
    result = live.publish(new=2, edit=1)
    result2 = live.publish(new=0, edit=0)
    assert result2 == {"new": [], "edited": []}
    lines = by_url(live.truth())
    for url in result["new"] + result["edited"]:
        when = datetime.fromisoformat(lines[url]["published_at"])
        assert started - timedelta(seconds=1) <= when <= datetime.now(UTC)
    assert [lines[u]["edits"] for u in result["new"]] == [0, 0]
    assert [lines[u]["edits"] for u in result["edited"]] == [1]
    untouched = set(lines) - set(result["new"]) - set(result["edited"])
    assert all(lines[u]["published_at"] is None and lines[u]["edits"] == 0 for u in untouched)


@pytest.mark.parametrize("path", ["/", "/rss.xml", "/sitemaps/all.xml"])
def test_listings_feed_and_sitemaps_answer_conditional_requests(
    live: ReplicaServer, path: str
) -> None:
    first = live.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status == 200 and etag and modified
    assert live.get(path, headers={"If-None-Match": etag}).status == 304
    assert live.get(path, headers={"If-Modified-Since": modified}).status == 304
    # If-None-Match wins over If-Modified-Since (RFC 9110): another tag is a full answer.
    other = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert live.get(path, headers=other).status == 200
    live.publish(new=1, edit=1)  # the edit moves a month's lastmod in the index
    changed = live.get(path, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status == 200 and changed.body != first.body
    assert changed.headers["ETag"] != etag
    assert parsedate_to_datetime(changed.headers["Last-Modified"]) > parsedate_to_datetime(modified)
    assert live.get(path, headers={"If-Modified-Since": modified}).status == 200


def test_sitemap_month_changes_with_an_edit(live: ReplicaServer) -> None:
    lines = live.truth()
    edited = None
    first = {}
    for line in lines:
        first.setdefault(line["sitemap"], live.get(line["sitemap"]).headers["ETag"])
    result = live.publish(new=0, edit=1)
    edited = by_url(live.truth())[result["edited"][0]]["sitemap"]
    for sitemap, etag in first.items():
        status = live.get(sitemap, headers={"If-None-Match": etag}).status
        assert status == (200 if sitemap == edited else 304), sitemap
    served = json.loads(live.get("/__replica__/stats").body)["served"]
    assert served["sitemap"]["304"] == len(first) - 1


def test_publishing_on_a_schedule() -> None:
    args = ["--publish-every", "0.5", "--publish-new", "2", "--publish-edit", "1"]
    with ReplicaServer(articles=60, seed=5, extra_args=args) as replica:
        deadline = time.monotonic() + 60
        while True:
            lines = replica.truth()
            live_lines = [line for line in lines if line["published_at"]]
            if len(lines) >= 64 and any(line["edits"] for line in live_lines):
                break
            assert time.monotonic() < deadline, "the replica published nothing on its schedule"
            time.sleep(0.1)


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


def test_a_listing_changes_only_when_its_own_cards_do(live: ReplicaServer) -> None:
    sections = ["/news/politics", "/news/economy", "/articles/opinion", "/videos", "/news"]
    tags = {path: live.get(path).headers["ETag"] for path in sections}
    new = live.publish(new=1)["new"][0]
    shows_it = set(by_url(live.truth())[new]["listings"])
    for path, etag in tags.items():
        status = live.get(path, headers={"If-None-Match": etag}).status
        assert status == (200 if path in shows_it else 304), path
    assert any(path not in shows_it for path in sections)
