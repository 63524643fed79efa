"""Table tests of every normalization processor, awkward cases included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newscrawl.editions import AR, EN
from newscrawl.normalize.processors import (
    ascii_digits,
    clean_text,
    count_words,
    dedupe,
    join_paragraphs,
    language_code,
    parse_count,
    parse_duration,
    split_authors,
    split_keywords,
    strip_label,
    to_utc,
    with_year,
)
from newscrawl.normalize.urls import canonical_url, is_site_url
from newscrawl.pages import jsonld
from newscrawl.pages.tawsiyat import parse_tawsiyat, tawsiyat_class, tawsiyat_string

BEIRUT = "Asia/Beirut"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  White House\n has  no\tevidence ", "White House has no evidence"),
        ("\u00a0non-breaking\u00a0spaces\u2009too ", "non-breaking spaces too"),
        ("", None),
        ("   \r\n\t ", None),
        (None, None),
        ("stray\x0bcontrol\x00chars", "straycontrolchars"),
        ("“curly” ‘quotes’ kept", "“curly” ‘quotes’ kept"),
        # NFD (e + combining acute) becomes NFC.
        ("caf\u0065\u0301", "caf\u00e9"),
        ("الميادين  نت", "الميادين نت"),
        ("بأنّ", "بأنّ"),
        ("١٢ آب", "١٢ آب"),  # digits in text stay as written
    ],
)
def test_clean_text(raw: str | None, expected: str | None) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("٠١٢٣٤٥٦٧٨٩", "0123456789"), ("۱۲:۳۰", "12:30"), ("2024", "2024"), ("", "")],
)
def test_ascii_digits(raw: str, expected: str) -> None:
    assert ascii_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 Shares", 1),
        ("0 Shares", 0),
        ("3 Min Read", 3),
        ("5 min read", 5),
        (" 12\u00a0Shares ", 12),
        ("1,204 Shares", 1204),
        ("1.2K Shares", 1200),
        ("3k", 3000),
        ("٣ دقائق", 3),
        ("١٢ مشاركة", 12),
        ("Shares", None),
        ("", None),
        (None, None),
        ("1 M", 1_000_000),
    ],
)
def test_parse_count(raw: str | None, expected: int | None) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "zone", "expected"),
    [
        # Visible byline forms, Beirut local time.
        ("29 Jul 2022 11:49", BEIRUT, "2022-07-29T08:49:00Z"),  # summer, UTC+3
        ("2024-01-15 12:24", BEIRUT, "2024-01-15T10:24:00Z"),  # winter, UTC+2
        ("15 Dec 2022 10:05", BEIRUT, "2022-12-15T08:05:00Z"),
        ("29 July 2022 11:49", BEIRUT, "2022-07-29T08:49:00Z"),
        ("Jul 29, 2022 11:49", BEIRUT, "2022-07-29T08:49:00Z"),
        ("  29 Jul 2022   11:49 ", BEIRUT, "2022-07-29T08:49:00Z"),
        ("١٢ آب ٢٠٢٤ ٢٣:١٨", BEIRUT, "2024-08-12T20:18:00Z"),
        ("2024-08-12 23:18", BEIRUT, "2024-08-12T20:18:00Z"),
        ("3 كانون الثاني 2024 09:00", BEIRUT, "2024-01-03T07:00:00Z"),
        # DST edges in Beirut (changes at 00:00 on the last Sunday of March and October).
        ("2024-03-30 23:59", BEIRUT, "2024-03-30T21:59:00Z"),  # last winter minute
        ("2024-03-31 01:00", BEIRUT, "2024-03-30T22:00:00Z"),  # first summer minute
        ("2024-03-31 00:30", BEIRUT, "2024-03-30T22:30:00Z"),  # in the gap: winter offset
        ("2024-10-26 22:59", BEIRUT, "2024-10-26T19:59:00Z"),  # summer
        ("2024-10-26 23:30", BEIRUT, "2024-10-26T20:30:00Z"),  # overlap: first (summer) reading
        ("2024-10-27 00:00", BEIRUT, "2024-10-26T22:00:00Z"),  # winter
        ("27 Oct 2024 01:00", BEIRUT, "2024-10-26T23:00:00Z"),
        # tawsiyat times carry an offset, which wins over the zone.
        ("2024-08-12T23:18:00+03:00", BEIRUT, "2024-08-12T20:18:00Z"),
        ("2023-01-30T23:00:00+02:00", BEIRUT, "2023-01-30T21:00:00Z"),
        ("2024-08-12T23:18:00+0300", "UTC", "2024-08-12T20:18:00Z"),
        ("2024-08-12T20:18:00Z", BEIRUT, "2024-08-12T20:18:00Z"),
        ("2024-08-12T23:18:00-04:30", "UTC", "2024-08-13T03:48:00Z"),
        # Head meta times: no offset, UTC.
        ("2024-08-15T23:32:00.0000000", "UTC", "2024-08-15T23:32:00Z"),
        ("2022-07-29T09:02:11.0000000", "UTC", "2022-07-29T09:02:11Z"),
        ("2024-08-15T23:32:00.5", "UTC", "2024-08-15T23:32:00Z"),
        # 12-hour clocks, English and Arabic (ص a.m., م p.m.).
        ("Jul 29, 2022 11:49 PM", BEIRUT, "2022-07-29T20:49:00Z"),
        ("July 29, 2022, 9:05 am", BEIRUT, "2022-07-29T06:05:00Z"),
        ("29 Jul 2022 12:10 AM", BEIRUT, "2022-07-28T21:10:00Z"),
        ("2024-01-15 12:24 PM", BEIRUT, "2024-01-15T10:24:00Z"),
        ("3 كانون الثاني 2024 09:00 م", BEIRUT, "2024-01-03T19:00:00Z"),
        ("15 آب 2024 09:00 ص", BEIRUT, "2024-08-15T06:00:00Z"),
        # Spanish edition forms.
        ("29 de julio de 2022 11:49", BEIRUT, "2022-07-29T08:49:00Z"),
        ("3 ene 2024 09:00", BEIRUT, "2024-01-03T07:00:00Z"),
        # Dates alone are midnight in their zone.
        ("2024-08-15", "UTC", "2024-08-15T00:00:00Z"),
        # Not dates.
        ("", BEIRUT, None),
        (None, BEIRUT, None),
        ("yesterday", BEIRUT, None),
        ("2024-13-45 12:00", BEIRUT, None),
        ("31 Feb 2024 10:00", BEIRUT, None),
        ("29 Jux 2022 11:49", BEIRUT, None),
    ],
)
def test_to_utc(raw: str | None, zone: str, expected: str | None) -> None:
    assert to_utc(raw, zone) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Al Mayadeen English", ["Al Mayadeen English"]),
        ("By A, B and C", ["A", "B", "C"]),
        ("by Jane Roe & John Doe", ["Jane Roe", "John Doe"]),
        ("Roqayah Chamseddine", ["Roqayah Chamseddine"]),
        ("By Al Mayadeen English Source: Agencies", ["Al Mayadeen English"]),
        ("Source: Agencies", []),
        ("By A, A and B", ["A", "B"]),
        ("  By   Ben   Anderson ", ["Ben Anderson"]),
        ("الميادين نت", ["الميادين نت"]),
        (
            "جاريد ملسي، فاطمة عبد الكريم، أنات بيلد",
            ["جاريد ملسي", "فاطمة عبد الكريم", "أنات بيلد"],
        ),
        # The Arabic "و" ("and") is a prefix of the next word and names start with it too.
        ("هالة راريت وأنيل شلني", ["هالة راريت وأنيل شلني"]),
        ("بقلم: وليد شرارة", ["وليد شرارة"]),
        ("", []),
        (None, []),
    ],
)
def test_split_authors(raw: str | None, expected: list[str]) -> None:
    assert split_authors(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Russia,US,Drone sale,UAV,Iran,Russia", ["Russia", "US", "Drone sale", "UAV", "Iran"]),
        ("Gaza, Palestine ,Gaza,,Netanyahu", ["Gaza", "Palestine", "Netanyahu"]),
        ("غزة,طوفان الأقصى,طوفان الأقصى,قطاع غزة", ["غزة", "طوفان الأقصى", "قطاع غزة"]),
        ("غزة، لبنان", ["غزة", "لبنان"]),
        ("  ,  , ", []),
        ("", []),
        (None, []),
        ("One", ["One"]),
    ],
)
def test_split_keywords(raw: str | None, expected: list[str]) -> None:
    assert split_keywords(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["Gaza", "Palestine", "Gaza"], ["Gaza", "Palestine"]),
        ([" Gaza ", "Gaza", None, "", "  "], ["Gaza"]),
        (["b", "a", "b", "a"], ["b", "a"]),
        ([], []),
    ],
)
def test_dedupe(raw: list[str | None], expected: list[str]) -> None:
    assert dedupe(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Source: Agencies", "Agencies"),
        ("source:Reuters", "Reuters"),
        ("SOURCE : AP ", "AP"),
        ("المصدر: الميادين", "الميادين"),
        ("Agencies", "Agencies"),
        ("Source:", None),
        ("", None),
    ],
)
def test_strip_label(raw: str, expected: str | None) -> None:
    assert strip_label(raw, ("Source", "المصدر")) == expected


@pytest.mark.parametrize(
    ("paragraphs", "body", "words"),
    [
        (["One two.", "Three  four\nfive. "], "One two.\n\nThree four five.", 5),
        (["", "  ", None, "Only."], "Only.", 1),
        ([], None, 0),
        (["  "], None, 0),
        (["“Quoted,” he said."], "“Quoted,” he said.", 3),
        (["ارتقى أكثر من 10 شهداء"], "ارتقى أكثر من 10 شهداء", 5),
    ],
)
def test_join_paragraphs_and_count_words(
    paragraphs: list[str | None], body: str | None, words: int
) -> None:
    assert join_paragraphs(paragraphs) == body
    assert count_words(body) == words


@pytest.mark.parametrize(
    ("raw", "edition", "expected"),
    [
        (
            "https://english.almayadeen.net/news/politics/slug",
            EN,
            "https://english.almayadeen.net/news/politics/slug",
        ),
        ("/news/politics/slug", EN, "https://english.almayadeen.net/news/politics/slug"),
        (
            "http://127.0.0.1:8123/news/politics/slug/?utm_source=x&utm_medium=y#comments",
            EN,
            "https://english.almayadeen.net/news/politics/slug",
        ),
        ("HTTP://English.Almayadeen.NET/news/x/", EN, "https://english.almayadeen.net/news/x"),
        (
            "https://next-en.almayadeen.net/articles/blog/x",
            EN,
            "https://english.almayadeen.net/articles/blog/x",
        ),
        ("//english.almayadeen.net/news/x?page=2", EN, "https://english.almayadeen.net/news/x"),
        ("https://mirror.example.org/news/x", EN, "https://english.almayadeen.net/news/x"),
        # Another edition's host is another edition: kept.
        ("https://www.almayadeen.net/news/x", EN, "https://www.almayadeen.net/news/x"),
        (
            "/news/politics/%D8%BA%D8%B2%D8%A9-%D8%AA%D8%AD%D8%AA",
            AR,
            "https://www.almayadeen.net/news/politics/غزة-تحت",
        ),
        ("/news/politics/غزة-تحت", AR, "https://www.almayadeen.net/news/politics/غزة-تحت"),
        (
            "/articles/blog/gaza-seized-the-initiative:-might-vs-willpower",
            EN,
            "https://english.almayadeen.net/articles/blog/gaza-seized-the-initiative:-might-vs-willpower",
        ),
        ("/tags/Drone%20sale", EN, "https://english.almayadeen.net/tags/Drone sale"),
        ("/", EN, "https://english.almayadeen.net/"),
        ("https://english.almayadeen.net", EN, "https://english.almayadeen.net/"),
        ("  /news/x//  ", EN, "https://english.almayadeen.net/news/x"),
    ],
)
def test_canonical_url(raw: str, edition: object, expected: str) -> None:
    assert canonical_url(raw, edition) == expected  # type: ignore[arg-type]


def test_canonical_url_is_idempotent_and_rejects_empty() -> None:
    url = "http://127.0.0.1:1/news/politics/%D8%BA%D8%B2%D8%A9/?utm_campaign=a#b"
    once = canonical_url(url, AR)
    assert canonical_url(once, AR) == once
    with pytest.raises(ValueError, match="empty"):
        canonical_url("  ", EN)
    for other in ("mailto:info@almayadeen.net", "javascript:void(0)", "about:blank"):
        with pytest.raises(ValueError, match="not a web URL"):
            canonical_url(other, EN)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/news/x", True),
        ("http://127.0.0.1:8123/news/x", True),
        ("https://english.almayadeen.net/news/x", True),
        ("https://www.almayadeen.net/news/x", True),
        ("https://twitter.com/x/status/1", False),
        ("mailto:info@almayadeen.net", False),
    ],
)
def test_is_site_url(url: str, expected: bool) -> None:
    assert is_site_url(url, "http://127.0.0.1:8123/news/politics/a") is expected


TAWSIYAT_CRLF = (
    '{\r\n  "type": "article",\r\n  "postid": "1899210",\r\n  "title": "عنوان",\r\n'
    '  "video_duration": null,\r\n  "word_count": "163",\r\n  "classes": [\r\n'
    '    {\r\n      "key": "class2",\r\n      "mapping": "category",\r\n      "value": "سياسة"\r\n'
    '    }\r\n  ],\r\n  "html": ""\r\n}'
)


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (TAWSIYAT_CRLF, "عنوان"),
        ('{"title": "a",}', "a"),
        ('{"title": "a", "classes": [{"mapping": "category", "value": "x",},],}', "a"),
        ('{"title": "tab\there\nnewline"}', "tab\there\nnewline"),
        # A raw control character inside a string is kept; text cleanup removes it later.
        ('{"title": "ctl\x0bchar", "x": 1}', "ctl\x0bchar"),
        ('\ufeff  {"title": "bom"}  ', "bom"),
        ('<!--{"title": "commented"}-->', "commented"),
        ('{"title": "a" /* note */, "url": "https://x//y"}', "a"),
        ('[{"title": "in a list"}]', "in a list"),
        ('window.tawsiyat = {"title": "assigned"};', "assigned"),
    ],
)
def test_parse_tawsiyat_leniently(raw: str, title: str) -> None:
    data = parse_tawsiyat(raw)
    assert data is not None
    assert tawsiyat_string(data, "title") == title


@pytest.mark.parametrize(
    "raw", [None, "", "   ", '{"title": "trunc', "not json", "[1, 2]", '"a string"', "{]"]
)
def test_parse_tawsiyat_gives_none_for_unreadable_blocks(raw: str | None) -> None:
    assert parse_tawsiyat(raw) is None


def test_tawsiyat_values() -> None:
    data = parse_tawsiyat(TAWSIYAT_CRLF)
    assert tawsiyat_class(data, "category") == "سياسة"
    assert tawsiyat_class(data, "country") is None
    assert tawsiyat_string(data, "video_duration") is None
    assert tawsiyat_string(data, "word_count") == "163"
    assert tawsiyat_string(data, "classes") is None
    assert tawsiyat_class(None, "category") is None
    assert tawsiyat_class({"classes": "broken"}, "category") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2840", 2840),
        ("٩٥", 95),
        ("PT47M20S", 2840),
        ("PT1H", 3600),
        ("P1DT1S", 86401),
        ("pt2m5.4s", 125),
        ("47:20", 2840),
        ("1:02:03", 3723),
        ("P", None),
        ("2 minutes", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_duration(raw: str | None, expected: int | None) -> None:
    assert parse_duration(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("en", "en"), ("en-US", "en"), ("AR", "ar"), ("ar_LB", "ar"), ("", None), ("123", None)],
)
def test_language_code(raw: str, expected: str | None) -> None:
    assert language_code(raw) == expected


def test_tawsiyat_keys_are_read_in_any_case() -> None:
    data = parse_tawsiyat('{"postId": "12", "Title": "T", "title": "t"}')
    assert tawsiyat_string(data, "postid") == "12"
    assert tawsiyat_string(data, "title") == "t"  # the documented spelling wins


@pytest.mark.parametrize(
    ("blocks", "headline"),
    [
        (['{"@type": "NewsArticle", "headline": "A"}'], "A"),
        (['[{"@type": "Organization"}, {"@type": ["NewsArticle"], "headline": "B"}]'], "B"),
        (
            [
                '{"@graph": [{"@type": "WebPage", "headline": "W"},'
                ' {"@type": "Article", "headline": "C"}]}'
            ],
            "C",
        ),
        (["not json", '{"@type": "BlogPosting", "headline": "D",}'], "D"),
        (['{"@type": "WebPage", "headline": "W"}'], "W"),
        (['{"@type": "Organization", "name": "O"}'], None),
        ([], None),
    ],
)
def test_jsonld_article(blocks: list[str], headline: str | None) -> None:
    assert jsonld.text(jsonld.find_article(blocks), "headline") == headline


def test_jsonld_values() -> None:
    obj = {
        "author": [{"name": "A"}, "B", {"@type": "Person"}, ""],
        "image": [{"url": "https://x/i.jpg"}],
        "mainEntityOfPage": {"@id": "https://x/a"},
    }
    assert jsonld.names(obj, "author") == ["A", "B"]
    assert jsonld.text(obj, "image") == "https://x/i.jpg"
    assert jsonld.text(obj, "mainEntityOfPage") == "https://x/a"
    assert jsonld.text(obj, "missing") is None
    assert jsonld.names(None, "author") == []


@pytest.mark.parametrize(
    ("shown", "reference", "expected"),
    [
        # The Spanish byline shows no year: the one that puts it at or before the reference.
        ("23 Julio 19:20", "2025-07-24T08:00:00Z", "2025-07-23T16:20:00Z"),
        ("23 Julio 19:20", "2025-07-23T16:20:00Z", "2025-07-23T16:20:00Z"),
        ("31 Diciembre 23:30", "2026-01-01T09:00:00Z", "2025-12-31T21:30:00Z"),
        ("2 Enero 10:00", "2025-12-31T10:00:00Z", "2025-01-02T08:00:00Z"),
        ("23 de julio 19:20", "2025-08-01T00:00:00Z", "2025-07-23T16:20:00Z"),
    ],
)
def test_with_year(shown: str, reference: str, expected: str) -> None:
    moment = datetime.fromisoformat(reference)
    assert to_utc(with_year(shown, moment, BEIRUT), BEIRUT) == expected


@pytest.mark.parametrize(
    "shown", ["29 Jul 2022 11:49", "2024-01-15 12:24", "20 Visualizaciones", ""]
)
def test_with_year_leaves_other_text(shown: str) -> None:
    assert with_year(shown, datetime(2025, 7, 24, tzinfo=UTC), BEIRUT) is None
