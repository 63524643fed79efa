"""One self-contained HTML page over the dataset and the job's run files.

Charts are PNG images drawn by matplotlib and embedded as ``data:`` URIs (the page needs no
network and no other file); each chart has its numbers in a table beside it. Sections: totals,
articles per day by section, content types, top tags, top authors, field coverage per run (the
share of each run's records that fill each field) and run health over time (the run's
``X.health.json`` verdict when it has one, else its ``X.stats.json``).
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: draw to memory

import matplotlib.pyplot as plt
import pyarrow.compute as pc

from newscrawl.dataset.feeds import RunFiles, find_runs
from newscrawl.dataset.store import Layout, Manifest, open_table
from newscrawl.output.feeds import write_text_atomic

#: Every chart is drawn at this size: WIDTH x HEIGHT pixels.
WIDTH, HEIGHT, DPI = 900, 420, 100
TOP = 15
#: Sections drawn apart in the per-day chart; the rest are summed as "other".
TOP_SECTIONS = 8
NONE = "(none)"


@dataclass
class Figures:
    """Everything the page shows, gathered from the dataset and the run files."""

    current: int = 0
    history: int = 0
    edited: int = 0
    feeds: int = 0
    runs: list[RunFiles] = field(default_factory=list)
    days: Counter[tuple[date, str]] = field(default_factory=Counter)
    undated: int = 0
    sections: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    authors: Counter[str] = field(default_factory=Counter)
    coverage: list[tuple[str, int, dict[str, int]]] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {
            "articles": self.current,
            "versions": self.history,
            "edited": self.edited,
            "feeds": self.feeds,
            "runs": len(self.runs),
        }


def gather(output_dir: Path) -> Figures:
    figures = Figures()
    current = open_table(output_dir, "current")
    if current is not None:
        columns = ["date_published", "section", "content_type", "tags", "authors", "version"]
        table = current.to_table(columns=columns)
        figures.current = table.num_rows
        figures.edited = int(pc.sum(pc.greater(table.column("version"), 1)).as_py() or 0)
        published = table.column("date_published").to_pylist()
        for when, section in zip(published, table.column("section").to_pylist(), strict=True):
            name = section or NONE
            figures.sections[name] += 1
            if when is None:
                figures.undated += 1
            else:
                figures.days[(when.date(), name)] += 1
        figures.types.update(t or NONE for t in table.column("content_type").to_pylist())
        for name, counter in (("tags", figures.tags), ("authors", figures.authors)):
            values = pc.list_flatten(table.column(name))
            counter.update(values.to_pylist())
    history = open_table(output_dir, "history")
    if history is not None:
        figures.history = history.count_rows()
    manifest = Manifest.load(Layout(output_dir).manifest)
    figures.feeds = len(manifest.feeds)
    for rel, entry in sorted(manifest.feeds.items()):
        if entry.get("records"):
            stem = rel.rsplit("/", 1)[-1].removesuffix(".jsonl")
            figures.coverage.append((stem, entry["records"], entry.get("coverage", {})))
    figures.runs = find_runs(output_dir)
    return figures


# -- charts ---------------------------------------------------------------------------------


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure() -> tuple[Any, Any]:
    fig, ax = plt.subplots(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
    return fig, ax


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=14)
    ax.set_xticks([])
    ax.set_yticks([])


def chart_days(figures: Figures) -> str:
    fig, ax = _figure()
    if not figures.days:
        _empty(ax, "no dated articles")
        return _png(fig)
    named = [name for name, _ in figures.sections.most_common(TOP_SECTIONS)]
    days = sorted({day for day, _ in figures.days})
    series: dict[str, list[int]] = {name: [0] * len(days) for name in [*named, "other"]}
    position = {day: i for i, day in enumerate(days)}
    for (day, section), count in figures.days.items():
        series[section if section in named else "other"][position[day]] += count
    drawn = {name: values for name, values in series.items() if any(values)}
    ax.stackplot(days, *drawn.values(), labels=list(drawn), step="post", linewidth=0)
    ax.set_ylabel("articles per day")
    ax.set_title("Articles per day (date published, UTC) by section")
    ax.legend(fontsize=8, ncols=3, loc="upper left")
    fig.autofmt_xdate()
    return _png(fig)


def chart_bars(counts: Sequence[tuple[str, int]], title: str, label: str) -> str:
    fig, ax = _figure()
    if not counts:
        _empty(ax, f"no {label}")
        return _png(fig)
    names = [name for name, _ in counts][::-1]
    ax.barh(names, [count for _, count in counts][::-1], color="#3b6ea5")
    ax.set_title(title)
    ax.set_xlabel("articles")
    ax.tick_params(axis="y", labelsize=8)
    return _png(fig)


def chart_coverage(figures: Figures, fields: list[str]) -> str:
    fig, ax = _figure()
    if not figures.coverage:
        _empty(ax, "no run with records")
        return _png(fig)
    grid = [[cov.get(name, 0) / records for _, records, cov in figures.coverage] for name in fields]
    image = ax.imshow(grid, aspect="auto", vmin=0, vmax=1, cmap="viridis", interpolation="none")
    ax.set_yticks(range(len(fields)), fields, fontsize=7)
    runs = [stem for stem, _, _ in figures.coverage]
    step = max(1, len(runs) // 12)
    ax.set_xticks(range(0, len(runs), step), runs[::step], fontsize=7, rotation=30, ha="right")
    ax.set_title("Field coverage per run (share of the run's records that fill the field)")
    fig.colorbar(image, ax=ax, fraction=0.03)
    return _png(fig)


def chart_health(runs: list[RunFiles]) -> str:
    fig, ax = _figure()
    if not runs:
        _empty(ax, "no run files")
        return _png(fig)
    xs = range(len(runs))
    new = [int(run.stats.get("new") or 0) for run in runs]
    updated = [int(run.stats.get("updated") or 0) for run in runs]
    ax.bar(xs, new, label="new", color="#3b6ea5")
    ax.bar(xs, updated, bottom=new, label="updated", color="#8fb3d9")
    errors = [int(run.stats.get("errors") or 0) for run in runs]
    ax.plot(xs, errors, color="#d62728", marker=".", label="errors")
    top = max([*(n + u for n, u in zip(new, updated, strict=True)), *errors, 1])
    colours = {True: "#2ca02c", False: "#d62728", None: "#999999"}
    ax.scatter(xs, [top * 1.08] * len(runs), c=[colours[run.healthy] for run in runs], marker="s")
    ax.set_ylim(0, top * 1.18)
    step = max(1, len(runs) // 12)
    labels = [run.started_at[:16] for run in runs]
    ax.set_xticks(list(xs)[::step], labels[::step], fontsize=7, rotation=30, ha="right")
    ax.set_title("Runs: records emitted, errors; squares: healthy (green), failed (red), unknown")
    ax.legend(fontsize=8, loc="upper left")
    return _png(fig)


# -- page -----------------------------------------------------------------------------------


def _n(value: int) -> str:
    return f"{value:,}"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(title: str, chart_id: str, png: str, table: str) -> str:
    return (
        f'<section><h2>{html.escape(title)}</h2><div class="row">'
        f'<img class="chart" data-chart="{chart_id}" width="{WIDTH}" height="{HEIGHT}" '
        f'alt="{html.escape(title)}" src="data:image/png;base64,{png}">'
        f'<div class="numbers">{table}</div></div></section>'
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render(figures: Figures, title: str) -> str:
    totals = figures.totals()
    labels = {
        "articles": "Articles (current table)",
        "versions": "Versions (history table)",
        "edited": "Articles edited at least once",
        "feeds": "Feeds read",
        "runs": "Runs with run files",
    }
    total_rows = "".join(
        f'<tr><th>{labels[key]}</th><td data-total="{key}">{_n(value)}</td></tr>'
        for key, value in totals.items()
    )
    parts = [f'<table class="totals">{total_rows}</table>']

    per_section: dict[str, list[int]] = {}
    for (_, section), count in figures.days.items():
        per_section.setdefault(section, []).append(count)
    day_rows = [
        (name, _n(total), len(per_section.get(name, [])), max(per_section.get(name, [0])))
        for name, total in figures.sections.most_common()
    ]
    all_days = {day for day, _ in figures.days}
    span = f"{min(all_days)} to {max(all_days)}" if all_days else "no dated articles"
    parts.append(
        _section(
            f"Articles per day by section ({span}; {_n(figures.undated)} without a date)",
            "days",
            chart_days(figures),
            _table(("section", "articles", "days with articles", "most in a day"), day_rows),
        )
    )
    types = figures.types.most_common()
    parts.append(
        _section(
            "Articles by content type",
            "types",
            chart_bars(types, "Articles by content type", "articles"),
            _table(
                ("type", "articles", "share"),
                [(t, _n(c), _pct(c, figures.current)) for t, c in types],
            ),
        )
    )
    for key, name in (("tags", "tags"), ("authors", "authors")):
        top = getattr(figures, key).most_common(TOP)
        parts.append(
            _section(
                f"Top {TOP} {name}",
                key,
                chart_bars(top, f"Top {TOP} {name} (current articles)", name),
                _table((name[:-1], "articles"), [(n, _n(c)) for n, c in top]),
            )
        )
    fields = sorted({name for _, _, cov in figures.coverage for name in cov})
    coverage_rows = []
    for name in fields:
        shares = [cov.get(name, 0) / records for _, records, cov in figures.coverage]
        coverage_rows.append(
            (
                name,
                f"{100 * shares[-1]:.1f}%",
                f"{100 * min(shares):.1f}%",
                f"{100 * max(shares):.1f}%",
            )
        )
    parts.append(
        _section(
            f"Field coverage per run ({len(figures.coverage)} runs with records)",
            "coverage",
            chart_coverage(figures, fields),
            _table(("field", "last run", "lowest", "highest"), coverage_rows),
        )
    )
    verdict = {True: "healthy", False: "failed", None: "unknown"}
    run_rows = [
        (
            run.started_at,
            run.stats.get("mode", ""),
            run.stats.get("finish_reason", ""),
            _n(int(run.stats.get("new") or 0)),
            _n(int(run.stats.get("updated") or 0)),
            _n(int(run.stats.get("pages_fetched") or 0)),
            _n(int(run.stats.get("errors") or 0)),
            _n(int(run.stats.get("rejects") or 0)),
            verdict[run.healthy]
            + (f" ({', '.join(run.failed_checks)})" if run.failed_checks else ""),
            "health file" if run.health is not None else "stats file",
        )
        for run in figures.runs
    ]
    parts.append(
        _section(
            "Run health over time",
            "health",
            chart_health(figures.runs),
            _table(
                (
                    "started",
                    "mode",
                    "finish",
                    "new",
                    "updated",
                    "pages",
                    "errors",
                    "rejects",
                    "verdict",
                    "from",
                ),
                run_rows,
            ),
        )
    )
    body = "\n".join(parts)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
.row {{ display: flex; gap: 1.5em; align-items: flex-start; }}
.numbers {{ max-height: {HEIGHT}px; overflow-y: auto; font-size: 0.85em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: left; }}
td {{ text-align: right; }} td:first-child {{ text-align: left; }}
.totals td {{ font-weight: bold; }}
</style></head>
<body><h1>{html.escape(title)}</h1>
{body}
</body></html>
"""


def write_report(output_dir: Path) -> tuple[Path, str]:
    """Write ``OUTPUT_DIR/dataset/report.html``; returns its path and the totals as a line."""
    figures = gather(output_dir)
    layout = Layout(output_dir)
    page = render(figures, f"newscrawl dataset: {output_dir.resolve().name}")
    write_text_atomic(layout.report, page)
    line = ", ".join(f"{value} {key}" for key, value in figures.totals().items())
    return layout.report, line
