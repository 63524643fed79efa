"""Exact sets of 64-bit hashes that cost about 8 bytes an entry.

A Python ``set`` of URL strings costs 150-250 bytes an entry, a set of ``int`` about 75; a crawl
of a large archive keeps several such sets, one entry per article or request. :class:`HashSet`
keeps its entries in a sorted ``array('Q')`` (8 bytes each), plus a small ordinary set of recent
additions that is merged into the array in bulk once it holds an eighth as many entries (so
each entry is merged a bounded number of times, and lookups stay ``O(log n)``).

Entries are the first 8 bytes of a BLAKE2b digest (:func:`url_hash`): among a million URLs the
chance that any two share a hash is about 3 in 100 million.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from hashlib import blake2b
from itertools import chain

#: Recent additions kept as a plain set before a merge, at least.
MERGE_AT = 4096


def url_hash(text: str) -> int:
    """A 64-bit hash of ``text`` (BLAKE2b, the first 8 bytes, unsigned)."""
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest())


def bytes_hash(digest: bytes) -> int:
    """The first 8 bytes of a digest (such as a request fingerprint) as an unsigned int."""
    return int.from_bytes(digest[:8])


class HashSet:
    """A growing exact set of unsigned 64-bit ints (no removal), 8 bytes an entry once merged."""

    __slots__ = ("_recent", "_sorted")

    def __init__(self, values: Iterable[int] = ()) -> None:
        self._sorted = array("Q")
        self._recent: set[int] = set()
        self.update(values)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __contains__(self, value: object) -> bool:
        if value in self._recent:
            return True
        if not isinstance(value, int):
            return False
        entries = self._sorted
        i = bisect_left(entries, value)
        return i < len(entries) and entries[i] == value

    def __iter__(self) -> Iterator[int]:
        return chain(self._sorted, self._recent)

    def add(self, value: int) -> bool:
        """Add ``value``; whether it was new."""
        if value in self:
            return False
        self._recent.add(value)
        if len(self._recent) >= max(MERGE_AT, len(self._sorted) >> 3):
            self._merge()
        return True

    def update(self, values: Iterable[int]) -> None:
        for value in values:
            self.add(value)

    def _merge(self) -> None:
        # Two sorted runs: timsort merges them in linear time.
        self._sorted = array("Q", sorted(chain(self._sorted, self._recent)))
        self._recent = set()


class UrlSet:
    """A set of URLs (or any strings) kept as their 64-bit hashes: ``add`` and ``in``."""

    __slots__ = ("_hashes",)

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._hashes = HashSet(url_hash(url) for url in urls)

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and url_hash(url) in self._hashes

    def add(self, url: str) -> bool:
        """Add ``url``; whether it was new."""
        return self._hashes.add(url_hash(url))
