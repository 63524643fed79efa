"""The site's state: every article's metadata, the listings, sitemaps by month, and publishing.

Only compact metadata lives here (``Meta``); full articles are built on demand by the edition's
generator. Listings are arrays of article keys, newest first.
"""

from __future__ import annotations

import random
import re
from array import array
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, overload
from urllib.parse import quote

from newscrawl_replica import arabic, english, reference, spanish
from newscrawl_replica.drop import check_droppable, without
from newscrawl_replica.editions import EDITIONS, Edition
from newscrawl_replica.model import Article, Meta, month_of, slugify

PAGE_SIZE = 20
#: Publishing advances the site's clock by this much per new article.
PUBLISH_STEP = 7 * 60


_PLAIN_PATH = re.compile(r"[A-Za-z0-9/:._~-]*")


def href(path: str) -> str:
    """A path as it appears in links: percent-encoded, ``/`` and ``:`` kept."""
    if _PLAIN_PATH.fullmatch(path):  # most slugs: nothing to encode
        return path
    return quote(path, safe="/:")


@lru_cache(maxsize=4096)
def author_path(name: str) -> str:
    return "/authors/" + "-".join(p for p in slugify(name).split("-") if p)


def tag_path(name: str) -> str:
    return "/tags/" + name


class _Prefix(Sequence[Meta]):
    """The first ``n`` items of a list, without copying it."""

    def __init__(self, items: list[Meta], n: int) -> None:
        self.items = items
        self.n = n

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, i: int) -> Meta: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Meta]: ...
    def __getitem__(self, i: int | slice) -> Meta | Sequence[Meta]:
        if isinstance(i, slice):
            return self.items[: self.n][i]
        if not -self.n <= i < self.n:
            raise IndexError(i)
        return self.items[i % self.n]


