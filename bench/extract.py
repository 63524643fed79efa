"""Extraction cost against parsing alone, measured in the same run.

    python bench/extract.py [--articles 300] [--edition en] [--rounds 3]

Fetches every article page of a fresh replica once into memory, then, per round and page:
1. baseline: build the Scrapy response and parse it (``response.selector``), what any spider
   pays before it reads a field;
2. extraction: the same plus ``ArticlePage(response, site).to_item()`` (page object, loader,
   fingerprint).

Rates are pages per CPU second of this process (best round), so that other work on the machine
disturbs them little. Prints each rate, the extraction's cost as a multiple of the parse, and the
share of a page's time that is extraction proper.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from scrapy.http import HtmlResponse  # noqa: E402

from newscrawl.discovery.classify import CrawlSite  # noqa: E402
from newscrawl.pages.article import ArticlePage  # noqa: E402
from newscrawl_replica.testing import ReplicaServer  # noqa: E402

Page = tuple[str, bytes]


def fetch_all(replica: ReplicaServer) -> list[Page]:
    pages: list[Page] = []
    for line in replica.truth():
        url = replica.base_url + quote(urlsplit(line["record"]["url"]).path, safe="/:")
        with urllib.request.urlopen(url, timeout=30) as resp:
            pages.append((resp.geturl(), resp.read()))
    return pages


def best_rate(pages: list[Page], work: Callable[[HtmlResponse], object], rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        started = time.process_time()
        for url, body in pages:
            work(HtmlResponse(url=url, body=body, encoding="utf-8"))
        best = max(best, len(pages) / (time.process_time() - started))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--edition", choices=("en", "ar"), default="en")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = CrawlSite.of(args.edition)
    with ReplicaServer(edition=args.edition, articles=args.articles, seed=1) as replica:
        pages = fetch_all(replica)
    size = sum(len(body) for _, body in pages) / len(pages)
    parse = best_rate(pages, lambda r: r.selector, args.rounds)
    extract = best_rate(pages, lambda r: ArticlePage(r, site).to_item(), args.rounds)
    print(f"pages: {len(pages)} ({args.edition}), mean size {size / 1024:.1f} KiB")
    print(f"baseline (response + parse): {parse:8.1f} pages/cpu-s")
    print(f"parse + to_item:             {extract:8.1f} pages/cpu-s")
    print(f"ratio extraction/baseline:   {extract / parse:8.3f}  (cost x{parse / extract:.1f})")
    print(f"extraction share of a page:  {1 - extract / parse:8.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
