"""Politeness helpers: Retry-After parsing, settings profiles, feed placement."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.addon import ProfileError, apply_profile
from newscrawl.middlewares import retry_after_seconds
from newscrawl.output.runfiles import (
    RUN_FEED,
    RUN_REJECTS,
    RUN_STATS,
    RUN_SUMMARY,
    configure_output,
)

NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (b"3", 3.0),
        (" 7 ", 7.0),
        ("Fri, 27 Nov 2026 12:00:30 GMT", 30.0),
        ("Fri, 27 Nov 2026 11:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(header: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


def test_replica_profile_lifts_delays_but_explicit_settings_win() -> None:
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.set("NEWSCRAWL_PROFILE", "replica", priority="cmdline")
    settings.set("CONCURRENT_REQUESTS", 8, priority="cmdline")
    apply_profile(settings)
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getbool("NEWSCRAWL_HONOUR_CRAWL_DELAY") is False
    assert settings.getint("CONCURRENT_REQUESTS") == 8


def test_default_settings_are_polite() -> None:
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    apply_profile(settings)
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getbool("NEWSCRAWL_HONOUR_CRAWL_DELAY")
    assert "newscrawl" in settings.get("USER_AGENT") and "@" in settings.get("USER_AGENT")
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 16 * 1024 * 1024
    assert 429 in settings.getlist("RETRY_HTTP_CODES")


def test_unknown_profile() -> None:
    settings = Settings({"NEWSCRAWL_PROFILE": "turbo"})
    with pytest.raises(ProfileError, match="NEWSCRAWL_PROFILE: unknown profile 'turbo'"):
        apply_profile(settings)


def test_default_feed_path(tmp_path: Path) -> None:
    settings = Settings({"NEWSCRAWL_OUTPUT_DIR": str(tmp_path)})
    configure_output(settings, "ar", now=NOW)
    feed = tmp_path / "almayadeen" / "ar" / "2026-11-27T12-00-00Z.jsonl"
    assert settings.getdict("FEEDS") == {str(feed): {"format": "jsonlines", "encoding": "utf-8"}}
    assert settings.get(RUN_FEED) == str(feed)
    assert settings.get(RUN_REJECTS) == str(feed.with_suffix("")) + ".rejects.jl"
    assert settings.get(RUN_SUMMARY) == str(feed.with_suffix("")) + ".summary.json"
    assert settings.get(RUN_STATS) == str(feed.with_suffix("")) + ".stats.json"


def test_user_feed_is_kept_and_rejects_go_beside_it(tmp_path: Path) -> None:
    settings = Settings()
    settings.set("FEEDS", {str(tmp_path / "mine.jsonl"): {"format": "jsonlines"}}, "cmdline")
    configure_output(settings, "en", now=NOW)
    assert list(settings.getdict("FEEDS")) == [str(tmp_path / "mine.jsonl")]
    assert settings.get(RUN_REJECTS) == str(tmp_path / "mine.rejects.jl")


def test_templated_user_feed_leaves_rejects_in_the_output_dir(tmp_path: Path) -> None:
    settings = Settings({"NEWSCRAWL_OUTPUT_DIR": str(tmp_path)})
    settings.set("FEEDS", {"out/%(name)s-%(time)s.jsonl": {"format": "jsonlines"}}, "cmdline")
    configure_output(settings, "en", now=NOW)
    expected = tmp_path / "almayadeen" / "en" / "2026-11-27T12-00-00Z.rejects.jl"
    assert settings.get(RUN_REJECTS) == str(expected)
    assert settings.get(RUN_FEED) is None
