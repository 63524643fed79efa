"""Body extraction on real article pages of other sites, scored with the benchmark's metric.

    python bench/realpages.py DIR [--out PRED.jsonl]

``DIR/html/<id>.html.gz`` are saved pages, ``DIR/truth.jsonl`` their true bodies (``{"id", "url",
"body"}``). Each page goes through ``load_article`` as the crawler reads it (English edition, the
page's own URL); its ``body`` is scored against the truth with the metric of the
scrapinghub/article-extraction-benchmark (see ``DIR/README.md``): 4-token shingles of ``\\w+``
tokens counted as multisets, counts normalised per page, precision and recall averaged over pages,
F1 of the averages. Prints precision, recall, F1 and exact-match accuracy; ``--out`` writes
``{"id", "body"}`` per page.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import jsonlines  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402

from newscrawl.editions import EDITIONS  # noqa: E402
from newscrawl.normalize.loader import load_article  # noqa: E402

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1)))


def page_scores(truth: str, predicted: str) -> tuple[float, float]:
    """(precision, recall) of one page; nothing predicted and nothing true counts as 1."""
    want, got = shingles(tokens(truth)), shingles(tokens(predicted))
    tp = sum((want & got).values())
    fp = sum(got.values()) - tp
    fn = sum(want.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp_, fp_, fn_ = tp / total, fp / total, fn / total
    # As the benchmark: a ratio with nothing on either side is 1 (nothing predicted: precision 1).
    precision = tp_ / (tp_ + fp_) if tp_ + fp_ else 1.0
    recall = tp_ / (tp_ + fn_) if tp_ + fn_ else 1.0
    return precision, recall


def extract_body(html: bytes, url: str) -> str:
    response = HtmlResponse(url=url, body=html)
    return load_article(response, EDITIONS["en"]).body or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--out", type=Path, help="write {id, body} per page here")
    args = parser.parse_args()
    with jsonlines.open(args.dir / "truth.jsonl") as reader:
        truth = list(reader.iter(type=dict, skip_empty=True))
    precisions: list[float] = []
    recalls: list[float] = []
    exact = 0
    predictions: list[dict[str, str]] = []
    for line in truth:
        html = gzip.decompress((args.dir / "html" / f"{line['id']}.html.gz").read_bytes())
        body = extract_body(html, line["url"])
        predictions.append({"id": line["id"], "body": body})
        p, r = page_scores(line["body"], body)
        precisions.append(p)
        recalls.append(r)
        exact += tokens(line["body"]) == tokens(body)
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"pages: {len(truth)}")
    print(f"precision: {precision:.4f}")
    print(f"recall:    {recall:.4f}")
    print(f"F1:        {f1:.4f}")
    print(f"accuracy:  {exact / len(truth):.4f} (token lists equal)")
    if args.out:
        with jsonlines.open(args.out, "w") as writer:
            writer.write_all(predictions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
