"""One run's health: its figures, the job's history, the checks' results, where files go."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler

from newscrawl.archive.replay import REEXTRACT
from newscrawl.monitors.checks import REEXTRACT_MODE, Check, Limits, RunFigures
from newscrawl.monitors.exit import exit_reasons, exit_status
from newscrawl.monitors.history import history_path, read_history
from newscrawl.output.runfiles import HEALTH_SUFFIX, RUN_FEED, RUN_HEALTH
from newscrawl.state.session import session_for, state_dir

_RUNS: WeakKeyDictionary[Crawler, HealthRun] = WeakKeyDictionary()


def job_name(crawler: Crawler) -> str:
    """``NEWSCRAWL_JOB``, else the spider's name and the job's state directory."""
    settings = crawler.settings
    configured = settings.get("NEWSCRAWL_JOB")
    if configured:
        return str(configured)
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


@dataclass
class HealthRun:
    crawler: Crawler
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
            history_file = (
                history_path(state_dir(settings))
                if settings.getbool("NEWSCRAWL_STATE_ENABLED", True)
                else None
            )
            run = cls(
                crawler=crawler,
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
        return RunFigures.from_stats(self.stats, self.mode)

    @property
    def failed(self) -> list[Check]:
        """Failed checks, most severe first."""
        return sorted((c for c in self.checks if not c.ok), key=lambda c: -c.exit_status)

    @property
    def healthy(self) -> bool:
        return not self.failed

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
            "checks": [check.as_dict() for check in self.checks],
        }

    def history_entry(self) -> dict[str, Any]:
        figures = self.figures()
        return {
            "finished_at": self.judged_at,
            "mode": self.mode,
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
