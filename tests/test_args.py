"""The spider's argument model: defaults, parsing, and clear errors for bad values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.discovery.args import ArgumentError, CrawlArgs, Source
from newscrawl.discovery.classify import CrawlSite
from newscrawl.discovery.watch import poll_paths


def test_defaults() -> None:
    args = CrawlArgs.parse({})
    assert args.edition == "en"
    assert args.base_url is None
    assert CrawlSite.of(args.edition, args.base_url).base_url == "https://english.almayadeen.net"
    assert args.discover == (Source.LISTINGS, Source.SITEMAPS)
    assert args.sections == ()
    assert args.since is None and args.until is None and args.max_articles is None


def test_strings_as_scrapy_passes_them() -> None:
    args = CrawlArgs.parse(
        {
            "edition": "AR",
            "base_url": "http://127.0.0.1:8080/",
            "sections": "news/politics, tv-reports",
            "since": "2024-08-01",
            "until": "2024-08-15",
            "max_articles": "300",
            "discover": "sitemaps,rss,sitemaps",
        }
    )
    assert args.edition == "ar"
    assert args.base_url == "http://127.0.0.1:8080"
    assert args.sections == ("news/politics", "tv-reports")
    assert args.since == datetime(2024, 8, 1, tzinfo=UTC)
    assert args.until == datetime(2024, 8, 15, 23, 59, 59, tzinfo=UTC)
    assert args.max_articles == 300
    assert args.discover == (Source.SITEMAPS, Source.RSS)


def test_times_with_offsets_become_utc() -> None:
    args = CrawlArgs.parse({"since": "2024-08-16T02:32:00+03:00", "until": "2024-08-17T00:00Z"})
    assert args.since == datetime(2024, 8, 15, 23, 32, tzinfo=UTC)
    scope = args.scope

    def item(moment: datetime | None) -> str | None:
        return scope.excludes(earliest=moment, latest=moment, exact=True)

    assert item(datetime(2024, 8, 16, tzinfo=UTC)) is None
    assert item(datetime(2024, 8, 15, 23, 31, tzinfo=UTC)) == "window"
    assert item(datetime(2024, 8, 17, 0, 0, 1, tzinfo=UTC)) == "window"
    assert item(None) is None
    # A card or sitemap date is judged with slack: it may be local time or a modification time.
    card = datetime(2024, 8, 15, 23, 31, tzinfo=UTC)
    assert scope.excludes(earliest=card, latest=card) is None
    card = datetime(2024, 8, 14, 23, 31, tzinfo=UTC)
    assert scope.excludes(earliest=card, latest=card) == "window"
    # A modification time bounds the publication from above only.
    assert scope.excludes(latest=datetime(2024, 8, 20, tzinfo=UTC)) is None
    # A month is kept when it overlaps the window.
    assert (
        scope.excludes(
            earliest=datetime(2024, 8, 1, tzinfo=UTC), latest=datetime(2024, 8, 31, tzinfo=UTC)
        )
        is None
    )
    assert (
        scope.excludes(
            earliest=datetime(2024, 9, 1, tzinfo=UTC), latest=datetime(2024, 9, 30, tzinfo=UTC)
        )
        == "window"
    )


def test_sections_select_paths() -> None:
    scope = CrawlArgs.parse({"sections": "news/politics,articles"}).scope
    assert scope.excludes("/news/politics/some-slug") is None
    assert scope.excludes("/articles/opinion/x") is None
    assert scope.excludes("/news/economy/x") == "section"
    assert scope.excludes("/news/politicsx/y") == "section"


def test_arguments_round_trip_through_settings() -> None:
    args = CrawlArgs.parse(
        {"edition": "en", "since": "2024-08-15", "until": "2024-08-16", "sections": "news",
         "discover": "sitemaps,rss", "mode": "full", "max_articles": "5"}
    )  # fmt: skip
    settings = Settings()
    args.to_settings(settings)
    assert settings["NEWSCRAWL_MODE"] == "full"
    assert CrawlArgs.from_settings(settings) == args
    assert CrawlArgs.from_settings(Settings()) == CrawlArgs.parse({})


def test_watch_mode_and_its_interval_round_trip_through_settings() -> None:
    args = CrawlArgs.parse({"mode": "watch", "every": "30"})
    assert (args.mode, args.every) == ("watch", 30.0)
    assert CrawlArgs.parse({}).every == 60.0
    settings = Settings()
    args.to_settings(settings)
    assert (settings["NEWSCRAWL_MODE"], settings["NEWSCRAWL_WATCH_EVERY"]) == ("watch", 30.0)
    assert CrawlArgs.from_settings(settings) == args


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"edition": "fr"}, "edition: unknown edition 'fr'"),
        ({"base_url": "ftp://x"}, "base_url: 'ftp://x' is not an http(s) URL"),
        ({"base_url": "127.0.0.1:8080"}, "is not an http(s) URL"),
        ({"base_url": "http://x/?a=1"}, "no query or fragment"),
        ({"sections": "news/politics/too/deep"}, "not a section path"),
        ({"sections": "news/nonsense"}, "unknown section(s) news/nonsense for edition en"),
        ({"since": "yesterday"}, "since: 'yesterday' is not a date"),
        ({"until": "2024-13-01"}, "until: '2024-13-01' is not a date"),
        ({"since": "2024-08-02", "until": "2024-08-01"}, "since (2024-08-02 00:00) is after until"),
        ({"max_articles": "ten"}, "max_articles: 'ten' is not a whole number"),
        ({"max_articles": "0"}, "max_articles: Input should be greater than or equal to 1"),
        ({"discover": "listings,gossip"}, "unknown source 'gossip'"),
        ({"discover": ""}, "name at least one source"),
        ({"editon": "en"}, "editon: unknown argument; the spider takes edition, base_url"),
        ({"mode": "live"}, "unknown mode 'live'; use incremental, full or watch"),
        ({"mode": "watch", "every": "soon"}, "every: 'soon' is not a number of seconds"),
        ({"mode": "watch", "every": "0.5"}, "every: Input should be greater than or equal to 1"),
    ],
)
def test_bad_values_name_the_argument(raw: dict[str, str], message: str) -> None:
    with pytest.raises(ArgumentError) as info:
        CrawlArgs.parse(raw)
    assert message in str(info.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ArgumentError) as info:
        CrawlArgs.parse({"edition": "xx", "max_articles": "-3", "discover": "nope"})
    text = str(info.value)
    assert "edition:" in text and "max_articles:" in text and "discover:" in text


def test_arabic_sections_are_free_form() -> None:
    # The Arabic menus are not tabulated: any well-formed section path is accepted.
    assert CrawlArgs.parse({"edition": "ar", "sections": "tv-reports"}).sections == ("tv-reports",)


def test_reextract_takes_a_folder_and_is_a_limited_incremental_run(tmp_path: Path) -> None:
    args = CrawlArgs.parse({"reextract": str(tmp_path)})
    assert args.reextract == str(tmp_path) and args.limited
    with pytest.raises(ArgumentError, match=r"reextract: .* is not a folder"):
        CrawlArgs.parse({"reextract": str(tmp_path / "missing")})
    with pytest.raises(ArgumentError, match="runs as mode=incremental"):
        CrawlArgs.parse({"reextract": str(tmp_path), "mode": "full"})


@pytest.mark.parametrize(
    ("raw", "polled"),
    [
        ({}, ["/", "/infographs", "/in-pictures", "/live", "/news/politics"]),
        ({"sections": "news/politics,videos"}, ["/news/politics", "/videos", "/rss.xml"]),
        ({"edition": "ar"}, ["/", "/rss.xml", "/sitemaps/all.xml"]),
        ({"discover": "sitemaps"}, ["/sitemaps/all.xml"]),
    ],
)
def test_a_watch_polls_the_pages_that_show_new_articles_first(
    raw: dict[str, str], polled: list[str]
) -> None:
    paths = poll_paths(CrawlArgs.parse(raw))
    assert paths[: len(polled)] == polled
    # A menu group is polled only when it has no sections of its own (they show it all).
    assert "/news" not in paths and len(paths) == len(set(paths))
