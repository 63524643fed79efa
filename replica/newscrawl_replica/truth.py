"""The ground truth: for each article, the exact record a correct crawler extracts from its page.

Built from the same ``Article`` the page is rendered from, following ``docs/FIELDS.md``. It shares
no code with the crawler (not even the fingerprint or the section names), so a bug on either side
shows up when a crawl is compared with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl_replica.model import Article, Image, Meta, byline_date, clean, iso_z, month_of
from newscrawl_replica.site import Site, href

#: The record contract's version (``schema_version``) the truth is written for.
SCHEMA_VERSION = 1

#: What the fingerprint covers (docs/FIELDS.md): a change to any of these is an edit.
FINGERPRINTED = (
    "url", "title", "description", "authors", "source", "date_published", "date_modified",
    "tags", "keywords", "body", "main_image", "video",
)  # fmt: skip


def content_hash(rec: dict[str, Any]) -> str:
    """sha256 (hex) of the fingerprinted fields as compact JSON with sorted keys."""
    payload = json.dumps(
        {k: rec.get(k) for k in FINGERPRINTED}, ensure_ascii=False, sort_keys=True,
        separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _image(image: Image) -> dict[str, Any]:
    return {"url": image.url, "caption": clean(image.caption)}


def _dedup(values: Iterator[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def record(site: Site, article: Article) -> dict[str, Any]:
    meta = article.meta
    classes = {m: clean(v) for m, v in article.classes}
    paragraphs = [p for p in (clean(p) for p in article.paragraphs()) if p]
    body = "\n\n".join(paragraphs) or None
    images: list[dict[str, Any]] = []
    seen: set[str] = set()
    for img in (
        ([article.main_image] if article.main_image else []) + article.figures() + article.gallery
    ):
        if img.url not in seen:
            seen.add(img.url)
            images.append(_image(img))
    ed = site.edition
    group = meta.path.strip("/").split("/")[0]
    content_type = meta.kind
    rec: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "url": ed.base_url + meta.path,
        "site": ed.host,
        "edition": ed.code,
        "language": article.lang,
        "post_id": str(meta.post_id),
        "content_type": content_type,
        "section_group": classes.get("posttype") or ed.groups.get(group),
        "section": classes.get("category") or ed.sections.get(meta.section),
        "region": classes.get("country"),
        "coverage": classes.get("coverage"),
        "title": clean(article.title),
        "description": clean(article.description),
        "authors": _dedup(clean(a) for a in article.authors),
        "source": clean(article.source),
        "date_published": iso_z(meta.published),
        "date_modified": iso_z(meta.modified),
        "date_published_raw": byline_date(meta.published, article.layout)
        if article.show_date
        else None,
        "tags": _dedup(clean(t) for t in article.tags),
        "keywords": _dedup(clean(k) for k in article.keywords_raw.split(",")),
        "body": body,
        "word_count": len(body.split()) if body else 0,
        "read_time_minutes": article.read_time,
        "shares": article.shares,
        "views": article.views,
        "main_image": _image(article.main_image) if article.main_image else None,
        "images": images,
        "video": (
            {"url": article.video_url, "duration_seconds": article.video_duration}
            if content_type == "video"
            else None
        ),
        "related": [
            {"url": ed.base_url + path, "title": clean(title)} for path, title in article.links()
        ],
    }
    rec["fingerprint"] = content_hash(rec)
    return rec


def truth_line(
    site: Site,
    meta: Meta,
    reachable: Callable[[Meta], bool],
    damage: Callable[[Meta], str | None] = lambda m: None,
) -> dict[str, Any]:
    """The record, where the site links it, and (for an article published or edited while the
    replica served) ``published_at``: the wall-clock time its current version went live, with
    ``edits``: how many edits were published (a crawler that saw each has version ``edits + 1``).
    """
    y, m = month_of(meta.published)
    live = site.live.get(meta.key)
    line = {
        "record": record(site, site.article(meta)),
        "listings": [href(path) for path, _ in site.listings_of(meta)],
        "sitemap": f"/sitemaps/all/sitemap-{y}-{m}.xml",
        "reachable": reachable(meta),
        "published_at": _wall_iso(live[0]) if live else None,
        "edits": live[1] if live else 0,
    }
    kind = damage(meta)
    if kind is not None:
        # --faults damaged: how the page is damaged on every attempt (``bytes`` or ``cut``).
        line["damaged"] = kind
    return line


def _wall_iso(moment: float) -> str:
    """Epoch seconds as UTC ISO 8601 with milliseconds (``2026-12-07T01:50:00.123Z``)."""
    stamp = datetime.fromtimestamp(moment, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def write_truth(
    site: Site,
    path: Path,
    reachable: Callable[[Meta], bool] = lambda m: True,
    stop: threading.Event | None = None,
    damage: Callable[[Meta], str | None] = lambda m: None,
) -> int:
    """Stream the truth to ``path``, newest first (atomically: written beside it, then renamed).
    When ``stop`` is set midway, the partial file is removed and ``path`` left as it was."""
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for key in site.listings["/"].tolist():
            if stop is not None and stop.is_set():
                break
            meta = site.metas[key]
            fh.write(
                json.dumps(truth_line(site, meta, reachable, damage), ensure_ascii=False) + "\n"
            )
            n += 1
    if stop is not None and stop.is_set():
        tmp.unlink()
        return 0
    os.replace(tmp, path)
    return n
