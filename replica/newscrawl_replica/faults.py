"""Which response misbehaves, decided per (path, attempt) so a retry eventually succeeds,
the hostile fixtures (victim articles, traps, gzip bomb, oversized page), and the damaged
article pages of a broken proxy (random bytes, cut HTML), the same on every attempt.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from newscrawl_replica.model import Meta
from newscrawl_replica.site import Site

#: The third attempt of any URL never fails, so two retries always reach the page.
LAST_FAULTY_ATTEMPT = 2
BOMB_INFLATED = 110 * 1024 * 1024
OVERSIZED_BYTES = 21 * 1024 * 1024

FLAKY_TABLE: tuple[tuple[float, str], ...] = (
    (0.02, "500"),
    (0.03, "503"),
    (0.05, "429"),
    (0.07, "slow"),
    (0.09, "truncate"),
)


def flaky_fault(seed: int, path_qs: str, attempt: int) -> str | None:
    """The fault (if any) for the ``attempt``-th request (1-based) of ``path_qs``."""
    if attempt > LAST_FAULTY_ATTEMPT:
        return None
    roll = random.Random(f"fault:{seed}:{path_qs}:{attempt}").random()
    for limit, fault in FLAKY_TABLE:
        if roll < limit:
            return fault
    return None


@dataclass
class Hostile:
    """Articles the hostile mode damages, by key, and what happens to each."""

    victims: dict[int, str] = field(default_factory=dict)

    #: Faults after which a sane crawler cannot extract the article.
    UNREACHABLE = frozenset({"oversized", "bomb", "loop"})

    @classmethod
    def choose(cls, site: Site) -> Hostile:
        rng = random.Random(f"hostile:{site.seed}")
        keys = [k for k in range(site.base_count) if k not in site.pinned]
        rng.shuffle(keys)
        victims: dict[int, str] = {}
        for kind in ("oversized", "bomb", "loop"):
            if keys:
                victims[keys.pop()] = kind
        share = max(1, len(keys) // 30)
        for kind in ("malformed", "charset"):
            for _ in range(share):
                if keys:
                    victims[keys.pop()] = kind
        return cls(victims)

    def reachable(self, meta: Meta) -> bool:
        return self.victims.get(meta.key) not in self.UNREACHABLE

    def kind(self, meta: Meta) -> str | None:
        return self.victims.get(meta.key)


#: What a broken proxy does to a damaged article page, in turn.
DAMAGE_KINDS = ("bytes", "cut")
#: The share of the page a cut page keeps.
CUT_SHARE = 0.4


@dataclass
class Damaged:
    """Article pages a broken proxy answers 200 with damage, by key: ``bytes`` (random bytes
    the length of the page) or ``cut`` (the first 40% of the page's HTML, with a matching
    Content-Length). The same pages on every attempt; the truth still lists them all."""

    victims: dict[int, str] = field(default_factory=dict)
    seed: int = 1

    @classmethod
    def choose(cls, site: Site, share: float) -> Damaged:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"--damaged-share must be between 0 and 1, not {share}")
        rng = random.Random(f"damaged:{site.seed}")
        keys = [k for k in range(site.base_count) if k not in site.pinned]
        rng.shuffle(keys)
        count = round(share * site.base_count)
        chosen = sorted(keys[:count])
        return cls(
            {k: DAMAGE_KINDS[i % len(DAMAGE_KINDS)] for i, k in enumerate(chosen)}, site.seed
        )

    def kind(self, meta: Meta) -> str | None:
        return self.victims.get(meta.key)

    def body(self, meta: Meta, page: bytes) -> bytes:
        """What the proxy sends instead of ``page`` (the page itself if not a victim)."""
        kind = self.victims.get(meta.key)
        if kind == "bytes":
            return random.Random(f"damaged:{self.seed}:{meta.key}").randbytes(len(page))
        if kind == "cut":
            return page[: int(len(page) * CUT_SHARE)]
        return page


TRAP_LINKS: tuple[tuple[str, str], ...] = (
    ("/archive/calendar/2024/7/15", "Archive"),
    ("/most-popular?page=1", "Most popular"),
    ("/redirect/loop", "Breaking updates"),
    ("/media/archive.html", "Media archive"),
    ("/downloads/full-archive.html", "Full archive"),
)


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """A small gzip body (~110 KB) that inflates to BOMB_INFLATED bytes of HTML-ish zeros."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1024 * 1024)
    parts = [comp.compress(b"<!DOCTYPE html><html><body>")]
    parts += [comp.compress(chunk) for _ in range(BOMB_INFLATED // len(chunk))]
    parts.append(comp.flush())
    return b"".join(parts)


def malform(html: str) -> str:
    """Break the markup the way careless templates do; the text stays recoverable."""
    html = html.replace("</p>", "").replace("</li>", "")
    return html.replace("<main>", "<main></div></span><table><tr><td>stray</table></span>", 1)
