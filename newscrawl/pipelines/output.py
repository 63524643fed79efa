"""Where a run writes: the default feed path, and the rejects and summary files beside it.

The feed itself is Scrapy's FEEDS with the jsonlines format. When the user gives ``-o``/``-O``
(FEEDS set on the command line) nothing is added; otherwise the run writes
``{NEWSCRAWL_OUTPUT_DIR}/almayadeen/{edition}/{date}T{time}.jsonl``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy.settings import BaseSettings

#: Settings keys the output layer sets for the other components of the run.
RUN_FEED = "NEWSCRAWL_RUN_FEED"
RUN_REJECTS = "NEWSCRAWL_RUN_REJECTS"
RUN_SUMMARY = "NEWSCRAWL_RUN_SUMMARY"


def run_stamp(now: datetime | None = None) -> str:
    """``2026-11-27T14-05-01Z``: the run's start, UTC, safe in a file name."""
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H-%M-%SZ")


def local_feed_path(uri: str) -> Path | None:
    """The local file a feed URI writes to, or ``None`` for remote and stdout feeds."""
    if uri in ("-", "stdout:"):
        return None
    parts = urlsplit(uri)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if not parts.scheme or len(parts.scheme) == 1:  # a plain path (or a Windows drive)
        return Path(uri)
    return None


def configure_output(settings: BaseSettings, edition: str, now: datetime | None = None) -> None:
    """Add the default feed unless the user gave one, and place rejects and summary beside
    the (first local) feed."""
    output_dir = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
    feeds = settings.getdict("FEEDS")
    stamp = run_stamp(now)
    if not feeds and settings.getbool("NEWSCRAWL_DEFAULT_FEED", True):
        feed = output_dir / "almayadeen" / edition / f"{stamp}.jsonl"
        feeds = {str(feed): {"format": "jsonlines", "encoding": "utf-8"}}
        settings.set("FEEDS", feeds, priority="spider")
    feed_path: Path | None = None
    for uri in feeds:
        feed_path = local_feed_path(str(uri))
        if feed_path is not None:
            break
    if feed_path is not None and "%(" in str(feed_path):
        # A templated URI (%(name)s, %(time)s, …) names its file only when the feed opens.
        feed_path = None
    if feed_path is not None:
        stem = feed_path.name.rsplit(".", 1)[0] if "." in feed_path.name else feed_path.name
        base = feed_path.parent / stem
        settings.set(RUN_FEED, str(feed_path), priority="spider")
    else:
        base = output_dir / "almayadeen" / edition / stamp
    if not settings.get(RUN_REJECTS):
        settings.set(RUN_REJECTS, f"{base}.rejects.jsonl", priority="spider")
    if not settings.get(RUN_SUMMARY):
        settings.set(RUN_SUMMARY, f"{base}.summary.json", priority="spider")
