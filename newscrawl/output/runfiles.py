"""Where a run writes: the default feed path, and the rejects, summary and stats files beside it.

The feed itself is Scrapy's FEEDS with the jsonlines format. When the user gives ``-o``/``-O``
(FEEDS set on the command line) nothing is added; otherwise the run writes
``{NEWSCRAWL_OUTPUT_DIR}/almayadeen/{edition}/{date}T{time}.jsonl``.

Every file of a run shares one *stem*, settled once before any of them is opened: the feed's
name without ``.jsonl``, moved on to ``{stem}-2``, ``-3``… while any file of that family exists
(a feed, its ``.part``, rejects, summary, stats or health of an earlier run), so a run never
overwrites another run's files and its files never get mixed with another's (``-O`` keeps the
name: it asks for those very files to be replaced). A feed the user names with ``-o`` is used
as given, with Scrapy's meaning (appended to when it exists); only the run's own files beside
it move on to a free stem. The family of ``X.jsonl``:

- ``X.rejects.jl``: the rejected records, JSON Lines, written as ``X.rejects.jl.part``; named so
  that a ``*.jsonl`` glob over the feed folder reads articles only;
- ``X.summary.json``: the run summary; ``X.stats.json``: the run's outcome for schedulers;
- ``X.health.json``: the run's health checks (``newscrawl.monitors``);
- ``X.00000.warc.gz``, ``X.00001.warc.gz``…: the pages the run fetched, with
  ``-s NEWSCRAWL_ARCHIVE=warc`` (``newscrawl.archive``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy.settings import BaseSettings

from newscrawl.commands.inspect import INSPECT
from newscrawl.config import crawl_settings
from newscrawl.output.feeds import part_path

#: Settings keys the output layer sets for the other components of the run.
RUN_FEED = "NEWSCRAWL_RUN_FEED"
RUN_REJECTS = "NEWSCRAWL_RUN_REJECTS"
RUN_SUMMARY = "NEWSCRAWL_RUN_SUMMARY"
RUN_STATS = "NEWSCRAWL_RUN_STATS"
RUN_HEALTH = "NEWSCRAWL_RUN_HEALTH"
#: The run's web archive, ``X`` (its files are ``X.00000.warc.gz``…; :mod:`newscrawl.archive`).
RUN_ARCHIVE = "NEWSCRAWL_RUN_ARCHIVE"

#: The suffixes of the files beside the feed ``X.jsonl`` (``X`` is the run's stem).
REJECTS_SUFFIX = ".rejects.jl"
SUMMARY_SUFFIX = ".summary.json"
STATS_SUFFIX = ".stats.json"
HEALTH_SUFFIX = ".health.json"


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


def rejects_for(feed: Path) -> Path:
    """``X.rejects.jl`` for the feed ``X.jsonl`` (any last suffix)."""
    return feed.with_name(_stem(feed.name) + REJECTS_SUFFIX)


def run_family(base: Path, feed_suffix: str | None) -> list[Path]:
    """Every file a run with stem ``base`` may write (with the feed when it is local)."""
    suffixes = (REJECTS_SUFFIX, SUMMARY_SUFFIX, STATS_SUFFIX, HEALTH_SUFFIX)
    names = [f"{base.name}{suffix}" for suffix in suffixes]
    if feed_suffix is not None:
        names.append(base.name + feed_suffix)
    paths = [base.with_name(name) for name in names]
    return paths + [part_path(path) for path in paths]


def free_run_base(base: Path, feed_suffix: str | None) -> Path:
    """``base``, or ``base-2``, ``base-3``… when a file of that run family exists."""
    candidate, counter = base, 1
    while any(path.exists() for path in run_family(candidate, feed_suffix)):
        counter += 1
        candidate = base.with_name(f"{base.name}-{counter}")
    return candidate


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def configure_output(settings: BaseSettings, edition: str, now: datetime | None = None) -> None:
    """Add the default feed unless the user gave one, settle the run's stem, and place
    rejects, summary and stats beside the (first local) feed."""
    if settings.getbool(INSPECT):
        return  # scrapy shell / parse: not a run, no files
    output_dir = Path(crawl_settings(settings).output_dir)
    feeds = settings.getdict("FEEDS")
    stamp = run_stamp(now)
    user_feed = bool(feeds)
    if not feeds and crawl_settings(settings).default_feed:
        feed = output_dir / "almayadeen" / edition / f"{stamp}.jsonl"
        feeds = {str(feed): {"format": "jsonlines", "encoding": "utf-8"}}
        settings.set("FEEDS", feeds, priority="spider")
    uri, feed_path = None, None
    for uri in feeds:
        feed_path = local_feed_path(str(uri))
        if feed_path is not None:
            break
    if feed_path is not None and "%(" in str(feed_path):
        # A templated URI (%(name)s, %(time)s, …) names its file only when the feed opens.
        feed_path = None
    if feed_path is not None:
        base = feed_path.with_name(_stem(feed_path.name))
        suffix = feed_path.name[len(base.name) :]
        overwrite = bool((feeds[uri] or {}).get("overwrite"))
        if overwrite:
            settled = base
        elif user_feed:
            # The user's -o file is used as given (appended to); only the run's own files
            # beside it move on to a free stem.
            settled = free_run_base(base, None)
        else:
            settled = free_run_base(base, suffix)
        if settled != base and not user_feed:
            # The name is taken: the default feed moves on with the rest of the run's files.
            feed_path = settled.with_name(settled.name + suffix)
            renamed = {(str(feed_path) if key == uri else key): opts for key, opts in feeds.items()}
            settings.set("FEEDS", renamed, priority="spider")
        base = settled
        settings.set(RUN_FEED, str(feed_path), priority="spider")
    else:
        base = free_run_base(output_dir / "almayadeen" / edition / stamp, None)
    for key, suffix in ((RUN_REJECTS, REJECTS_SUFFIX), (RUN_SUMMARY, SUMMARY_SUFFIX),
                        (RUN_STATS, STATS_SUFFIX), (RUN_HEALTH, HEALTH_SUFFIX)):  # fmt: skip
        if not settings.get(key):
            settings.set(key, f"{base}{suffix}", priority="spider")
    if not settings.get(RUN_ARCHIVE):
        settings.set(RUN_ARCHIVE, str(base), priority="spider")
