"""End-to-end on markup the extractor was not built for: the replica's ``--markup mutated``.

The same truth as the canonical replica, served in seeded other markup (renamed classes and ids,
other nesting and order, one metadata regime per page, lazy images, sibling captions, inline
links and ads in the body, sidebars with dates and tags). The crawl must find every article, get
at least 99% of field values exact, and hold a wrong value (one that is set and differs from the
truth) in at most 0.1% of them: a missing value is a lesser failure than a wrong one.

Default runs crawl one modest replica per edition; the acceptance size (five seeds, 500 English
and 300 Arabic articles each; three seeds of 300 Spanish ones) is marked ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl
from tests.support.score import assert_valid, score

EXACT_FLOOR = 0.99
WRONG_CEILING = 0.001


def crawl_mutated(edition: str, articles: int, markup_seed: int, out: Path) -> None:
    args = ["--markup", "mutated", "--markup-seed", str(markup_seed)]
    with ReplicaServer(edition=edition, articles=articles, seed=1, extra_args=args) as replica:
        truth = replica.truth()
        # Region and coverage labels link listings the replica does not serve (Arabic regions,
        # coverage files): the crawl reads the pages, it does not follow their listings.
        settings = {"NEWSCRAWL_FOLLOW_ARTICLE_LISTINGS": False}
        result = run_crawl(replica.base_url, out, edition=edition, timeout=1800, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    s = score(result.records, truth)
    wrong = sum(len(v) for v in s.wrong.values())
    absent = sum(len(v) for v in s.absent.values())
    exact = 1 - (wrong + absent) / s.compared
    print(
        f"{edition} seed {markup_seed}: found {s.found}/{s.expected}, exact {exact:.4%}, "
        f"wrong {wrong / s.compared:.4%}, per field (wrong, absent) {s.per_field()}, "
        f"disagreements {result.summary.get('disagreements')}"
    )
    print(s.report(limit=5))
    assert s.expected == articles
    assert s.missing == [] and s.extra == [] and s.duplicates == []
    assert result.rejects == []
    assert_valid(result.records)
    assert exact >= EXACT_FLOOR
    assert wrong / s.compared <= WRONG_CEILING, s.report()


@pytest.mark.parametrize(
    ("edition", "articles", "markup_seed"), [("en", 120, 3), ("ar", 80, 4), ("es", 60, 2)]
)
def test_mutated_markup_is_read_exactly(
    edition: str, articles: int, markup_seed: int, tmp_path: Path
) -> None:
    crawl_mutated(edition, articles, markup_seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("markup_seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize(("edition", "articles"), [("en", 500), ("ar", 300)])
def test_mutated_markup_at_acceptance_size(
    edition: str, articles: int, markup_seed: int, tmp_path: Path
) -> None:
    crawl_mutated(edition, articles, markup_seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("markup_seed", [1, 2, 3])
def test_spanish_mutated_markup_at_acceptance_size(markup_seed: int, tmp_path: Path) -> None:
    crawl_mutated("es", 300, markup_seed, tmp_path)
