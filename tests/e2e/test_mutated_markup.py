"""End-to-end on markup the extractor was not built for: the replica's ``--markup mutated``.

The same truth as the canonical replica, served in seeded other markup (renamed classes and ids,
other nesting and order, one metadata regime per page, lazy images, sibling captions, inline
links and ads in the body, sidebars with dates and tags). The crawl must find every article, get
at least 99% of field values exact, and hold a wrong value (one that is set and differs from the
truth) in at most 0.1% of them: a missing value is a lesser failure than a wrong one.

Default runs crawl one modest replica per edition; the acceptance size (five seeds, 500 English
and 300 Arabic articles each) is marked ``slow``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newscrawl_replica.testing import ReplicaServer

from .crawl import Score, run_crawl, score

EXACT_FLOOR = 0.99
WRONG_CEILING = 0.001


def _empty(value: object) -> bool:
    return value in (None, [], "")


def wrong_and_null(s: Score) -> tuple[Counter[str], Counter[str]]:
    """Misses per field, split into wrong values (set, but not the truth) and empty ones."""
    wrong: Counter[str] = Counter()
    null: Counter[str] = Counter()
    for _, name, got, _want in s.misses:
        (null if _empty(got) else wrong)[name] += 1
    return wrong, null


def crawl_mutated(edition: str, articles: int, markup_seed: int, out: Path) -> None:
    args = ["--markup", "mutated", "--markup-seed", str(markup_seed)]
    with ReplicaServer(edition=edition, articles=articles, seed=1, extra_args=args) as replica:
        truth = replica.truth()
        result = run_crawl(replica.base_url, out, edition=edition, timeout=1800)
    assert result.returncode == 0, result.log[-3000:]
    s = score(result.records, truth)
    wrong, null = wrong_and_null(s)
    share_wrong = sum(wrong.values()) / s.values
    print(
        f"{edition} seed {markup_seed}: found {s.found}/{s.expected}, exact {s.accuracy:.4%}, "
        f"wrong {share_wrong:.4%} {dict(wrong)}, null {dict(null)}, "
        f"disagreements {result.summary.get('disagreements')}"
    )
    print(s.report(limit=20))
    assert s.expected == articles
    assert s.missing == [] and s.unexpected == [] and s.duplicates == []
    assert s.accuracy >= EXACT_FLOOR
    assert share_wrong <= WRONG_CEILING, wrong


@pytest.mark.parametrize(("edition", "articles", "markup_seed"), [("en", 120, 3), ("ar", 80, 4)])
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
