"""The crawl state in Redis, shared by every worker of a distributed crawl.

The same interface as :class:`~newscrawl.state.store.CrawlState` (the SQLite state), split by
what is shared and what is not:

- in Redis, shared: the articles (canonical URL -> fingerprint, version, dates, post id), the
  high-water mark, the sitemap marks. Advancing an article is one Lua script (atomic);
- in the worker's own SQLite file, local: its feed files (they are on its disk) and its runs.

Exactly-once across workers: an article version is *claimed* by the feed that holds it. Absorbing
a record succeeds when the version is newer than the one known, or when this very feed already
holds it (so absorbing a feed again after a kill is idempotent); it fails when another feed
holds that version, and the line is then dropped from this feed as a duplicate when the feed is
published (:mod:`newscrawl.state.reconcile`). Within one crawl (``claims``), the content
fingerprint and the post id are claimed in the same script, so one article reached under two
URLs by two workers is kept once, as the single-process de-duplication does.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import redis

from newscrawl.state.store import ArticleState, CrawlState, KnownArticles, utc_now

#: The fields of an article the shared state keeps (as in the SQLite ``articles`` table).
_FIELDS = ("fingerprint", "date_modified", "date_published", "version", "first_seen",
           "last_seen", "post_id")  # fmt: skip

# KEYS: articles, meta, fingerprint claims, post id claims (these two may be '': none), post ids
# ARGV: url, state json, version, fingerprint, post id, owner, date for the newest mark
ABSORB = """
local url, version, owner = ARGV[1], tonumber(ARGV[3]), ARGV[6]
local cur = redis.call('HGET', KEYS[1], url)
local old = nil
if cur then
  old = cjson.decode(cur)
  local known = tonumber(old.version)
  if known > version then return 0 end
  if known == version then
    if old.owner == owner then return 1 end
    return 0
  end
end
if KEYS[3] ~= '' and ARGV[4] ~= '' then
  local by = redis.call('HGET', KEYS[3], ARGV[4])
  if by and by ~= url then return 0 end
end
if KEYS[4] ~= '' and ARGV[5] ~= '' then
  local by = redis.call('HGET', KEYS[4], ARGV[5])
  if by and by ~= url then return 0 end
  redis.call('HSET', KEYS[4], ARGV[5], url)
end
if KEYS[3] ~= '' and ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[4], url) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[5], ARGV[5], url) end
local new = cjson.decode(ARGV[2])
new.owner = owner
if old then
  new.first_seen = old.first_seen
  if old.last_seen > new.last_seen then new.last_seen = old.last_seen end
  if new.post_id == cjson.null or new.post_id == nil then new.post_id = old.post_id end
end
redis.call('HSET', KEYS[1], url, cjson.encode(new))
if ARGV[7] ~= '' then
  local newest = redis.call('HGET', KEYS[2], 'newest')
  if not newest or ARGV[7] > newest then redis.call('HSET', KEYS[2], 'newest', ARGV[7]) end
end
return 1
"""

# KEYS: articles; ARGV: seen, urls
TOUCH = """
local n = 0
for i = 2, #ARGV do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if cur then
    local a = cjson.decode(cur)
    if ARGV[1] > a.last_seen then
      a.last_seen = ARGV[1]
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(a))
      n = n + 1
    end
  end
