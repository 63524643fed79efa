"""Pure functions of the replica, against tables that include the awkward cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

import pytest

from newscrawl_replica import arabic
from newscrawl_replica.faults import LAST_FAULTY_ATTEMPT, flaky_fault
from newscrawl_replica.model import byline_date, clean, head_time, iso_beirut, month_of, slugify
from newscrawl_replica.render import json_crlf
from newscrawl_replica.site import href


def ts(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "White House has no evidence of drone sale from Iran to Russia",
            "white-house-has-no-evidence-of-drone-sale-from-iran-to-russi",
        ),
        (
            "Gaza seized the initiative: Might vs willpower",
            "gaza-seized-the-initiative:-might-vs-willpower",
        ),
        (
            "Pentagon chief: NATO likely to back Trump's 5% defence spend",
            "pentagon-chief:-nato-likely-to-back-trump-s-5--defence-spend",
        ),
        ("'Israel' says, \"limited\"", "-israel--says---limited-"),
        ("snake_case stays-dashed", "snake-case-stays-dashed"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_matches_real_arabic_urls() -> None:
    """The rule gives the real Arabic slugs of most records; the rest had their title edited
    after publication (the slug keeps the first one) or ':' turned into '-'."""
    records = arabic.records()
    matched = sum(
        unquote(urlsplit(rec["url"]).path).rsplit("/", 1)[1] == slugify(rec["title"])
        for rec in records
    )
    assert matched > 0.45 * len(records)


@pytest.mark.parametrize(
    ("moment", "layout", "shown"),
    [
        (ts(2022, 7, 29, 8, 49), "2022", "29 Jul 2022 11:49"),  # summer: UTC+3
        (ts(2024, 1, 15, 10, 24), "2024", "2024-01-15 12:24"),  # winter: UTC+2
        (ts(2024, 3, 30, 22, 30), "2022", "31 Mar 2024 01:30"),  # just after the spring change
        (ts(2023, 12, 31, 22, 30), "2024", "2024-01-01 00:30"),  # new year, local
    ],
)
def test_byline_dates_are_beirut_local(moment: int, layout: str, shown: str) -> None:
    assert byline_date(moment, layout) == shown


def test_time_formats() -> None:
    moment = ts(2024, 8, 15, 23, 32)
    assert head_time(moment) == "2024-08-15T23:32:00.0000000"
    assert iso_beirut(moment) == "2024-08-16T02:32:00+03:00"
    assert month_of(moment) == (2024, 8)
    assert month_of(ts(2024, 8, 31, 22, 0)) == (2024, 9)  # already September in Beirut
    assert month_of(ts(2024, 1, 31, 21, 59)) == (2024, 1)  # 23:59 local in winter


@pytest.mark.parametrize(
    ("raw", "record"),
    [
        (" أخبار منوعة", "أخبار منوعة"),
        ("a \n b\t c ", "a b c"),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_clean(raw: str | None, record: str | None) -> None:
    assert clean(raw) == record


def test_tawsiyat_json_is_what_the_cms_writes() -> None:
    obj = {
        "title": '"بلومبرغ": حرب غزة',
        "video_duration": None,
        "classes": [{"key": "class1", "mapping": "posttype", "value": " أخبار"}],
        "html": "",
        "empty": [],
    }
    text = json_crlf(obj)
    assert text == json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\r\n")
    assert '\r\n  "classes": [\r\n    {\r\n      "key"' in text


@pytest.mark.parametrize(
    "path", ["/news/a-b:c", "/tags/Drone sale", "/tags/Int'l Court", "/news/عربي"]
)
def test_href_encodes_like_quote(path: str) -> None:
    assert href(path) == quote(path, safe="/:")


def test_flaky_faults_spare_the_third_attempt() -> None:
    paths = [f"/news/politics/article-{i}" for i in range(3000)]
    first = [flaky_fault(1, p, 1) for p in paths]
    assert 0.05 < sum(f is not None for f in first) / len(paths) < 0.15
    assert {f for f in first if f} == {"500", "503", "429", "slow", "truncate"}
    assert all(flaky_fault(1, p, LAST_FAULTY_ATTEMPT + 1) is None for p in paths)
    assert first == [flaky_fault(1, p, 1) for p in paths]  # deterministic
