"""The Arabic edition's content, built from real records of www.almayadeen.net.

``build_dataset`` merges the public scraper outputs (``shared/data/arabic/*.json``) by post id into
one compact file shipped with the package (``data/arabic.jsonl.gz``), so the replica does not need
the shared folder at run time. Each merged record keeps the raw values the CMS writes (class values
with stray spaces, keywords with repeats, times with their Beirut offset); the truth normalizes
them.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from newscrawl_replica.model import BEIRUT, Article, Block, Image, Meta, clean, utc

DATASET = Path(__file__).with_name("data") / "arabic.jsonl.gz"
MEDIA_HOST = "https://alpha-ar-media.almayadeen.net"
UPDATES = (
    "الميادين تتابع التطورات لحظة بلحظة.",
    "مراسل الميادين: استمرار الغارات على المنطقة منذ ساعات الصباح.",
    "مصادر محلية تؤكد ارتفاع عدد الضحايا.",
    "المقاومة تعلن استهداف تجمع لجنود الاحتلال.",
)
#: Prefer the files whose fields are richest, in this order.
_FILE_ORDER = (
    "ayahzm__output_2024_08__raw_tawsiyat.json",
    "ayahzm__output_2024_05__raw_tawsiyat.json",
    "hadialshaer__articles_2024_08.json",
    "hadialshaer__articles_2023_01.json",
    "sayedalimohamad__dbJSON_articles_2024_9.xml.json",
    "sayedalimohamad__articles_v1_meta_tags.json",
)


def _utc_to_beirut(value: str) -> str:
    naive = datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)
    return naive.astimezone(BEIRUT).isoformat()


def _with_offset(value: str) -> str:
    """A time as tawsiyat writes it; values without an offset are UTC (head meta style)."""
    if "+" in value[10:] or value.endswith("Z"):
        return value
    return _utc_to_beirut(value)


def _paragraphs(full_text: str, description: str) -> list[str]:
    lines = [line for line in full_text.split("\n") if clean(line)]
    if lines and clean(lines[0]) == clean(description):
        lines = lines[1:]
    return lines


#: Page furniture the flattened bodies carry: sidebar dates ("اليوم 09:29", "9 أيلول") and the
#: "browse more" box and footer that follow the body.
_MONTHS = (
    "كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|اب|أيلول|تشرين الأول|تشرين الثاني|كانون الأول"
)
_BLOB_NOISE = re.compile(rf"(اليوم \d{{1,2}}:\d{{2}}|\b\d{{1,2}} ({_MONTHS})(?=\s{{2,}}|$))")
_BLOB_ENDS = ("تصفح المزيد", "شبكة الميادين الإعلامية قناة فضائية")


def _blob_paragraphs(blob: str, description: str) -> list[str]:
    """Paragraphs from a body flattened into one string: sentences regrouped three by three,
    embedded tweet text dropped."""
    text = blob.removeprefix(description).strip() if description else blob
    for end in _BLOB_ENDS:
        text = text.split(end)[0]
    text = _BLOB_NOISE.sub(" ", text)
    sentences = [s.strip() for s in re.split(r"(?<=[.!؟?])\s+", text) if s.strip()]
    sentences = [s for s in sentences if "twitter.com" not in s and "t.co/" not in s]
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def build_dataset(source_dir: Path, out: Path = DATASET) -> int:
    """Merge the raw scraper outputs into ``out``; returns the number of articles."""
    merged: dict[str, dict[str, Any]] = {}
    for name in _FILE_ORDER:
        rows = json.loads((source_dir / name).read_text("utf-8"))
        for row in rows:
            pid = str(row.get("post_id") or row.get("postId"))
            rec = merged.setdefault(pid, {"post_id": pid})
            if name.startswith("ayahzm"):
                tw = json.loads(row["full_text"])
                fields = {
                    "type": tw["type"],
                    "url": tw["url"],
                    "title": tw["title"],
                    "keywords": tw["keywords"],
                    "thumbnail": tw["thumbnail"],
                    "video_duration": tw["video_duration"],
                    "published_time": tw["published_time"],
                    "last_updated": tw["last_updated"],
                    "description": tw["description"],
                    "author": tw["author"],
                    "classes": [[c["mapping"], c["value"]] for c in tw["classes"]],
                }
            else:
                kw = row.get("keywords")
                fields = {
                    "url": row["url"],
                    "title": row["title"],
                    "keywords": ",".join(kw) if isinstance(kw, list) else kw,
                    "thumbnail": row.get("thumbnail"),
                    "author": row.get("author"),
                }
                if "published_time" in row:
                    fields["published_time"] = _with_offset(row["published_time"])
                    fields["last_updated"] = _with_offset(row["last_updated"])
                elif str(row.get("publication_date", ""))[:2] == "20":
                    fields["published_time"] = _utc_to_beirut(row["publication_date"])
                    last = str(row.get("last_updated_date", ""))
                    fields["last_updated"] = _utc_to_beirut(
                        last if last[:2] == "20" else row["publication_date"]
                    )
                for key in ("video_duration", "description"):
                    if key in row:
                        fields[key] = row[key]
                if "classes" in row:
                    fields["classes"] = [[c["mapping"], c["value"]] for c in row["classes"]]
                if name.startswith("sayedalimohamad__dbJSON") and row.get("full_text"):
                    fields["paragraphs"] = _blob_paragraphs(
                        row["full_text"], row.get("description") or ""
                    )
                if name.startswith("hadialshaer") and row.get("full_text"):
                    fields["paragraphs"] = _paragraphs(
                        row["full_text"], row.get("description") or ""
                    )
            for key, value in fields.items():
                if rec.get(key) in (None, "", []) and value not in (None, ""):
                    rec[key] = value
    records = [r for r in merged.values() if r.get("title") and r.get("published_time")]
    records.sort(
        key=lambda r: (datetime.fromisoformat(r["published_time"]).timestamp(), r["post_id"]),
        reverse=True,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    out.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    return len(records)


@lru_cache(maxsize=1)
def records() -> tuple[dict[str, Any], ...]:
    """The shipped Arabic records, newest first."""
    with gzip.open(DATASET, "rt", encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh)


def class_value(rec: dict[str, Any], mapping: str) -> str | None:
    for m, v in rec.get("classes") or ():
        if m == mapping:
            return str(v)
    return None


def kind_of(rec: dict[str, Any], path: str) -> str:
    if rec.get("type") == "videoobject" or rec.get("video_duration"):
        return "video"
    if path.startswith("/infograph/"):
        return "infograph"
    return "article"


#: Combining marks (harakat such as the shadda or the tanween) vanish from slugs [ar].
_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0300-\u036f]")
#: 2024 on, ``:`` became ``-`` and runs of ``-`` stayed; in 2023 ``:`` was kept and runs
#: collapsed [ar].
COLON_KEPT_UNTIL = 2023


def slug(title: str, published: int) -> str:
    """The Arabic CMS slug of ``title`` first published at ``published``: vowel marks dropped,
    other non letters/digits turned into ``-`` (``:`` kept, runs collapsed, up to 2023), cut
    to 60, a trailing ``-`` trimmed."""
    text = _MARKS.sub("", title)
    if utc(published).astimezone(BEIRUT).year <= COLON_KEPT_UNTIL:
        out = re.sub(r"-{2,}", "-", re.sub(r"[^\w:]|_", "-", text))
    else:
        out = re.sub(r"[^\w]|_", "-", text)
    return out.lower()[:60].rstrip("-")


@dataclass(frozen=True)
class Writer:
    """A writer's page (type "writers", الكتّاب): a post id, listed in the sitemaps [ar]."""

    path: str
    post_id: int
    name: str
    bio: str
    published: int


