"""One run's health: its figures, the job's history, the checks' results, where files go."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newscrawl.archive.replay import REEXTRACT
from newscrawl.config import crawl_settings
from newscrawl.discovery.args import DEFAULT_SOURCES, CrawlArgs
from newscrawl.monitors.checks import REEXTRACT_MODE, Check, Limits, RunFigures
from newscrawl.monitors.exit import ExitStatus, exit_reasons, exit_status, record_exit
from newscrawl.monitors.history import history_path, read_history
from newscrawl.output.runfiles import HEALTH_SUFFIX, RUN_FEED, RUN_HEALTH
from newscrawl.state.session import session_for, state_dir

logger = logging.getLogger(__name__)

#: The exit reason, and the stat with the errors, of a judgement that failed (exit status 1).
JUDGEMENT_REASON = "health_judgement"
JUDGEMENT_ERROR_STAT = "newscrawl/health/judgement_errors"

#: The arguments that limit a run to part of the site.
LIMITING = ("sections", "since", "until", "max_articles")

_RUNS: WeakKeyDictionary[Crawler, HealthRun] = WeakKeyDictionary()


def job_name(crawler: Crawler) -> str:
    """``NEWSCRAWL_JOB``, else the spider's name and the job's state directory."""
    settings = crawler.settings
    configured = crawl_settings(settings).job
    if configured:
        return configured
    name = getattr(crawler.spidercls, "name", None) or "crawl"
    return f"{name} ({state_dir(settings)})"


def health_path(crawler: Crawler) -> Path | None:
    """``X.health.json`` beside the feed ``X.jsonl`` (the run's settled stem), or beside the
    first feed a templated feed URI named."""
    settings = crawler.settings
    session = session_for(crawler)
    if not settings.get(RUN_FEED) and session is not None and session.feeds:
        name = session.feeds[0].name.removesuffix(".part").removesuffix(".jsonl")
        return session.feeds[0].with_name(name + HEALTH_SUFFIX)
    configured = settings.get(RUN_HEALTH)
    return Path(configured) if configured else None


def run_scope(settings: BaseSettings) -> str:
    """What part of the site a run was asked for, "" for the whole crawl: a cap, a date window,
    sections, other discovery sources (``-a`` arguments) or a CLOSESPIDER limit. Runs are
    compared with runs of the same scope only."""
    args = CrawlArgs.from_settings(settings)
    config = crawl_settings(settings)
    parts = [f"{name}={value}" for name, value in args.to_settings_values().items()
             if name in LIMITING and value not in (None, "")]  # fmt: skip
    if args.discover != DEFAULT_SOURCES:
        parts.append("discover=" + ",".join(args.discover))
    if config.closespider_itemcount:
        parts.append(f"CLOSESPIDER_ITEMCOUNT={config.closespider_itemcount}")
    if config.closespider_pagecount:
        parts.append(f"CLOSESPIDER_PAGECOUNT={config.closespider_pagecount}")
    return " ".join(parts)


def judgement_failed(crawler: Crawler, where: str, trace: str) -> list[str]:
    """A monitor or the health report raised: log the traceback and make the run exit 1 (a
    crash), with the error in the stats for the health file and the crawl command's ``error:``
    line. Returns every such error of the run."""
    logger.error("Health judgement failed in %s:\n%s", where, trace.rstrip())
    last = trace.strip().splitlines()[-1] if trace.strip() else "unknown error"
    stats = crawler.stats
    assert stats is not None
    errors = [*(stats.get_value(JUDGEMENT_ERROR_STAT) or []), f"{where}: {last}"]
    record_exit(stats, JUDGEMENT_REASON, ExitStatus.CRASH)
    stats.set_value(JUDGEMENT_ERROR_STAT, errors)
    return errors


@dataclass
class HealthRun:
    crawler: Crawler
    scope: str
    job: str
    mode: str
    limits: Limits
    history_file: Path | None
    history: list[dict[str, Any]]
    checks: list[Check] = field(default_factory=list)
    judged_at: str = ""

    @classmethod
    def of(cls, crawler: Crawler) -> HealthRun:
        """The run's health, built on first use (when the monitors start)."""
        run = _RUNS.get(crawler)
        if run is None:
            settings = crawler.settings
            session = session_for(crawler)
            # The job's history is the job's runs': a run without crawl state (an export, or
            # the state turned off) neither reads nor writes it.
            history_file = history_path(session.dir) if session is not None else None
            run = cls(
                crawler=crawler,
                scope=run_scope(settings),
                job=job_name(crawler),
                mode=REEXTRACT_MODE
                if settings.get(REEXTRACT)
                else session.mode.value
                if session is not None
                else "stateless",
                limits=Limits.from_settings(settings),
                history_file=history_file,
                history=read_history(history_file),
            )
            _RUNS[crawler] = run
        return run

    @property
    def stats(self) -> dict[str, Any]:
        assert self.crawler.stats is not None
        return self.crawler.stats.get_stats()

    def figures(self) -> RunFigures:
        return RunFigures.from_stats(self.stats, self.mode, self.scope)

    @property
    def failed(self) -> list[Check]:
        """Failed checks, most severe first."""
        return sorted((c for c in self.checks if not c.ok), key=lambda c: -c.exit_status)

    @property
    def healthy(self) -> bool:
        return not self.failed and not self.errors

    @property
    def errors(self) -> list[str]:
        """What failed in the judgement itself (:func:`judgement_failed`)."""
        return list(self.stats.get(JUDGEMENT_ERROR_STAT) or [])

    def exit_status(self) -> int:
        return exit_status(self.stats)

    def previous_healthy(self) -> bool | None:
        """Whether the job's last run before this one was healthy (None: no earlier run)."""
        return bool(self.history[-1].get("healthy")) if self.history else None

    def report(self) -> dict[str, Any]:
        figures = self.figures()
        return {
            "job": self.job,
            "healthy": self.healthy,
            "exit_status": self.exit_status(),
            "exit_reasons": exit_reasons(self.stats),
            "mode": self.mode,
            "site": figures.site,
            "finish_reason": figures.finish_reason,
            "judged_at": self.judged_at,
            "judgement_failed": bool(self.errors),
            "judgement_errors": list(self.errors),
            "checks": [check.as_dict() for check in self.checks],
        }

    def history_entry(self) -> dict[str, Any]:
        figures = self.figures()
        return {
            "finished_at": self.judged_at,
            "mode": self.mode,
            "scope": self.scope,
            "finish_reason": figures.finish_reason,
            "articles": figures.articles,
            "records": figures.records,
            "pages": figures.pages,
            "coverage": figures.coverage(),
            "healthy": self.healthy,
            "exit_status": self.exit_status(),
        }

    def stamp(self) -> None:
        self.judged_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
