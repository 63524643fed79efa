"""``scrapy shell`` and ``scrapy parse`` look at pages; they are not runs of the job.

While a crawl of the job holds its lock, both work, and neither records a run, creates a state
or writes a feed. ``scrapy parse --spider=almayadeen URL`` reads an article page as an article
and shows its record (and a sitemap as a sitemap) with no ``--callback``.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.state import RunLock
from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import PROJECT, scrapy_command


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        scrapy_command(*args), cwd=PROJECT, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_parse_and_shell_are_not_runs_and_parse_finds_the_callback(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    settings = ["-s", f"NEWSCRAWL_OUTPUT_DIR={out}", "-s", "NEWSCRAWL_PROFILE=replica"]
    truth = next(t["record"] for t in replica_en.truth() if t["reachable"])
    page = replica_en.base_url + urlsplit(truth["url"]).path
    with RunLock(out / "state"):  # a crawl of the job is running
        parsed = scrapy(
            "parse", "--spider=almayadeen", "-a", f"base_url={replica_en.base_url}", *settings,
            page,
        )  # fmt: skip
        assert parsed.returncode == 0, parsed.stderr[-3000:]
        items = parsed.stdout.split("# Scraped Items")[1].split("# Requests")[0]
        [record] = ast.literal_eval(items[items.index("[") :])  # printed by pprint
        assert record["url"] == truth["url"] and record["title"] == truth["title"]
        assert record["body"] == truth["body"]

        sitemap = scrapy(
            "parse", "--spider=almayadeen", "-a", f"base_url={replica_en.base_url}", *settings,
            f"{replica_en.base_url}/sitemaps/all.xml",
        )  # fmt: skip
        assert sitemap.returncode == 0, sitemap.stderr[-3000:]
        assert "/sitemaps/" in sitemap.stdout.split("# Requests")[1]

        shell = scrapy("shell", *settings, page, "-c", "response.status")
        assert shell.returncode == 0, shell.stderr[-3000:]
        assert shell.stdout.strip() == "200"

    for log in (parsed.stderr, sitemap.stderr, shell.stderr):
        assert "another run of this job is in progress" not in log
        assert "NotImplementedError" not in log and "Traceback" not in log
    # No run recorded, no state, no feed, no run files: only the lock file the test took.
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == ["state", "state/run.lock"]


def test_parse_of_a_production_url_fetches_it_from_base_url_or_says_why_not(
    replica_en: ReplicaServer, tmp_path: Path
) -> None:
    settings = ["-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path}", "-s", "NEWSCRAWL_PROFILE=replica"]
    base = ["parse", "--spider=almayadeen", "-a", f"base_url={replica_en.base_url}", *settings]
    truth = next(t["record"] for t in replica_en.truth() if t["reachable"])
    fetched = replica_en.base_url + urlsplit(truth["url"]).path
    parsed = scrapy(*base, truth["url"])
    assert parsed.returncode == 0, parsed.stderr[-3000:]
    assert f"Fetching {truth['url']} from {fetched}" in parsed.stderr
    items = parsed.stdout.split("# Scraped Items")[1].split("# Requests")[0]
    [record] = ast.literal_eval(items[items.index("[") :])
    assert record["url"] == truth["url"] and record["title"] == truth["title"]

    gone = "https://english.almayadeen.net/news/politics/no-such-article-here"
    missing = scrapy(*base, gone)
    assert missing.returncode == 1
    assert (
        f"No response downloaded for {gone} (fetched as {replica_en.base_url}"
        "/news/politics/no-such-article-here): the page answered HTTP 404"
    ) in missing.stderr

    other = "https://www.almayadeen.net/news/politics/x"
    offsite = scrapy(*base, other)
    assert offsite.returncode == 1
    assert f"No response downloaded for {other}: it is not on the en edition's site" in (
        offsite.stderr
    )