def is_writer(path: str) -> bool:
    return path.startswith("/authors/")


@lru_cache(maxsize=1)
def writers() -> tuple[Writer, ...]:
    """The real records that are writers' pages, not articles."""
    out = []
    for rec in records():
        path = unquote(urlsplit(rec["url"]).path).rstrip("/")
        if is_writer(path):
            published = int(datetime.fromisoformat(rec["published_time"]).timestamp())
            bio = clean(rec.get("description")) or ""
            out.append(Writer(path, int(rec["post_id"]), clean(rec["title"]) or "", bio, published))
    return tuple(out)


def section_of(path: str) -> str:
    """Listing key of an Arabic path: ``news/politics`` for 3 segments, else the first one."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2]) if len(parts) == 3 else parts[0]


#: Beyond the real records the edition repeats them, one every REPEAT_STEP seconds (about the
#: real site's pace) before the oldest real one.
REPEAT_STEP = 20 * 60
REPEAT_POST_ID = 10_000_000
_DATED = re.compile(r"^(/[^/]+)/\d{4}/\d{1,2}/\d{1,2}$")


#: A site of fewer articles than the real records still shows this many of each URL type.
PER_TYPE = 3


def url_type(path: str) -> str:
    """The URL type of an Arabic path: its first segment (``news``, ``tv-reports``, …)."""
    return path.strip("/").split("/")[0]


def newest_of_every_type(real: Sequence[Meta], count: int) -> list[Meta]:
    """``count`` of ``real`` (newest first): the newest ones, with the newest PER_TYPE of every
    URL type in place of the oldest of them, newest first."""
    if count >= len(real):
        return list(real)
    firsts: dict[str, list[int]] = {}
    for i, meta in enumerate(real):
        kept = firsts.setdefault(url_type(meta.path), [])
        if len(kept) < PER_TYPE:
            kept.append(i)
    picks = set(sorted(i for kept in firsts.values() for i in kept)[:count])
    for i in range(len(real)):
        if len(picks) >= count:
            break
        picks.add(i)
    return [replace(real[i], key=key) for key, i in enumerate(sorted(picks))]


def folder_at(path: str, published: int) -> str:
    """The folder of an article like ``path`` published at ``published``: the same, but a dated
    one (``/newscast/2024/8/15``) moves to the new date."""
    folder = path.rsplit("/", 1)[0]
    dated = _DATED.match(folder)
    if dated:
        day = utc(published).astimezone(BEIRUT)
        folder = f"{dated.group(1)}/{day.year}/{day.month}/{day.day}"
    return folder


def make_metas(count: int) -> list[Meta]:
    """Fresh metadata of ``count`` articles (keys 0..count-1): the real records, newest first
    (a smaller site keeps some of every URL type: ``newest_of_every_type``), then, past them,
    repeats of them, older and older: round ``r``'s titles start with ``(r+1)`` (so slugs stay
    unique), post ids count from REPEAT_POST_ID; their slugs follow the rules of their time."""
    real = all_metas()
    out = newest_of_every_type(real, count)
    taken = {m.path for m in out}
    oldest = real[-1].published
    for key in range(len(real), count):
        rnd, base = divmod(key, len(real))
        origin = real[base]
        published = oldest - (key - len(real) + 1) * REPEAT_STEP
        folder = folder_at(origin.path, published)
        label, n = f"({rnd + 1})", 1
        while f"{folder}/{slug(f'{label} {origin.title}', published)}" in taken:
            n += 1
            label = f"({rnd + 1}.{n})"
        title = f"{label} {origin.title}"
        path = f"{folder}/{slug(title, published)}"
        taken.add(path)
        out.append(
            replace(
                origin,
                key=key,
                post_id=REPEAT_POST_ID + key,
                title=title,
                path=path,
                published=published,
                modified=published + (origin.modified - origin.published),
            )
        )
    return out


@lru_cache(maxsize=1)
def all_metas() -> tuple[Meta, ...]:
    recs = records()
    metas: list[Meta] = []
    for i, rec in enumerate(recs):
        path = unquote(urlsplit(rec["url"]).path).rstrip("/")
        if is_writer(path):
            continue  # a writer's page, not an article (``writers``)
        published = int(datetime.fromisoformat(rec["published_time"]).timestamp())
        modified = int(
            datetime.fromisoformat(rec.get("last_updated") or rec["published_time"]).timestamp()
        )
        author = clean(rec.get("author")) or "الميادين نت"
        tags = tuple(
            dict.fromkeys(
                k for k in (clean(x) for x in (rec.get("keywords") or "").split(",")) if k
            )
        )
        metas.append(
            Meta(
                key=len(metas),
                post_id=int(rec["post_id"]),
                kind=kind_of(rec, path),
                section=section_of(path),
                path=path,
                title=rec["title"],
                published=published,
                modified=max(modified, published),
                region=clean(class_value(rec, "country")),
                coverage=clean(class_value(rec, "coverage")),
                authors=(author,),
                tags=tags[:8],
                record=i,
            )
        )
    return tuple(metas)


def make_article(seed: int, meta: Meta, link_pool: Sequence[Meta]) -> Article:
    rec = records()[meta.record]
    rng = random.Random(f"ar-body:{seed}:{meta.key}:{meta.body_version}")
    pars = list(rec.get("paragraphs") or [])
    for n in range(1, meta.body_version + 1):
        # An edit appends an update paragraph, as live coverage does.
        pars.append(f"تحديث {n}: {rng.choice(UPDATES)}")
    blocks: list[Block] = [("p", p) for p in pars]
    if len(pars) >= 3 and len(link_pool) > 1 and rng.random() < 0.5:
        others = [link_pool[rng.randrange(len(link_pool))] for _ in range(2)]
        links = tuple(dict.fromkeys((m.path, m.title) for m in others if m.key != meta.key))
        if links:
            blocks.insert(2, ("related", links))
    if len(pars) >= 2 and len(link_pool) > 1:
        # "اقرأ أيضاً" / "شاهد أيضاً" lines: links to other articles between paragraphs.
        for at in (1, len(blocks)):
            if rng.random() < 0.35:
                other = link_pool[rng.randrange(len(link_pool))]
                if other.key != meta.key:
                    blocks.insert(at, ("readmore", ((other.path, other.title),)))
    thumb = rec.get("thumbnail")
    main_image = Image(thumb, None) if thumb else None
    video_url = None
    duration = None
    if meta.kind == "video":
        uid = uuid.UUID(int=rng.getrandbits(128), version=4)
        video_url = f"{MEDIA_HOST}/media/video/{uid}.mp4"
        raw = rec.get("video_duration")
        duration = int(raw) if raw and str(raw).isdigit() else None
    classes = tuple((str(m), str(v)) for m, v in rec.get("classes") or ())
    return Article(
        meta=meta,
        lang="ar",
        layout="2022",
        tawsiyat_type="videoobject" if meta.kind == "video" else "article",
        title=meta.title,
        description=rec.get("description") or None,
        authors=meta.authors,
        source=None,
        tags=meta.tags,
        keywords_raw=rec.get("keywords") or "",
        blocks=blocks,
        main_image=main_image,
        video_url=video_url,
        video_duration=duration,
        head_times=rng.random() < 0.93,
        classes=classes,
    )
