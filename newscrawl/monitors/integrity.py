"""The ``damaged_pages`` health check: article pages that stayed damaged after their retries
(random bytes, HTML cut short, a body far shorter than the page promises, neither an article
nor a listing; see :mod:`newscrawl.integrity`), against the article pages judged.

Such pages are never stored, and the next run fetches them again; a run that met more of them
than ``NEWSCRAWL_HEALTH_MAX_DAMAGED_RATIO`` allows is unhealthy (exit 3), naming the damage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newscrawl.integrity import DAMAGED_STAT, WHOLE_STAT
from newscrawl.monitors.checks import Check


def check_damaged(stats: Mapping[str, Any], max_ratio: float) -> Check:
    """Damaged article pages, by kind, per article page judged (whole or damaged)."""
    by_kind = {
        key[len(DAMAGED_STAT) :]: int(value)
        for key, value in sorted(stats.items())
        if key.startswith(DAMAGED_STAT) and isinstance(value, int) and value
    }
    damaged = sum(by_kind.values())
    judged = damaged + int(stats.get(WHOLE_STAT, 0))
    ratio = damaged / judged if judged else 0.0
    figures = {"damaged": damaged, "by_kind": by_kind, "article_pages": judged,
               "ratio": round(ratio, 4), "max_ratio": max_ratio}  # fmt: skip
    text = (
        f"{damaged} of {judged} article pages damaged after their retries ({ratio:.1%}, "
        f"limit {max_ratio:.1%})"
    )
    if damaged:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1]))
        text += f": {kinds}; not stored, fetched again by the next run"
    return Check("damaged_pages", ratio <= max_ratio, text, figures)
