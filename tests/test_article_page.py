"""The article page object and loader on saved pages, compared field by field to expected JSON.

Each ``tests/fixtures/articles/NAME.html`` is a saved page following the replica's markup model;
``NAME.json`` beside it holds the record it must yield (every schema field but ``crawled_at`` and
``fingerprint``), the URL it was fetched from and the edition. An expected value that is empty
(``null``, ``[]``) must be declared in ``_empty``, so a field that silently yields nothing cannot
pass by matching an empty expectation by accident.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from scrapy.http import HtmlResponse

from newscrawl.editions import EDITIONS, EN, ES
from newscrawl.items import ArticleItem
from newscrawl.normalize.loader import load_article
from newscrawl.pages.article import ArticlePage, select
from newscrawl.schema import FIELDS, empty_record, fingerprint, json_schema

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = sorted((FIXTURES / "articles").glob("*.json"))
CRAWLED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
#: Crawl fields the fixtures leave out (a page read without a crawl has no archive).
UNCHECKED = {"crawled_at", "fingerprint", "archive"}


def _expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _response(html: Path, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=html.read_bytes(), encoding="utf-8")


def _record(path: Path) -> dict[str, Any]:
    expected = _expected(path)
    response = _response(path.with_suffix(".html"), expected["_fetched_url"])
    item = load_article(response, EDITIONS[expected["_edition"]], crawled_at=CRAWLED_AT)
    return asdict(item)


CASES = [
    pytest.param(path, name, id=f"{path.stem}:{name}")
    for path in ARTICLES
    for name in FIELDS
    if name not in UNCHECKED
]


def test_fixtures_exist() -> None:
    names = {p.stem for p in ARTICLES}
    assert {
        "en-2022-reference",
        "en-2024-layout",
        "en-video",
        "en-gallery",
        "ar-article",
        "es-article",
        "en-malformed-tawsiyat",
        "en-no-head-times",
    } <= names
    for path in ARTICLES:
        assert path.with_suffix(".html").is_file(), path


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_expected_files_are_complete_and_declare_empties(path: Path) -> None:
    expected = _expected(path)
    fields = {k for k in expected if not k.startswith("_")}
    assert fields == set(FIELDS) - UNCHECKED
    empty = {k for k in fields if expected[k] is None or expected[k] == [] or expected[k] == ""}
    assert empty == set(expected["_empty"]), "declare every empty expected value in _empty"
    # The content fields that every page of this site has are never expected empty.
    assert not empty & {"url", "title", "date_published", "content_type", "site", "language"}


@pytest.mark.parametrize(("path", "name"), CASES)
def test_field(path: Path, name: str) -> None:
    record = _record(path)
    assert record[name] == _expected(path)[name]


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_record_is_valid_and_fingerprinted(path: Path) -> None:
    record = _record(path)
    jsonschema.validate(record, json_schema())
    assert list(record) == list(FIELDS)
    assert record["crawled_at"] == "2026-01-02T03:04:05Z"
    assert record["archive"] is None
    assert record["fingerprint"] == fingerprint(record)
    expected = _expected(path)
    assert fingerprint(expected) == record["fingerprint"]


def test_fingerprint_ignores_crawl_fields_and_follows_content() -> None:
    path = FIXTURES / "articles" / "en-2022-reference.json"
    expected = _expected(path)
    html = path.with_suffix(".html")
    first = load_article(_response(html, expected["_fetched_url"]), EN, crawled_at=CRAWLED_AT)
    again = load_article(_response(html, "http://127.0.0.1:9/other/url"), EN)
    # Both crawl fields differ, and the fingerprint does not.
    assert again.crawled_at != first.crawled_at and again.fetched_url != first.fetched_url
    assert again.fingerprint == first.fingerprint
    edited = html.read_text("utf-8").replace("Kirby reiterated", "Kirby repeated")
    changed = load_article(
        HtmlResponse(url=expected["_fetched_url"], body=edited.encode(), encoding="utf-8"), EN
    )
    assert changed.body != first.body
    assert changed.fingerprint != first.fingerprint


@pytest.mark.parametrize(
    ("stem", "layout"),
    [
        ("en-2022-reference", "2022"),
        ("en-2024-layout", "2024"),
        ("en-video", "2022"),
        ("en-gallery", "2022"),
        ("ar-article", "2022"),
        ("es-article", "2022"),
        ("en-variant-jsonld", "generic"),
    ],
)
def test_layout_is_chosen_by_what_the_page_contains(stem: str, layout: str) -> None:
    expected = _expected(FIXTURES / "articles" / f"{stem}.json")
    page = ArticlePage(_response(FIXTURES / "articles" / f"{stem}.html", expected["_fetched_url"]))
    assert page.layout.selectors.name == layout


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_pages_are_articles(path: Path) -> None:
    page = ArticlePage(_response(path.with_suffix(".html"), _expected(path)["_fetched_url"]))
    assert page.is_article()


@pytest.mark.parametrize("name", ["listing-section.html", "about.html"])
def test_other_pages_are_not_articles(name: str) -> None:
    page = ArticlePage(_response(FIXTURES / "pages" / name, "http://127.0.0.1:8123/news/politics"))
    assert not page.is_article()


def test_byline_parts_of_the_2022_row() -> None:
    path = FIXTURES / "articles" / "en-2022-reference.html"
    page = ArticlePage(_response(path, "http://127.0.0.1:8123/x"))
    byline = page.byline
    assert byline.text == (
        "By Al Mayadeen English • Source: Agencies • 29 Jul 2022 11:49 • 1 Shares • 3 Min Read"
    )
    assert (byline.authors, byline.source, byline.date, byline.shares, byline.read_time) == (
        ["Al Mayadeen English"],
        "Agencies",
        "29 Jul 2022 11:49",
        "1",
        "3",
    )


GENERIC_PAGE = """<html lang="en"><head><title>Unknown layout | Al Mayadeen English</title></head>
<body><header><a href="/tags/Menu">Menu</a></header><main>
<h1>A page of a layout nobody has seen</h1>
<div class="row"><p>By Jane Roe and John Doe | Source: Agencies | 2024-10-26 23:30 | 7 Shares |
4 min read</p></div>
<div class="content"><p>First paragraph.</p><p>Read more: <a href="/news/x">X</a></p>
<p>Second   paragraph.</p></div>
</main><footer><p>All Rights Reserved</p></footer></body></html>"""


def test_unknown_layout_is_read_from_text_patterns() -> None:
    response = HtmlResponse(
        url="http://127.0.0.1:8123/news/politics/unknown",
        body=GENERIC_PAGE.encode(),
        encoding="utf-8",
    )
    page = ArticlePage(response)
    assert page.layout.selectors.name == "generic"
    assert page.is_article()
    item = load_article(response, EN)
    assert item.title == "A page of a layout nobody has seen"
    assert item.authors == ["Jane Roe", "John Doe"]
    assert item.source == "Agencies"
    # 26 Oct 2024 23:30 in Beirut is in the autumn overlap: the summer (UTC+3) reading is taken.
    assert item.date_published == "2024-10-26T20:30:00Z"
    assert item.date_published_raw == "2024-10-26 23:30"
    assert (item.shares, item.read_time_minutes) == (7, 4)
    assert item.body == "First paragraph.\n\nSecond paragraph."
    assert item.related == [{"url": "https://english.almayadeen.net/news/x", "title": "X"}]
    assert item.url == "https://english.almayadeen.net/news/politics/unknown"
    assert (item.section_group, item.section) == ("News", "Politics")


def test_an_empty_page_degrades_to_unknown_values_without_error() -> None:
    response = HtmlResponse(url="http://127.0.0.1:8123/news/politics/x", body=b"<html></html>")
    item = load_article(response, EN)
    assert isinstance(item, ArticleItem)
    record = asdict(item)
    assert list(record) == list(FIELDS)
    assert record["url"] == "https://english.almayadeen.net/news/politics/x"
    assert record["title"] is None and record["body"] is None and record["authors"] == []
    assert not ArticlePage(response).is_article()


#: Name endings of the selectors module's data that are words or names, not queries.
NOT_QUERIES = ("_WORDS", "_LABELS", "_TEXTS", "_ATTRS", "_URLS")


def _all_queries() -> list[str]:
    from dataclasses import fields

    from newscrawl.pages import selectors

    queries: list[str] = []
    for name, value in vars(selectors).items():
        if (name.startswith(("META_", "OG_")) and name != "META_TAGS") or name.endswith(
            NOT_QUERIES
        ):
            continue  # meta keys, attribute names, labels: data, not queries
        if isinstance(value, tuple) and all(isinstance(q, str) for q in value):
            queries.extend(value)
        if isinstance(value, selectors.LayoutSelectors):
            for f in fields(value):
                entry = getattr(value, f.name)
                if isinstance(entry, tuple):
                    queries.extend(entry)
    return queries


def test_every_selector_is_valid() -> None:
    """Every query of the selectors table parses (one test over the table: the queries are
    data, their extraction is judged by the field tests)."""
    queries = _all_queries()
    assert len(queries) > 100
    root = _response(FIXTURES / "articles" / "en-2022-reference.html", "http://127.0.0.1:8123/x")
    broken = []
    for query in queries:
        try:
            select(root.selector, query)
        except Exception as exc:  # any parse error, named with its query below
            broken.append(f"{query!r}: {exc}")
    assert broken == []


def test_a_page_with_broken_links_keeps_its_record() -> None:
    page = """<html><head><link rel="canonical" href="about:blank"></head><body><main>
    <div class="details-white-box"><h2>T</h2><div class="p-content"><p>Body.</p>
    <div class="related-news"><h4>Related News</h4><ul><li><a href="mailto:a@b.c">Mail</a></li>
    <li><a href="javascript:void(0)">Script</a></li><li><a href="/news/x/">X</a></li></ul></div>
    </div></div></main></body></html>"""
    response = HtmlResponse(url="http://127.0.0.1:8/news/politics/t", body=page.encode())
    item = load_article(response, EN)
    assert item.url == "https://english.almayadeen.net/news/politics/t"
    assert item.related == [{"url": "https://english.almayadeen.net/news/x", "title": "X"}]
    assert item.body == "Body."


def test_a_response_without_text_is_a_clear_error() -> None:
    from scrapy.http import Response

    response = Response(
        url="http://127.0.0.1:8/media/a.jpg",
        body=b"\xff\xd8",
        headers={"Content-Type": "image/jpeg"},
    )
    with pytest.raises(TypeError, match="needs an HTML"):
        load_article(response, EN)  # type: ignore[arg-type]


def test_item_fields_are_the_schema_fields() -> None:
    from dataclasses import fields

    assert tuple(f.name for f in fields(ArticleItem)) == FIELDS
    assert asdict(ArticleItem()) == {**empty_record(), "word_count": 0, "version": 1}


@pytest.mark.parametrize(
    ("row", "authors"),
    [
        ('By <a href="/authors/a">Ann Lee</a> and Bo Chan', ["Ann Lee", "Bo Chan"]),
        (
            'By <a href="/authors/a">Ann Lee</a>, <a href="/authors/b">Bo Chan</a>',
            ["Ann Lee", "Bo Chan"],
        ),
        ('By <a href="/authors/a">Tom and Jerry Studio</a>', ["Tom and Jerry Studio"]),
        ('<a href="/authors/x">جاريد ملسي، فاطمة عبد الكريم</a>', ["جاريد ملسي، فاطمة عبد الكريم"]),
        ("By Ann Lee, Bo Chan and Cy Diaz", ["Ann Lee", "Bo Chan", "Cy Diaz"]),
    ],
)
def test_byline_authors(row: str, authors: list[str]) -> None:
    page = f"""<html><body><div class="details-white-box"><h2>T</h2><ul class="post-info">
    <li class="post-author">{row}</li><li class="post-source">Source: Agencies</li>
    <li class="post-date">29 Jul 2022 11:49</li></ul></div></body></html>"""
    response = HtmlResponse(url="http://127.0.0.1:8/news/politics/t", body=page.encode())
    item = load_article(response, EN)
    assert item.authors == authors
    assert item.source == "Agencies"


def test_a_body_without_paragraph_tags_is_read_by_lines() -> None:
    page = """<html><body><div class="details-white-box"><h2>T</h2>
    <div class="p-content">First line of text.<br><br>Second   line.<div>Third, in a div.</div>
    <figure><img src="https://m/x.jpg"><figcaption>Caption</figcaption></figure>
    Read more: <a href="/news/x">X</a></div></div></body></html>"""
    response = HtmlResponse(url="http://127.0.0.1:8/news/politics/t", body=page.encode())
    item = load_article(response, EN)
    assert item.body == "First line of text.\n\nSecond line.\n\nThird, in a div."
    assert item.word_count == 10


@pytest.mark.parametrize(
    ("img", "url"),
    [
        ('<img src="https://m/a.jpg">', "https://m/a.jpg"),
        ('<img src="data:image/gif;base64,R0lGOD" data-src="https://m/b.jpg">', "https://m/b.jpg"),
        ('<img data-src="//m/c.jpg">', "https://m/c.jpg"),
        (
            '<img srcset="https://m/d-400.jpg 400w, https://m/d-800.jpg 800w">',
            "https://m/d-800.jpg",
        ),
        ('<img src="/media/e.jpg">', "https://english.almayadeen.net/media/e.jpg"),
    ],
)
def test_main_image_url_forms(img: str, url: str) -> None:
    page = f"""<html><body><div class="details-white-box"><h2>T</h2>
    <figure class="main-image">{img}<figcaption> A  caption </figcaption></figure>
    <div class="p-content"><p>Body.</p></div></div></body></html>"""
    response = HtmlResponse(url="http://127.0.0.1:8/news/politics/t", body=page.encode())
    item = load_article(response, EN)
    assert item.main_image == {"url": url, "caption": "A caption"}
    assert item.images == [item.main_image]


def test_a_spanish_byline_is_read() -> None:
    page = """<html lang="es"><body><div class="details-white-box"><h2>Titular</h2>
    <ul class="post-info"><li>Por <a href="/authors/ana">Ana Ruiz</a></li><li>Fuente: Agencias</li>
    <li>29 de julio de 2022 11:49</li><li>12 compartidos</li></ul>
    <span>4 min de lectura</span>
    <div class="p-content"><p>Texto.</p><p>Lea también: <a href="/noticias/x">X</a></p></div>
    </div></body></html>"""
    response = HtmlResponse(url="http://127.0.0.1:8/noticias/politica/t", body=page.encode())
    item = load_article(response, ES)
    assert item.authors == ["Ana Ruiz"]
    assert item.source == "Agencias"
    assert item.date_published == "2022-07-29T08:49:00Z"
    assert item.date_published_raw == "29 de julio de 2022 11:49"
    assert item.shares == 12
    assert item.body == "Texto."
    assert item.related == [{"url": "https://espanol.almayadeen.net/noticias/x", "title": "X"}]
    assert (item.language, item.site) == ("es", "espanol.almayadeen.net")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<script id="tawsiyat-metadata" type="text/tawsiyat">{"type": "page"}</script>'
            '<meta property="og:type" content="article">',
            False,
        ),
        (
            '<script id="tawsiyat-metadata" type="text/tawsiyat">{"type": "videoobject"}</script>'
            '<meta property="og:type" content="website">',
            True,
        ),
        ('<meta property="og:type" content="video.other">', True),
        ('<meta property="og:type" content="website">', False),
        ("", False),
    ],
)
def test_is_article_trusts_the_first_source_that_speaks(head: str, expected: bool) -> None:
    page = f"<html><head>{head}</head><body><h1>Heading</h1><p>Text.</p></body></html>"
    response = HtmlResponse(url="http://127.0.0.1:8/news/politics", body=page.encode())
    assert ArticlePage(response).is_article() is expected


#: Edits of the reference page a new version of the site could make, and the fields each may
#: cost (every other field must still be exactly the reference record's).
REFERENCE_VARIANTS = {
    "byline classes renamed": (
        [('ul class="post-info"', 'ul class="article-info"'), ('class="read-time"', 'class="rt"')],
        set(),
    ),
    "no tawsiyat block": (
        [('id="tawsiyat-metadata" type="text/tawsiyat"', 'type="text/plain"')],
        {"region"},
    ),
    "no tawsiyat, no head times": (
        [
            ('id="tawsiyat-metadata" type="text/tawsiyat"', 'type="text/plain"'),
            ('property="article:published_time"', 'property="x"'),
            ('property="article:modified_time"', 'property="y"'),
        ],
        {"region", "date_modified"},
    ),
    "container and body classes renamed": (
        [('class="details-white-box"', 'class="story"'), ('class="p-content"', 'class="txt"')],
        set(),
    ),
    "related box and tag list classes renamed": (
        [('class="related-news"', 'class="box"'), ('ul class="tags"', 'ul class="labels"')],
        set(),
    ),
    "head meta removed": (
        [('<meta name="', '<meta data-name="'), ('<meta property="', '<meta data-property="')],
        set(),
    ),
}


@pytest.mark.parametrize("variant", REFERENCE_VARIANTS)
def test_variants_of_the_reference_page(variant: str) -> None:
    path = FIXTURES / "articles" / "en-2022-reference.json"
    expected = _expected(path)
    html = path.with_suffix(".html").read_text("utf-8")
    edits, lost = REFERENCE_VARIANTS[variant]
    for old, new in edits:
        assert old in html, old
        html = html.replace(old, new)
    response = HtmlResponse(url=expected["_fetched_url"], body=html.encode(), encoding="utf-8")
    record = asdict(load_article(response, EN, crawled_at=CRAWLED_AT))
    differing = {n for n in FIELDS if n not in UNCHECKED and record[n] != expected[n]}
    assert differing <= lost, {n: record[n] for n in differing - lost}


def test_a_known_layout_without_its_container_is_not_read_from_the_whole_page() -> None:
    """The 2024 page with its article element renamed, and a sidebar with a byline row and a
    tag list of another article: the page goes to the generic reader, which reads the article's
    own tags and authors, never the sidebar's."""
    path = FIXTURES / "articles" / "en-2024-layout.html"
    expected = _expected(path.with_suffix(".json"))
    html = path.read_text("utf-8").replace('<article class="article-page">', '<div class="v3">')
    sidebar = (
        '<aside class="sidebar"><div class="article-meta"><span class="meta-source">Reuters'
        '</span></div><div class="article-tags"><a href="/tags/Neighbour">Neighbour</a></div>'
        "</aside>"
    )
    html = html.replace("</article>", "</div>").replace("<main>", "<main>" + sidebar)
    response = HtmlResponse(url=expected["_fetched_url"], body=html.encode(), encoding="utf-8")
    assert ArticlePage(response).layout.selectors.name == "generic"
    item = load_article(response, EN)
    assert item.tags == expected["tags"]
    assert item.authors == expected["authors"]
    assert item.title == expected["title"]
