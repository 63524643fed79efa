"""The replica's mutated markup: seeded, different per seed, one truth, unknown to the extractor."""

from __future__ import annotations

import re
from pathlib import Path

from newscrawl_replica import mutated, render
from newscrawl_replica.site import Site
from newscrawl_replica.truth import record

PAGES = Path(__file__).resolve().parents[2] / "newscrawl" / "pages"


def _classes(html: str) -> set[str]:
    return {c for value in re.findall(r'class="([^"]+)"', html) for c in value.split()}


def test_seeds_give_different_markup_and_the_same_seed_the_same() -> None:
    site = Site("en", 40, 1)
    article = site.article(site.metas[5])
    pages = {seed: mutated.article_page(site, article, seed) for seed in (1, 2, 3)}
    assert pages[1] == mutated.article_page(site, article, 1)
    assert len({frozenset(_classes(p)) for p in pages.values()}) == 3
    canonical = _classes(render.article_page(site, article))
    for page in pages.values():
        assert not (_classes(page) & canonical - {"hl"}), "a canonical class name leaked"


def test_every_metadata_regime_is_served() -> None:
    site = Site("en", 40, 1)
    heads = {
        mutated.regime(1, m.key): mutated.article_page(site, site.article(m), 1) for m in site.metas
    }
    assert set(heads) == set(mutated.REGIMES)
    assert 'id="tawsiyat-metadata"' in heads["tawsiyat"] and "ld+json" not in heads["tawsiyat"]
    assert "ld+json" in heads["jsonld"] and "<meta name=" not in heads["jsonld"]
    assert 'property="og:title"' in heads["meta"] and "tawsiyat" not in heads["meta"]
    none = heads["none"].split("</head>")[0]
    assert "<meta name=" not in none and "ld+json" not in none and "tawsiyat" not in none


def test_the_truth_does_not_depend_on_the_markup() -> None:
    site = Site("ar", 30, 1)
    meta = site.metas[3]
    before = record(site, site.article(meta))
    mutated.article_page(site, site.article(meta), 2)
    assert record(site, site.article(meta)) == before


def test_the_extractor_knows_no_class_name_of_the_mutated_markup() -> None:
    source = "\n".join(p.read_text("utf-8") for p in PAGES.glob("*.py"))
    for seed in range(1, 11):
        for name in mutated.theme(seed).cls.values():
            assert not re.search(rf"\b{re.escape(name)}\b", source), (seed, name)
