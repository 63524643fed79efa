"""The report of the shared crawl history, opened in the project's headless Chromium: every
chart drawn at its size and not blank, and the totals on the page equal to the dataset's."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from newscrawl.dataset.report import HEIGHT, WIDTH

from .conftest import History, run_dataset
from .readers import duckdb_rows

CHARTS = {"days", "types", "tags", "authors", "coverage", "health"}


def test_report_renders_every_chart_and_the_dataset_totals(
    history: History, chromium: str, tmp_path: Path
) -> None:
    done = run_dataset("report", history.job)
    assert done.returncode == 0, done.stderr[-3000:]
    report = history.job / "dataset" / "report.html"
    page_html = report.read_text("utf-8")
    assert "http://" not in page_html.replace("http://www.w3.org", "")  # nothing to fetch
    assert "https://" not in page_html.split("<body>", 1)[1].split("<img", 1)[0]
    # Both runs judged themselves (X.health.json): the verdicts are theirs, not the stats'.
    assert page_html.count("<td>healthy</td><td>health file</td>") == 2

    dataset = history.job / "dataset"
    ((articles, edited),) = duckdb_rows(
        dataset, "current", "count(*), count(*) FILTER (version > 1)"
    )
    ((versions,),) = duckdb_rows(dataset, "history")
    feeds = len(list(history.job.glob("almayadeen/*/*.jsonl")))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(report.resolve().as_uri())
            page.screenshot(path=tmp_path / "report.png", full_page=True)
            charts = page.locator("img.chart")
            assert {charts.nth(i).get_attribute("data-chart") for i in range(charts.count())} == (
                CHARTS
            )
            for i in range(charts.count()):
                chart = charts.nth(i)
                name = chart.get_attribute("data-chart")
                size = chart.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
                assert size == [True, WIDTH, HEIGHT], name
                shot = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
                colours = shot.getcolors(maxcolors=1 << 20) or []
                ink = sum(n for n, rgb in colours if rgb != (255, 255, 255))
                assert len(colours) > 20 and ink > 0.02 * shot.width * shot.height, name
            totals = {
                key: int(page.locator(f'[data-total="{key}"]').inner_text().replace(",", ""))
                for key in ("articles", "versions", "edited", "feeds", "runs")
            }
        finally:
            browser.close()
    assert totals == {"articles": articles, "versions": versions, "edited": edited,
                      "feeds": feeds, "runs": 2}  # fmt: skip
    assert (articles, versions, edited) == (1620, 1625, 5)
    assert Image.open(tmp_path / "report.png").height > 6 * HEIGHT
