"""The shared scorer fails on crawls a user would call wrong: a real crawl of a small replica,
then deliberately broken copies of it (extra records, a field wrong on a few percent of
articles, a reject, an article emitted again as version 2, a crawl field wrong, a value of
another JSON type)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.score import assert_crawl_matches_truth, assert_matches_truth, score

Truth = list[dict[str, Any]]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlResult, Truth]]:
    with ReplicaServer(articles=200, seed=12) as replica:
        result = run_crawl(replica.base_url, tmp_path_factory.mktemp("scorer"))
        yield result, replica.truth()


def test_the_real_crawl_matches(crawled: tuple[CrawlResult, Truth]) -> None:
    result, truth = crawled
    s = assert_crawl_matches_truth(result, truth)
    assert s.found == s.expected == len(result.records) == 200
    assert result.warnings == []  # a healthy run gives the user nothing to act on


def test_extra_records_fail(crawled: tuple[CrawlResult, Truth]) -> None:
    """Asked for news/politics, the crawl returned all of /news/*."""
    result, truth = crawled

    def politics(line: dict[str, Any]) -> bool:
        return urlsplit(line["record"]["url"]).path.startswith("/news/politics/")

    news = [r for r in result.records if urlsplit(r["url"]).path.startswith("/news/")]
    assert_matches_truth([r for r in news if politics({"record": r})], truth, politics)
    s = score(news, truth, politics)
    assert s.missing == [] and len(s.extra) > 0
    with pytest.raises(AssertionError, match="extra"):
        assert_matches_truth(news, truth, politics)


def test_one_field_wrong_on_a_few_percent_of_articles_fails(
    crawled: tuple[CrawlResult, Truth],
) -> None:
    result, truth = crawled
    broken = copy.deepcopy(result.records)
    with_region = [r for r in broken if r["region"]][::25]  # 4% of them
    for record in with_region:
        record["region"] = "Asia" if record["region"] != "Asia" else "Europe"
    s = score(broken, truth)
    assert s.per_field() == {"region": (len(with_region), 0)}  # wrong, not missing
    with pytest.raises(AssertionError, match="region"):
        assert_matches_truth(broken, truth)


def test_galleries_losing_images_and_articles_losing_related_fail(
    crawled: tuple[CrawlResult, Truth],
) -> None:
    result, truth = crawled
    broken = copy.deepcopy(result.records)
    galleries = [r for r in broken if r["content_type"] == "gallery" and len(r["images"]) > 1]
    for record in galleries:
        record["images"] = record["images"][:1]
    linking = [r for r in broken if r["related"]][:3]
    for record in linking:
        record["related"] = []
    assert galleries and linking
    s = score(broken, truth)
    # Fewer images is a wrong value; no related links at all is a missing one.
    assert s.per_field() == {"images": (len(galleries), 0), "related": (0, len(linking))}
    with pytest.raises(AssertionError):
        assert_matches_truth(broken, truth)


def test_one_reject_fails(crawled: tuple[CrawlResult, Truth]) -> None:
    """None of the replica's records should fail validation: a reject is a crawler bug, even
    when the expected articles are all there."""
    result, truth = crawled
    reject = {"reason": "schema: 'title' is None", "record": result.records[0]}
    with pytest.raises(AssertionError, match="rejected"):
        assert_matches_truth(result.records, truth, rejects=[reject])
    with pytest.raises(AssertionError):
        assert_matches_truth(result.records[1:], truth, rejects=[reject])


def test_an_article_emitted_again_as_version_2_fails(crawled: tuple[CrawlResult, Truth]) -> None:
    result, truth = crawled
    again = {**result.records[5], "version": 2}
    s = score([*result.records, again], truth)
    assert s.duplicates == [again["url"]]
    with pytest.raises(AssertionError, match="more than once"):
        assert_matches_truth([*result.records, again], truth)


def test_the_crawl_emitting_nothing_fails(crawled: tuple[CrawlResult, Truth]) -> None:
    _, truth = crawled
    with pytest.raises(AssertionError, match="missing"):
        assert_matches_truth([], truth)


def test_a_crawl_field_wrong_fails(crawled: tuple[CrawlResult, Truth]) -> None:
    """``version``, ``fetched_url`` and ``alternate_urls`` are scored like the other fields."""
    result, truth = crawled
    record = result.records[7]
    url, post_id = record["url"], record["post_id"]
    production = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    other = result.records[8]["url"]
    port = urlsplit(result.base_url).port
    breakages: dict[str, Any] = {
        "version": [2, 0],
        "fetched_url": [url, f"http://127.0.0.1:{port + 1}{urlsplit(url).path}"],
        "alternate_urls": [[url], [other], [f"{production}/article/{int(post_id) + 1}"]],
    }
    for name, values in breakages.items():
        for value in values:
            broken = copy.deepcopy(result.records)
            broken[7][name] = value
            s = score(broken, truth, base_url=result.base_url)
            assert s.per_field() == {name: (1, 0)}, (name, value, s.per_field())
            with pytest.raises(AssertionError, match=name):
                assert_matches_truth(broken, truth, base_url=result.base_url)
    # The other addresses of the article are fine, sorted and each once.
    fine = copy.deepcopy(result.records)
    fine[7]["alternate_urls"] = [f"{production}/article/{post_id}", f"{url}/"]
    assert score(fine, truth, base_url=result.base_url).exact
    fine[7]["alternate_urls"] = fine[7]["alternate_urls"][::-1]
    assert score(fine, truth, base_url=result.base_url).per_field() == {"alternate_urls": (1, 0)}


def test_an_edited_article_is_expected_at_the_version_given(
    crawled: tuple[CrawlResult, Truth],
) -> None:
    result, truth = crawled
    url = result.records[3]["url"]
    assert not score(result.records, truth, versions={url: 2}).exact
    edited = copy.deepcopy(result.records)
    edited[3]["version"] = 2
    assert score(edited, truth, versions={url: 2}, base_url=result.base_url).exact


@pytest.mark.parametrize(
    ("name", "retype"),
    [
        ("version", lambda v: True),
        ("version", float),
        ("schema_version", lambda v: True),
        ("word_count", float),
        ("shares", float),
    ],
)
def test_a_value_of_another_type_is_not_equal(
    crawled: tuple[CrawlResult, Truth], name: str, retype: Any
) -> None:
    """JSON tells ``true`` from ``1`` and ``1.0`` from ``1``: so does the scorer."""
    result, truth = crawled
    broken = copy.deepcopy(result.records)
    record = next(r for r in broken if r[name])
    record[name] = retype(record[name])
    assert record[name] == retype(record[name])
    s = score(broken, truth)
    assert s.per_field() == {name: (1, 0)}, s.per_field()
