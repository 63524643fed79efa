"""End-to-end: the Spanish edition (espanol.almayadeen.net) crawled from the replica.

Its URLs carry a post id (``/{section}/{post id}/{slug}``), its byline a date with no year and a
count of views (``Al Mayadeen • Fuente: Exclusivo Al Mayadeen • 23 Julio 19:20 • 20
Visualizaciones``). A crawl finds every article with every field exact; a second run after the
site published and edited some emits exactly those. The acceptance size (300 articles) is
``slow``; the default run crawls a smaller site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import run_crawl
from tests.support.feeds import read_jsonl, read_rejects
from tests.support.score import assert_crawl_matches_truth, assert_matches_truth

YEARLESS = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{2}:\d{2}")


def crawl_then_publish(articles: int, new: int, edit: int, out: Path) -> None:
    with ReplicaServer(edition="es", articles=articles, seed=2) as replica:
        first = run_crawl(replica.base_url, out, edition="es")
        assert first.returncode == 0, first.log[-3000:]
        assert_crawl_matches_truth(first, replica.truth())
        records = first.records
        assert len(records) == articles
        assert first.summary["duplicates"] == 0
        assert all(r["url"].startswith("https://espanol.almayadeen.net/") for r in records)
        assert all(re.match(r"^/[a-z-]+/\d+/", r["url"][30:]) for r in records)
        # The byline's date as shown (no year); the year came from the page's metadata.
        assert all(YEARLESS.fullmatch(r["date_published_raw"]) for r in records)
        assert all(isinstance(r["views"], int) and r["shares"] is None for r in records)
        assert {r["section_group"] for r in records} >= {"Noticias", "Opinión"}

        changed = replica.publish(new=new, edit=edit)
        second = run_crawl(replica.base_url, out, edition="es")
        assert second.returncode == 0, second.log[-3000:]
        emitted = [r for path in second.stats["feeds"] for r in read_jsonl(path)]
        wanted = set(changed["new"] + changed["edited"])
        assert_matches_truth(
            emitted, replica.truth(), lambda line: line["record"]["url"] in wanted,
            rejects=read_rejects(out), versions=dict.fromkeys(changed["edited"], 2),
        )  # fmt: skip
        assert len(emitted) == new + edit
        assert (second.stats["new"], second.stats["updated"]) == (new, edit)


def test_spanish_edition(tmp_path: Path) -> None:
    crawl_then_publish(60, 4, 2, tmp_path)


@pytest.mark.slow
def test_spanish_edition_at_acceptance_size(tmp_path: Path) -> None:
    crawl_then_publish(300, 10, 3, tmp_path)
