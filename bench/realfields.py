"""Every field of real article pages of other publishers, read by the crawler and by others.

    python bench/realfields.py DIR [--out PRED.jsonl] [--readers newscrawl,trafilatura,newspaper4k]

``DIR`` holds ``pages/*.html.gz``, ``truth.jsonl`` and ``score.py`` (the reference metric). Each
page is read by the crawler exactly as it reads a page of the site in a layout it does not know:
as the English edition's page at the same URL path (``https://english.almayadeen.net/<path>``),
through ``ArticlePage(...).to_item()``. In the same run trafilatura (with its metadata) and
newspaper4k (when installed: ``pip install '.[bench]'``) read the same pages. Each reader's
predictions ``{"page", "title", "authors", "date_published", "description", "body"}`` are scored
by ``DIR/score.py``; one table is printed: reader x field, right and wrong, body F1 and CPU
milliseconds per page. ``--out`` keeps the crawler's predictions.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import jsonlines  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402

from newscrawl.discovery.classify import CrawlSite  # noqa: E402
from newscrawl.pages.article import ArticlePage  # noqa: E402

SITE = "https://english.almayadeen.net"
FIELDS = ("title", "authors", "date_published", "description")
Prediction = dict[str, Any]


def site_url(url: str) -> str:
    """The page's own URL moved onto the English site: the path and query kept."""
    parts = urlsplit(url)
    return SITE + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def read_newscrawl(html: bytes, url: str) -> Prediction:
    response = HtmlResponse(url=site_url(url), body=html, encoding="utf-8")
    item = ArticlePage(response, CrawlSite.of("en")).to_item()
    return {
        "title": item.title,
        "authors": item.authors,
        "date_published": item.date_published,
        "description": item.description,
        "body": item.body or "",
    }


def read_trafilatura(html: bytes, url: str) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html.decode("utf-8", "replace"), url=url, with_metadata=True, favor_precision=True
    )
    if doc is None:
        return {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    return {
        "title": data.get("title"),
        "authors": [a.strip() for a in author.split(";") if a.strip()],
        "date_published": data.get("date"),
        "description": data.get("description"),
        "body": data.get("text") or "",
    }


def read_newspaper4k(html: bytes, url: str) -> Prediction:
    import newspaper

    article = newspaper.Article(url)
    article.download(input_html=html.decode("utf-8", "replace"))
    article.parse()
    published = article.publish_date
    return {
        "title": article.title or None,
        "authors": list(article.authors),
        "date_published": published.isoformat() if published else None,
        "description": article.meta_description or None,
        "body": article.text or "",
    }


READERS: dict[str, Callable[[bytes, str], Prediction]] = {
    "newscrawl": read_newscrawl,
    "trafilatura": read_trafilatura,
    "newspaper4k": read_newspaper4k,
}


def available(name: str) -> bool:
    module = {"newspaper4k": "newspaper"}.get(name, name)
    return name == "newscrawl" or importlib.util.find_spec(module) is not None


def load_scorer(directory: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("realfields_score", directory / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{directory / 'score.py'}: cannot load the scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_readers(
    readers: dict[str, Callable[[bytes, str], Prediction]],
    pages: list[tuple[dict[str, Any], bytes]],
) -> dict[str, tuple[list[Prediction], float]]:
    """Predictions of each reader over every page, and its CPU milliseconds per page. The
    readers take turns page by page (each warmed first), so a change in the machine's load
    during the run weighs on all of them alike."""
    for reader in readers.values():
        _read(reader, *pages[0])  # imports and caches, outside the measured time
    predictions: dict[str, list[Prediction]] = {name: [] for name in readers}
    cpu = dict.fromkeys(readers, 0.0)
    for truth, html in pages:
        for name, reader in readers.items():
            start = time.process_time()
            predicted = _read(reader, truth, html)
            cpu[name] += time.process_time() - start
            predictions[name].append({"page": truth["page"], **predicted})
    return {name: (predictions[name], 1000 * cpu[name] / max(len(pages), 1)) for name in readers}


def _read(
    reader: Callable[[bytes, str], Prediction], truth: dict[str, Any], html: bytes
) -> Prediction:
    try:
        return reader(html, truth["url"])
    except Exception as exc:  # a reader that fails on a page scores nothing there
        print(f"  {truth['page']}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--out", type=Path, help="write the crawler's predictions here")
    parser.add_argument("--readers", default=",".join(READERS))
    args = parser.parse_args()
    with jsonlines.open(args.dir / "truth.jsonl") as lines:
        truths = list(lines.iter(type=dict, skip_empty=True))
    pages = [(t, gzip.decompress((args.dir / "pages" / t["page"]).read_bytes())) for t in truths]
    scorer = load_scorer(args.dir)
    warnings.simplefilter("ignore")
    readers = {}
    for name in args.readers.split(","):
        if not available(name):
            print(f"{name}: not installed (pip install '.[bench]'), left out", file=sys.stderr)
            continue
        readers[name] = READERS[name]
    rows: list[tuple[str, dict[str, Any], float]] = []
    for name, (predictions, cpu_ms) in run_readers(readers, pages).items():
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "pred.jsonl"
            with jsonlines.open(path, "w") as writer:
                writer.write_all(predictions)
            scores = scorer.score(str(args.dir), str(path), quiet=True)
        if name == "newscrawl" and args.out:
            with jsonlines.open(args.out, "w") as writer:
                writer.write_all(predictions)
        rows.append((name, scores, cpu_ms))
    print(f"{len(pages)} pages of {args.dir}")
    header = f"{'reader':<12}" + "".join(f"{f:>24}" for f in FIELDS)
    print(header + f"{'body F1':>9}{'wrong/judged':>14}{'CPU ms/page':>13}")
    for name, scores, cpu_ms in rows:
        cells = "".join(f"{_cell(scores[f]):>24}" for f in FIELDS)
        print(
            f"{name:<12}{cells}{scores['body_f1']:>9.4f}{scores['wrong_rate']:>14.1%}"
            f"{cpu_ms:>13.1f}"
        )
    print(json.dumps({name: {**scores, "cpu_ms": round(ms, 1)} for name, scores, ms in rows}))
    return 0


def _cell(text: str) -> str:
    """``95.3% right, 1.6% wrong of 127`` → ``95.3% / 1.6% (127)``."""
    right, rest = text.split(" right, ")
    wrong, judged = rest.split(" wrong of ")
    return f"{right} / {wrong} ({judged})"


if __name__ == "__main__":
    raise SystemExit(main())