end
return n
"""


def feed_owner(feed: Path | str) -> str:
    """The name a feed claims its lines under: host and absolute path (stable across restarts
    of the worker, distinct between workers)."""
    return f"{socket.gethostname()}:{Path(feed).resolve()}"


class RedisCrawlState(CrawlState):
    """Articles, high-water mark and sitemap marks in Redis; feeds and runs in local SQLite."""

    def __init__(
        self,
        state_dir: Path | str,
        server: redis.Redis,
        prefix: str,
        claims: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(state_dir)
        self.server = server
        self.prefix = prefix
        self.claims = claims
        self._absorb = server.register_script(ABSORB)
        self._touch = server.register_script(TOUCH)

    @property
    def _articles(self) -> str:
        return f"{self.prefix}:articles"

    @property
    def _meta(self) -> str:
        return f"{self.prefix}:meta"

    @property
    def _sitemaps(self) -> str:
        return f"{self.prefix}:sitemaps"

    @property
    def _post_ids(self) -> str:
        return f"{self.prefix}:post_ids"

    # -- articles ---------------------------------------------------------------------------

    def article(self, url: str) -> ArticleState | None:
        raw = self.server.hget(self._articles, url)
        return _article(url, raw) if raw else None

    def articles(self) -> dict[str, ArticleState]:
        rows: dict[Any, Any] = self.server.hgetall(self._articles)
        return {_text(url): _article(_text(url), raw) for url, raw in rows.items()}

    def known(self) -> KnownArticles:
        """The shared articles, read from Redis when asked: what other workers claim during
        the run is known at once."""
        return RedisKnownArticles(self)

    def article_count(self) -> int:
        return int(self.server.hlen(self._articles))

    def urls(self) -> Iterator[str]:
        for url, _ in self.server.hscan_iter(self._articles, count=1000):
            yield _text(url)

    def url_of_post(self, post_id: str) -> str | None:
        raw = self.server.hget(self._post_ids, post_id)
        return _text(raw) if raw else None

    def absorb(
        self, db: sqlite3.Connection | None, record: Mapping[str, Any], feed: Path | None = None
    ) -> bool:
        """Claim ``record``'s version for ``feed`` (see the module doc); ``db`` is unused."""
        seen = record.get("crawled_at") or utc_now()
        state = {name: record.get(name) for name in _FIELDS}
        state.update(version=int(record["version"]), first_seen=seen, last_seen=seen)
        newest = record.get("date_published") or record.get("date_modified") or ""
        fp_claims, post_claims = self.claims or ("", "")
        done = self._absorb(
            keys=[self._articles, self._meta, fp_claims, post_claims, self._post_ids],
            args=[record["url"], json.dumps(state), int(record["version"]),
                  record.get("fingerprint") or "", record.get("post_id") or "",
                  feed_owner(feed) if feed is not None else "", newest],
        )  # fmt: skip
        return bool(done)

    def claimed_elsewhere(self, record: Mapping[str, Any], feed: Path) -> bool:
        """Whether another feed already holds this version of ``record`` (a cheap look before
        writing it; absorbing decides)."""
        raw = self.server.hget(self._articles, record["url"])
        if not raw:
            return False
        known = json.loads(raw)
        version = int(record.get("version") or 1)
        return int(known["version"]) > version or (
            int(known["version"]) == version and known.get("owner") != feed_owner(feed)
        )

    def touch(self, urls: Iterable[str], seen: str | None = None) -> None:
        seen = seen or utc_now()
        batch: list[str] = []
        for url in urls:
            batch.append(url)
            if len(batch) >= 500:
                self._touch(keys=[self._articles], args=[seen, *batch])
                batch = []
        if batch:
            self._touch(keys=[self._articles], args=[seen, *batch])

    def touch_where(self, seen_now: Callable[[str], bool], batch: int = 500) -> int:
        seen = [url for url in self.urls() if seen_now(url)]
        self.touch(seen)
        return len(seen)

    def newest_article_date(self) -> str | None:
        raw = self.server.hget(self._meta, "newest")
        return _text(raw) if raw else None

    # -- runs (local) and the shared marks ----------------------------------------------------

    def finish_run(
        self, run_id: int, reason: str, complete: bool, sitemaps: Mapping[str, str]
    ) -> None:
        super().finish_run(run_id, reason, complete, {})
        if complete:
            newest = self.newest_article_date()
            if newest:
                self.server.hset(self._meta, "high_water", newest)
            if sitemaps:
                self.server.hset(self._sitemaps, mapping=_plain(sitemaps))

    def high_water_mark(self) -> str | None:
        raw = self.server.hget(self._meta, "high_water")
        return _text(raw) if raw else None

    def sitemap_lastmods(self) -> dict[str, str]:
        rows: dict[Any, Any] = self.server.hgetall(self._sitemaps)
        return {_text(url): _text(lastmod) for url, lastmod in rows.items()}


class RedisKnownArticles(KnownArticles):
    """:class:`~newscrawl.state.store.KnownArticles` over the shared state in Redis.

    :meth:`prefetch` reads a batch of URLs in one ``HMGET`` (the links of one page, say):
    lookups of those URLs then need no round trip of their own until the next batch."""

    def __init__(self, state: RedisCrawlState) -> None:
        self._state = state
        self._batch: dict[str, Any] = {}

    def prefetch(self, urls: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(urls))
        self._batch = {}
        if wanted:
            values = self._state.server.hmget(self._state._articles, wanted)
            self._batch = dict(zip(wanted, values, strict=True))

    def _raw(self, url: str) -> Any:
        if url in self._batch:
            return self._batch[url]
        return self._state.server.hget(self._state._articles, url)

    def __getitem__(self, url: str) -> ArticleState:
        raw = self._raw(url)
        if not raw:
            raise KeyError(url)
        return _article(url, raw)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and bool(self._raw(url))

    def __iter__(self) -> Iterator[str]:
        return self._state.urls()

    def __len__(self) -> int:
        return self._state.article_count()

    def url_of_post(self, post_id: str) -> str | None:
        return self._state.url_of_post(post_id)


def _plain(values: Mapping[str, str]) -> dict[Any, Any]:
    return dict(values)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _article(url: str, raw: Any) -> ArticleState:
    data = json.loads(raw)
    return ArticleState(url=url, **{name: data.get(name) for name in _FIELDS})