class Site:
    def __init__(
        self, edition: str = "en", articles: int = 500, seed: int = 1, drop: Sequence[str] = ()
    ) -> None:
        #: Record fields whose element and metadata article pages leave out (``--drop-field``).
        self.drop = check_droppable(drop)
        if edition not in EDITIONS:
            raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
        if edition == "en" and articles < 10:
            raise ValueError("the English edition needs at least 10 articles")
        if articles < 1:
            raise ValueError("--articles must be at least 1")
        self.edition: Edition = EDITIONS[edition]
        self.code = edition
        self.seed = seed
        self.base_count = articles
        self.metas: list[Meta] = []
        self.by_path: dict[str, int] = {}
        self.by_post: dict[int, int] = {}
        self.listings: dict[str, array[int]] = {}
        self.listing_titles: dict[str, str] = {}
        self.months: dict[tuple[int, int], array[int]] = {}
        #: Writers' pages (Arabic): listings of their articles, listed in the monthly sitemaps
        #: beside the articles, by path and by the month of their post.
        self.writers: dict[str, arabic.Writer] = {}
        self.writer_months: dict[tuple[int, int], list[arabic.Writer]] = {}
        self._region_paths = {name: f"/{path}" for path, name in self.edition.regions.items()}
        #: Keys that publishing never edits (the reference page and the pages it links to).
        self.pinned: set[int] = set()
        self.publish_calls = 0
        #: Articles published or edited while serving: key -> (wall-clock time the current
        #: version went live, edits published so far). Recorded in the truth.
        self.live: dict[int, tuple[float, int]] = {}
        #: Bumped on every change; ``cache`` (page parts shared by many pages) is cleared then.
        self.version = 0
        self.cache: dict[Any, str] = {}
        # Every menu entry answers, even while it lists nothing yet.
        ed = self.edition
        for path, name in (*ed.groups.items(), *ed.sections.items(), *ed.regions.items()):
            self.listings["/" + path] = array("i")
            self.listing_titles["/" + path] = name
        if edition == "en":
            self._build_english()
        elif edition == "es":
            self._build_spanish()
        else:
            self._build_arabic()
        self.clock = max(m.published for m in self.metas)

    # --- building ---------------------------------------------------------------------------

    def _build_english(self) -> None:
        n = self.base_count
        ref = english.reference_index(n)
        companions = english.companion_indices(n)
        self.pinned = {ref, *companions}
        for i in range(n):
            rng = english.meta_rng(self.seed, i)
            published = english.base_time(rng, i, n)
            post_id = english.base_post_id(rng, i, n)
            if i == ref:
                meta = english.reference_meta(i)
            else:
                meta = english.make_meta(rng, i, self.by_path.__contains__, published, post_id)
                if i in companions:
                    title = english.companion_title(companions.index(i))
                    meta = replace(
                        meta,
                        title=title,
                        section="news/politics",
                        kind="article",
                        path=f"/news/politics/{slugify(title)}",
                        region="Europe",
                    )
                if meta.post_id == reference.POST_ID:
                    # Stay inside this index's block of seven ids, which no other index uses.
                    meta.post_id += 1 if (meta.post_id - 1_300_000) % 7 != 6 else -1
            self._add(meta)

    def _build_spanish(self) -> None:
        n = self.base_count
        for i in range(n):
            rng = spanish.meta_rng(self.seed, i)
            published = english.base_time(rng, i, n, spanish.NEWEST, spanish.SPAN)
            post_id = spanish.base_post_id(i)
            self._add(spanish.make_meta(rng, i, self.by_path.__contains__, published, post_id))

    def _build_arabic(self) -> None:
        for meta in arabic.make_metas(self.base_count):
            self._add(meta)
        for writer in arabic.writers():
            self.writers[writer.path] = writer
            self.writer_months.setdefault(month_of(writer.published), []).append(writer)
            if writer.path not in self.listings:
                self.listings[writer.path] = array("i")
            self.listing_titles[writer.path] = writer.name

    def _add(self, meta: Meta, newest: bool = False) -> None:
        key = meta.key
        if key != len(self.metas) or meta.path in self.by_path or meta.post_id in self.by_post:
            raise RuntimeError(f"article {key} would repeat a key, path or post id: {meta}")
        self.metas.append(meta)
        self.by_path[meta.path] = key
        self.by_post[meta.post_id] = key
        for path, title in self.listings_of(meta):
            arr = self.listings.get(path)
            if arr is None:
                arr = self.listings[path] = array("i")
                self.listing_titles[path] = title
            if newest:
                arr.insert(0, key)
            else:
                arr.append(key)
        month = self.months.setdefault(month_of(meta.published), array("i"))
        if newest:
            month.insert(0, key)
        else:
            month.append(key)

    def listings_of(self, meta: Meta) -> list[tuple[str, str]]:
        """Listing paths (decoded) that link ``meta``, with the names the pages show."""
        out = list(self._section_listings(meta.section))
        if meta.region and self.edition.regions:
            path = self._region_paths.get(meta.region)
            if path:
                out.append((path, meta.region))
        out.extend((tag_path(t), t) for t in meta.tags)
        out.extend((author_path(a), a) for a in meta.authors)
        return list(dict.fromkeys(out))

    @lru_cache(maxsize=256)  # noqa: B019 - a few dozen sections; the site lives as long as the process
    def _section_listings(self, section: str) -> tuple[tuple[str, str], ...]:
        ed = self.edition
        group = ed.group_of(section)
        out = [("/", "Home"), (f"/{group}", ed.groups.get(group, group))]
        if section != group:
            out.append((f"/{section}", ed.sections.get(section, section)))
        return tuple(out)

    # --- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.metas)

    def lookup(self, path: str) -> Meta | None:
        key = self.by_path.get(path)
        return None if key is None else self.metas[key]

    def link_pool(self, meta: Meta) -> Sequence[Meta]:
        """Articles ``meta``'s body may link: base ones for base articles, so publishing never
        changes an existing body's links."""
        return _Prefix(self.metas, self.base_count if meta.key < self.base_count else meta.key)

    def article(self, meta: Meta) -> Article:
        article = self._article(meta)
        return without(article, self.drop) if self.drop else article

    def _article(self, meta: Meta) -> Article:
        if self.code == "ar":
            return arabic.make_article(self.seed, meta, self.link_pool(meta))
        if self.code == "es":
            return spanish.make_article(self.seed, meta, self.link_pool(meta))
        if meta.path == reference.PATH:
            companions = [self.metas[k] for k in english.companion_indices(self.base_count)]
            return english.make_reference(meta, companions)
        return english.make_article(self.seed, meta, self.link_pool(meta))

    def page(self, path: str, page: int) -> tuple[list[Meta], int]:
        """Cards of listing ``path`` page ``page`` (1-based) and the number of pages."""
        keys = self.listings[path]
        pages = max(1, -(-len(keys) // PAGE_SIZE))
        start = (page - 1) * PAGE_SIZE
        return [self.metas[k] for k in keys[start : start + PAGE_SIZE]], pages

    def newest(self, n: int) -> list[Meta]:
        return [self.metas[k] for k in self.listings["/"][:n]]

    # --- publishing -------------------------------------------------------------------------

    def publish(self, new: int, edit: int, now: float | None = None) -> dict[str, list[str]]:
        """Publish ``new`` articles and edit ``edit`` of the articles that existed before this call
        (never one it has just published); deterministic per call. ``now`` (epoch seconds) is
        when the versions go live, kept in :attr:`live` for the truth."""
        if new < 0 or edit < 0:
            raise ValueError("new and edit must be non-negative")
        existing = len(self.metas)
        self.publish_calls += 1
        rng = random.Random(f"publish:{self.seed}:{self.code}:{self.publish_calls}")
        host = self.edition.base_url
        added: list[str] = []
        for _ in range(new):
            self.clock += PUBLISH_STEP + rng.randint(0, 300)
            self.clock -= self.clock % 60
            key = len(self.metas)
            post_id = max(self.by_post) + rng.randint(1, 9)
            meta = self._new_meta(key, post_id, rng)
            self._add(meta, newest=True)
            if now is not None:
                self.live[key] = (now, 0)
            added.append(host + meta.path)
        candidates = [k for k in range(existing) if k not in self.pinned]
        edited: list[str] = []
        for key in sorted(rng.sample(candidates, min(edit, len(candidates)))):
            meta = self.metas[key]
            self.clock += 60 + rng.randint(0, 120)
            if rng.random() < 0.5:
                meta.title = self._edited_title(meta, rng)
            else:
                meta.body_version += 1
            meta.modified = max(self.clock, meta.modified + 60)
            if now is not None:
                self.live[key] = (now, self.live.get(key, (now, 0))[1] + 1)
            edited.append(host + meta.path)
        self.version += 1
        self.cache.clear()
        return {"new": added, "edited": edited}

    def _new_meta(self, key: int, post_id: int, rng: random.Random) -> Meta:
        if self.code == "en":
            rng = english.meta_rng(self.seed, key)
            return english.make_meta(rng, key, self.by_path.__contains__, self.clock, post_id)
        if self.code == "es":
            rng = spanish.meta_rng(self.seed, key)
            return spanish.make_meta(rng, key, self.by_path.__contains__, self.clock, post_id)
        real = arabic.all_metas()
        base = real[(self.base_count + key) % len(real)]
        folder = arabic.folder_at(base.path, self.clock)
        title = base.title
        path = f"{folder}/{arabic.slug(title, self.clock)}"
        n = 1
        while path in self.by_path:
            # In front: a slug keeps the title's first 60 characters.
            n += 1
            title = f"({n}) {base.title}"
            path = f"{folder}/{arabic.slug(title, self.clock)}"
        return replace(
            base,
            key=key,
            post_id=post_id,
            path=path,
            title=title,
            published=self.clock,
            modified=self.clock + rng.randint(0, 600),
            body_version=0,
        )

    def _edited_title(self, meta: Meta, rng: random.Random) -> str:
        if self.code == "en":
            return english.make_title(rng)
        if self.code == "es":
            return spanish.make_title(rng)
        return f"{meta.title.removesuffix(' - محدّث')} - محدّث"
