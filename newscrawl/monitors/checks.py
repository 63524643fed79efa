"""The health checks, as pure functions over a run's figures and the job's history.

Each check gives a :class:`Check`: its name, whether it passed, one clear message, the figures
it judged, and the exit status it asks for when it fails (``newscrawl.monitors.exit``). The
spidermon monitors (``newscrawl.monitors.suites``) run them when the spider closes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.archive.replay import PAGES_STAT as ARCHIVED_PAGES_STAT
from newscrawl.config import crawl_settings
from newscrawl.monitors.blocks import BLOCKED, FINISH_REASON, advice
from newscrawl.monitors.exit import ExitStatus
from newscrawl.monitors.figures import (
    CHALLENGED_STAT,
    COVERAGE,
    DATES,
    ITEM_ERRORS,
    REACH,
    RECORDS_STAT,
    SITE_STAT,
)
from newscrawl.monitors.history import median_of, recent
from newscrawl.schema import FIELDS
from newscrawl.stopping import STOP_STAT

#: The mode a re-extraction run is judged and remembered under (``-a reextract=DIR``).
REEXTRACT_MODE = "reextract"


#: Failed-request kinds that are the crawl's own choices, not failures of the site.
POLICY_KINDS = ("refused/robots", "refused/offsite")
#: Failed-request kinds a check of their own judges: damaged pages (``damaged_pages``).
OWN_CHECK_KINDS = ("damaged",)
#: Statuses of a site that refuses the crawler.
REFUSING_STATUSES = {"401", "403", "429"}


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    figures: dict[str, Any] = field(default_factory=dict)
    #: The status asked for when the check fails.
    exit_status: int = ExitStatus.UNHEALTHY

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "message": self.message,
            "exit_status": 0 if self.ok else int(self.exit_status),
            "figures": self.figures,
        }


@dataclass(frozen=True)
class Limits:
    """The thresholds, from ``NEWSCRAWL_HEALTH_*`` settings (see ``monitors/settings.py``)."""

    finish_reasons: tuple[str, ...] = ("finished", "max_articles")
    min_articles: int = 1
    min_articles_ratio: float = 0.2
    history_runs: int = 10
    max_error_rate: float = 0.05
    max_exception_rate: float = 0.001
    max_rejects_ratio: float = 0.05
    coverage_drop: float = 0.3
    coverage_min_records: int = 20

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Limits:
        config = crawl_settings(settings)
        return cls(
            finish_reasons=tuple(config.health_finish_reasons),
            min_articles=config.health_min_articles,
            min_articles_ratio=config.health_min_articles_ratio,
            history_runs=config.health_history_runs,
            max_error_rate=config.health_max_error_rate,
            max_exception_rate=config.health_max_exception_rate,
            max_rejects_ratio=config.health_max_rejects_ratio,
            coverage_drop=config.health_coverage_drop,
            coverage_min_records=config.health_coverage_min_records,
        )


@dataclass
class RunFigures:
    """The figures of one run the checks read, taken from the crawler stats."""

    site: str
    mode: str
    finish_reason: str
    pages: int
    records: int
    new: int
    updated: int
    rejects: int
    errors: dict[str, int]
    #: Exceptions raised in the spider's callbacks (and its middlewares), by class.
    exceptions: dict[str, int]
    #: Exceptions raised by item pipelines (not drops), by class.
    item_errors: dict[str, int]
    reach: dict[str, dict[str, int]]
    challenged: int
    challenge: dict[str, int]
    filled: dict[str, int]
    dates: dict[str, Any]
    #: The signal that stopped the run on request (``SIGTERM``, ``SIGINT``), or None.
    stopped_by: str | None = None
    #: Records that came out of the pipelines (what the feeds were given).
    scraped: int = 0
    #: What part of the site the run was asked for ("" the whole crawl; see ``run_scope``):
    #: floors and baselines compare runs of the same scope only.
    scope: str = ""
    #: Pages a re-extraction read from the archive (``newscrawl.archive.replay``).
    archived_pages: int = 0
    #: Plain blocks (``newscrawl.monitors.blocks``) by part (``feed``, ``pages``), and the
    #: first paths of each part (``feed_paths``, ``pages_paths``).
    blocked: dict[str, int] = field(default_factory=dict)
    blocked_paths: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any], mode: str, scope: str = "") -> RunFigures:
        reach: dict[str, dict[str, int]] = {"listing": {}, "sitemap": {}}
        for key, value in stats.items():
            if key.startswith(REACH) and key.count("/") == 3:
                role, status = key[len(REACH) :].split("/")
                reach.setdefault(role, {})[status] = int(value)
        return cls(
            site=str(stats.get(SITE_STAT) or "the site"),
            mode=mode,
            finish_reason=str(stats.get("finish_reason") or "unknown"),
            pages=int(stats.get("response_received_count", 0)),
            records=int(stats.get(RECORDS_STAT, 0)),
            new=int(stats.get("newscrawl/state/new", 0)),
            updated=int(stats.get("newscrawl/state/updated", 0)),
            rejects=int(stats.get("newscrawl/rejects", 0)),
            errors=_prefixed(stats, "newscrawl/errors/"),
            exceptions={
                k: v for k, v in _prefixed(stats, "spider_exceptions/").items() if k != "count"
            },
            item_errors=_prefixed(stats, ITEM_ERRORS),
            reach=reach,
            challenged=int(stats.get(CHALLENGED_STAT, 0)),
            challenge=_prefixed(stats, "newscrawl/challenge/"),
            filled={name: int(stats.get(f"{COVERAGE}{name}", 0)) for name in FIELDS},
            dates={k: v for k, v in stats.items() if k.startswith(DATES)},
            stopped_by=stats.get(STOP_STAT),
            scraped=int(stats.get("item_scraped_count", 0)),
            scope=scope,
            archived_pages=int(stats.get(ARCHIVED_PAGES_STAT, 0)),
            blocked=_prefixed(stats, BLOCKED),
            blocked_paths={
                k[len(BLOCKED) :]: str(v)
                for k, v in stats.items()
                if k.startswith(BLOCKED) and k.endswith("_paths")
            },
        )

    @property
    def articles(self) -> int:
        """What the article floor judges: the new and changed records of an incremental run
        (known ones are not fetched), every record handed to the feeds otherwise (not the
        records a cap dropped)."""
        if self.mode in ("incremental", REEXTRACT_MODE):
            return self.new + self.updated
        return self.scraped

    @property
    def raised(self) -> dict[str, int]:
        """Exceptions of the spider (``spider ValueError``) and the pipelines (``item …``)."""
        raised = {f"spider {k}": v for k, v in self.exceptions.items()}
        raised.update({f"item {k}": v for k, v in self.item_errors.items()})
        return raised

    @property
    def failed(self) -> dict[str, int]:
        skip = POLICY_KINDS + OWN_CHECK_KINDS
        return {k: v for k, v in self.errors.items() if not k.startswith(skip)}

    def coverage(self) -> dict[str, float]:
        if not self.records:
            return {}
        return {name: round(count / self.records, 4) for name, count in self.filled.items()}

    def start_pages(self) -> tuple[int, dict[str, int]]:
        """Listing and sitemap pages that answered 200, and every other answer by status."""
        ok, other = 0, dict[str, int]()
        for role, statuses in self.reach.items():
            for status, count in statuses.items():
                if status == "200":
                    ok += count
                else:
                    other[f"{role} {status}"] = other.get(f"{role} {status}", 0) + count
        return ok, other


def _prefixed(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {
        k[len(prefix) :]: int(v)
        for k, v in sorted(stats.items())
        if k.startswith(prefix) and isinstance(v, int)
    }


def _kinds(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"


# -- the checks --------------------------------------------------------------------------------


def _stopped(name: str, fig: RunFigures) -> Check | None:
    """A check of the whole run is not judged on a run a signal stopped before its end."""
    if fig.stopped_by is None:
        return None
    return Check(name, True, f"not judged: {fig.stopped_by} stopped the run before its end",
                 {"stopped_by": fig.stopped_by})  # fmt: skip


def check_finish(fig: RunFigures, limits: Limits) -> Check:
    if stopped := _stopped("finish_reason", fig):
        return stopped
    ok = fig.finish_reason in limits.finish_reasons
    return Check(
        "finish_reason",
        ok,
        f"the run ended with {fig.finish_reason!r}"
        + ("" if ok else f", not {' or '.join(map(repr, limits.finish_reasons))}"),
        {"finish_reason": fig.finish_reason},
    )


def blocked_by(fig: RunFigures) -> str | None:
    """Why the site counts as blocking the crawl, or None."""
    unsolved = fig.challenged
    if unsolved and (fig.records == 0 or unsolved * 20 > fig.pages):
        given = {k: v for k, v in fig.challenge.items() if k != "challenged"}
        how = (
            "browser solving is off or failed"
            if not fig.challenge.get("solved")
            else "solves did not last"
        )
        return (
            f"{unsolved} of {fig.pages} answers were challenges left unsolved ({how}"
            + (f"; challenge stats: {_kinds(given)}" if given else "")
            + ")"
        )
    pages_blocked = fig.blocked.get("pages", 0)
    if pages_blocked and (
        fig.finish_reason == FINISH_REASON or fig.records == 0 or pages_blocked * 20 > fig.pages
    ):
        feed = fig.blocked_paths.get("feed_paths")
        return (
            f"{pages_blocked} of {fig.pages} answers were a plain 403/429 (Server: cloudflare, "
            f"no challenge), at {fig.blocked_paths.get('pages_paths', '?')}"
            + (f" (and the feed at {feed})" if feed else "")
            + f"; {advice()}"
        )
    if fig.finish_reason == "browser_missing":
        return "a challenge needed the browser and none could start"
    ok, other = fig.start_pages()
    refused = {k: v for k, v in other.items() if k.rsplit(" ", 1)[-1] in REFUSING_STATUSES}
    if not ok and refused:
        return f"no listing or sitemap page answered 200; refused: {_kinds(refused)}"
    return None


def check_reachable(fig: RunFigures) -> Check:
    ok_pages, other = fig.start_pages()
    figures = {"site": fig.site, "pages": fig.pages, "start_pages_200": ok_pages,
               "start_pages_other": other, "failed_requests": fig.failed}  # fmt: skip
    if fig.pages == 0 and not fig.failed:
        # Nothing was asked of the site (a worker that found the shared frontier drained):
        # no evidence either way, and "unreachable" would be a wrong claim.
        return Check(
            "site_reachable",
            True,
            f"no request was made to {fig.site}",
            figures,
            ExitStatus.UNREACHABLE,
        )
    if fig.pages == 0:
        return Check(
            "site_reachable",
            False,
            f"site {fig.site} unreachable: no page answered; "
            f"{sum(fig.failed.values())} requests failed ({_kinds(fig.failed)})",
            figures,
            ExitStatus.UNREACHABLE,
        )
    if ok_pages == 0 and fig.records == 0 and blocked_by(fig) is None:
        return Check(
            "site_reachable",
            False,
            f"site {fig.site} unreachable: no listing or sitemap page answered 200 "
            f"({_kinds(other)}); {sum(fig.failed.values())} requests failed "
            f"({_kinds(fig.failed)})",
            figures,
            ExitStatus.UNREACHABLE,
        )
    return Check(
        "site_reachable",
        True,
        f"site {fig.site} answered {fig.pages} pages ({ok_pages} listing and sitemap pages 200)",
        figures,
        ExitStatus.UNREACHABLE,
    )


def check_not_blocked(fig: RunFigures) -> Check:
    why = blocked_by(fig)
    figures = {"site": fig.site, "unsolved_challenges": fig.challenged, "challenge": fig.challenge}
    if why is not None:
        return Check(
            "site_not_blocked", False, f"site {fig.site} blocked: {why}", figures,
            ExitStatus.UNREACHABLE,
        )  # fmt: skip
    return Check(
        "site_not_blocked",
        True,
        f"no unsolved challenge ({fig.challenge.get('solved', 0)} solved)",
        figures,
        ExitStatus.UNREACHABLE,
    )


def check_articles(fig: RunFigures, history: Sequence[dict[str, Any]], limits: Limits) -> Check:
    if stopped := _stopped("enough_articles", fig):
        return stopped
    if fig.mode == REEXTRACT_MODE:
        # Re-extraction emits only what the reader now reads differently, often nothing: it
        # is judged on having read the archive.
        return Check(
            "enough_articles",
            fig.archived_pages > 0,
            f"re-extraction: {fig.archived_pages} archived pages read, {fig.articles} records "
            "changed",
            {"articles": fig.articles, "mode": fig.mode, "archived_pages": fig.archived_pages},
        )
    # Like with like: runs of the same mode and scope that ran to their end (or their cap).
    alike = [
        run
        for run in history
        if run.get("scope", "") == fig.scope and run.get("finish_reason") in limits.finish_reasons
    ]
    same_mode = recent(alike, limits.history_runs, mode=fig.mode)
    typical = median_of(same_mode, "articles")
    floor = float(limits.min_articles)
    if typical is not None:
        floor = max(floor, limits.min_articles_ratio * typical)
    figures = {"articles": fig.articles, "mode": fig.mode, "floor": round(floor, 2),
               "median_of_recent_runs": typical, "recent_runs": len(same_mode)}  # fmt: skip
    what = "new or changed articles" if fig.mode == "incremental" else "articles"
    if typical is not None:
        basis = (
            f"floor {floor:g}: {limits.min_articles_ratio:.0%} of the median {typical:g} of the "
            f"last {len(same_mode)} {fig.mode} runs, at least {limits.min_articles}"
        )
    else:
        basis = f"floor {floor:g}"
    if fig.articles >= floor:
        return Check("enough_articles", True, f"{fig.articles} {what} ({basis})", figures)
    if fig.mode == "incremental":
        ok_pages, other = fig.start_pages()
        if ok_pages and not other:
            return Check(
                "enough_articles",
                True,
                f"{fig.articles} {what} ({basis}), and the site answered: {ok_pages} listing "
                "and sitemap pages, all 200",
                figures,
            )
        return Check(
            "enough_articles",
            False,
            f"{fig.articles} {what}, below the {basis}, and not every listing or sitemap page "
            f"answered 200 ({ok_pages} did; {_kinds(other)})",
            figures,
        )
    return Check(
        "enough_articles", False, f"only {fig.articles} {what}, below the {basis}", figures
    )


def _per_page(
    name: str, counts: dict[str, int], pages: int, max_rate: float
) -> tuple[int, float, dict[str, Any]]:
    """How many by kind, their rate per page fetched (infinite with no page), and the figures."""
    total = sum(counts.values())
    rate = total / pages if pages else (math.inf if total else 0.0)
    shown = None if math.isinf(rate) else round(rate, 4)
    figures = {name: total, "by_kind": counts, "pages": pages, "rate": shown, "max_rate": max_rate}
    return total, rate, figures


def check_errors(fig: RunFigures, limits: Limits) -> Check:
    failed = fig.failed
    total, rate, figures = _per_page("failed_requests", failed, fig.pages, limits.max_error_rate)
    ok = rate <= limits.max_error_rate
    text = f"{total} failed requests against {fig.pages} pages fetched"
    if fig.pages:
        text += f" ({rate:.1%}, limit {limits.max_error_rate:.1%})"
    if total:
        text += f": {_kinds(failed)}"
    return Check("error_rate", ok, text, figures)


def check_exceptions(fig: RunFigures, limits: Limits) -> Check:
    """Exceptions in the spider's callbacks and in item pipelines: each is a page or a record
    the run lost without a word in the feed or the rejects, so any is a failure unless below
    ``NEWSCRAWL_HEALTH_MAX_EXCEPTION_RATE`` of the pages fetched."""
    raised = fig.raised
    total, rate, figures = _per_page("exceptions", raised, fig.pages, limits.max_exception_rate)
    ok = not total or rate <= limits.max_exception_rate
    text = f"{total} exceptions in the spider and the item pipelines against {fig.pages} pages"
    if total:
        text += f": {_kinds(raised)}"
        if fig.pages:
            text += (
                f" ({rate:.2%}, limit {limits.max_exception_rate:.2%}); see the log's tracebacks"
            )
    return Check("exceptions", ok, text, figures)


def check_rejects(fig: RunFigures, limits: Limits) -> Check:
    judged = fig.records + fig.rejects
    ratio = fig.rejects / judged if judged else 0.0
    ok = ratio <= limits.max_rejects_ratio
    return Check(
        "rejects_ratio",
        ok,
        f"{fig.rejects} of {judged} records rejected ({ratio:.1%}, limit "
        f"{limits.max_rejects_ratio:.1%})",
        {
            "rejects": fig.rejects,
            "records": judged,
            "ratio": round(ratio, 4),
            "max_ratio": limits.max_rejects_ratio,
        },
    )


def coverage_drifts(
    now: Mapping[str, float], records: int, baseline: Mapping[str, float], drop: float
) -> dict[str, tuple[float, float]]:
    """Fields whose share fell below ``(1 - drop)`` of their baseline by more than sampling
    noise (three standard errors of a share over ``records``): field -> (before, now).

    Each field is judged against its own past share, so a sparse field (coverage, video) fails
    only when it falls well below what it usually is, never for being sparse."""
    drifts: dict[str, tuple[float, float]] = {}
    for name, before in baseline.items():
        share = now.get(name, 0.0)
        if before <= 0 or share >= before * (1 - drop):
            continue
        noise = 3 * math.sqrt(before * (1 - before) / records) if records else math.inf
        if before - share > noise:
            drifts[name] = (before, share)
    return drifts


def check_coverage(fig: RunFigures, history: Sequence[dict[str, Any]], limits: Limits) -> Check:
    if stopped := _stopped("field_coverage", fig):
        return stopped
    usable = [
        run
        for run in history
        if run.get("records", 0) >= limits.coverage_min_records
        and run.get("coverage")
        and run.get("scope", "") == fig.scope
    ][-limits.history_runs :]
    figures: dict[str, Any] = {"records": fig.records, "history_runs": len(usable)}
    if fig.records < limits.coverage_min_records or not usable:
        why = (
            f"{fig.records} records, fewer than {limits.coverage_min_records}"
            if fig.records < limits.coverage_min_records
            else "no earlier run to compare with"
        )
        return Check("field_coverage", True, f"not judged: {why}", figures)
    baseline = {
        name: float(median_of([run["coverage"] for run in usable], name) or 0.0) for name in FIELDS
    }
    now = fig.coverage()
    drifts = coverage_drifts(now, fig.records, baseline, limits.coverage_drop)
    figures["drifts"] = {name: {"before": b, "now": n} for name, (b, n) in drifts.items()}
    if not drifts:
        return Check(
            "field_coverage",
            True,
            f"every field's coverage within {limits.coverage_drop:.0%} of its median over the "
            f"last {len(usable)} runs ({fig.records} records)",
            figures,
        )
    parts = [
        f"{name} filled in {n:.1%} of {fig.records} records, against {b:.1%} before"
        for name, (b, n) in sorted(drifts.items())
    ]
    return Check(
        "field_coverage",
        False,
        "field coverage dropped: " + "; ".join(parts) + f" (median of the last {len(usable)} runs)",
        figures,
    )


def check_dates(fig: RunFigures, first_year: int) -> Check:
    future = int(fig.dates.get(f"{DATES}future", 0))
    old = int(fig.dates.get(f"{DATES}too_old", 0))
    figures = {"future": future, "before_first_year": old, "first_year": first_year}
    if not future and not old:
        return Check("date_sanity", True, "no date_published in the future or too old", figures)
    parts = []
    if future:
        parts.append(f"{future} in the future (e.g. {fig.dates.get(f'{DATES}future_example')})")
    if old:
        parts.append(f"{old} before {first_year} (e.g. {fig.dates.get(f'{DATES}too_old_example')})")
    return Check("date_sanity", False, "date_published out of range: " + "; ".join(parts), figures)
