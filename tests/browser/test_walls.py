"""End to end, with the real Chromium: a crawl over the test site's challenge and JS listings.

Each test runs ``scrapy runspider`` in a subprocess against ``browser_site.py`` served on
127.0.0.1, and checks what came out: every story, and how few pages needed the browser.
"""

from __future__ import annotations

import time
from pathlib import Path

from aiohttp import web
from browser_run import Run, run_site_spider
from browser_site import STATE, TOPICS, make_app, serve, story_ids, story_title

LISTINGS = [f"/list/{topic}" for topic in TOPICS]


def crawl_every_story(tmp_path: Path, app: web.Application, *settings: str) -> Run:
    """Crawl the three listings of ``app``; the run, once it is known to hold every story once."""
    with serve(app) as base:
        run = run_site_spider(tmp_path, base, LISTINGS, *settings)
    assert run.returncode == 0, run.log[-3000:]
    got = {str(item["url"]): item["title"] for item in run.items}
    assert got == {f"{base}/story/{s}": story_title(s) for s in story_ids()}
    assert len(run.items) == len(got)  # each once
    return run


def test_js_listings_learn_the_json_request_once(tmp_path: Path, chromium: str) -> None:
    app = make_app()
    run = crawl_every_story(tmp_path, app)
    # One render (the learning one) for three listings; everything else plain, JSON included.
    assert run.stats["newscrawl/requests/browser"] == 1
    assert run.stats["playwright/page_count/closed"] == 1
    assert app[STATE].hits["api"] >= sum(n // 5 for n in TOPICS.values())
    assert not any(item["rendered"] for item in run.items)
    # The render loaded no image (same host or not) and nothing from other hosts.
    assert app[STATE].hits["image"] == 0
    assert run.stats["playwright/request_count/aborted"] >= 3
    assert "pages http" in run.log and "(every listing: True)" in run.log


def test_js_listings_fall_back_to_clicking_when_the_pattern_is_opaque(
    tmp_path: Path, chromium: str
) -> None:
    app = make_app(cursor=True)
    run = crawl_every_story(tmp_path, app)
    assert "Could not learn the Load more request" in run.log
    # The learning render, then one render per listing clicked to the end.
    assert run.stats["newscrawl/requests/browser"] == 1 + len(LISTINGS)


def test_challenge_is_solved_once_and_cookies_reused(tmp_path: Path, chromium: str) -> None:
    app = make_app(challenge=True, clearance_uses=1000)
    run = crawl_every_story(tmp_path, app)
    stats = run.stats
    assert stats["newscrawl/challenge/solves"] == 1
    assert stats["newscrawl/challenge/solved"] == 1
    browser, plain = stats["newscrawl/requests/browser"], stats["newscrawl/requests/plain"]
    # The solve and the "Load more" learning render; every story and API page went plain.
    assert browser == 2
    assert browser / (browser + plain) <= 0.05
    assert app[STATE].hits["cleared"] >= len(story_ids())
    assert not any(item["rendered"] for item in run.items)


def test_clearance_that_wears_out_is_earned_again(tmp_path: Path, chromium: str) -> None:
    app = make_app(challenge=True, clearance_uses=15)
    run = crawl_every_story(tmp_path, app)
    solves = run.stats["newscrawl/challenge/solved"]
    assert solves >= 3  # ~60 requests, 15 uses per clearance
    assert run.stats.get("newscrawl/challenge/gave_up", 0) == 0
    # One solve at a time: never more solves than clearances the site had to hand out.
    assert solves <= app[STATE].hits["challenged"]


def test_plain_site_never_starts_the_browser(tmp_path: Path) -> None:
    app = make_app()
    with serve(app) as base:
        run = run_site_spider(tmp_path, base, ["/story/alpha-1", "/story/beta-2"])
    assert run.returncode == 0, run.log[-3000:]
    assert run.stats["newscrawl/requests/plain"] >= 2
    assert "newscrawl/requests/browser" not in run.stats
    assert "playwright/browser_count" not in run.stats
    assert "Starting download handler" not in run.log  # Playwright's driver never started


def test_missing_browser_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    app = make_app(challenge=True)
    started = time.monotonic()
    with serve(app) as base:
        run = run_site_spider(
            tmp_path, base, LISTINGS, env={"NEWSCRAWL_BROWSER_PATH": str(tmp_path / "nochrome")}
        )
    assert time.monotonic() - started < 60
    assert run.stats["finish_reason"] == "browser_missing"
    assert "Chromium not found" in run.log and "make browser" in run.log
    assert run.items == []


def test_unsolvable_challenge_is_given_up(tmp_path: Path, chromium: str) -> None:
    app = make_app(challenge=True, unsolvable=True)
    started = time.monotonic()
    with serve(app) as base:
        # One request at a time: each meets the wall after the previous solve failed.
        stories = [f"/story/alpha-{i}" for i in range(6)]
        settings = ("NEWSCRAWL_CHALLENGE_TIMEOUT=2", "CONCURRENT_REQUESTS=1")
        run = run_site_spider(tmp_path, base, stories, *settings)
    assert time.monotonic() - started < 90
    assert run.returncode == 0, run.log[-3000:]
    assert run.stats["newscrawl/challenge/solve_failed"] == 3
    assert run.stats["newscrawl/challenge/not_solved"] == 3
    assert "3 challenge solves failed in a row" in run.log
    assert run.items == []


def test_a_page_that_hangs_the_browser_is_closed_and_learning_tried_again(
    tmp_path: Path, chromium: str
) -> None:
    app = make_app(hang_once=True)
    # A timeout no sound render comes near on a busy machine (the hung page keeps a core busy
    # meanwhile): only the page that never ends meets it.
    run = crawl_every_story(tmp_path, app, "NEWSCRAWL_BROWSER_TIMEOUT=30")
    assert run.stats["newscrawl/browser/timeouts"] == 1
    assert "took more than 30 s in the browser" in run.log
    # The learning render hung; the second one learned the request for every listing.
    assert run.stats["newscrawl/requests/browser"] == 2
    assert "(every listing: True)" in run.log
    assert run.stats["playwright/page_count/closed"] + 1 >= run.stats["playwright/page_count"]
