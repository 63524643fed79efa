"""Whether an article page arrived whole (``newscrawl.pages.integrity``), the middleware that
retries and drops damaged ones (``newscrawl.integrity``) and the ``damaged_pages`` check.

Whole pages: every saved page of the site's shapes (``tests/fixtures/articles``, the listing and
the static page) and real pages of other sites (``tests/fixtures/realpages``: one that leaves
out ``</html>``, one whose ``wordCount`` matches its body, one whose ``wordCount`` its own
``timeRequired`` contradicts). Damaged ones: each saved page cut short, random bytes, a body cut
inside a whole document, a page that is no page.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import lxml.html
import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newscrawl.discovery.failures import failure_kind
from newscrawl.discovery.meta import LINK_KIND, LinkKind
from newscrawl.integrity import DAMAGED_STAT, WHOLE_STAT, DamagedPage, PageIntegrityMiddleware
from newscrawl.monitors.checks import RunFigures
from newscrawl.monitors.integrity import check_damaged
from newscrawl.pages.article import ArticlePage
from newscrawl.pages.integrity import Damage, Verdict, judge_page, promised_words

FIXTURES = Path(__file__).parent / "fixtures"
SITE_PAGES = sorted((FIXTURES / "articles").glob("*.html")) + sorted(
    (FIXTURES / "pages").glob("*.html")
)
REAL_PAGES = sorted((FIXTURES / "realpages").glob("*.html.gz"))
URL = "https://english.almayadeen.net/news/politics/some-article"
REFERENCE = FIXTURES / "articles" / "en-2022-reference.html"


def response(body: bytes, charset: str = "utf-8", url: str = URL) -> HtmlResponse:
    return HtmlResponse(url, body=body, headers={"Content-Type": f"text/html; charset={charset}"})


def body_of(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


@pytest.mark.parametrize("path", SITE_PAGES + REAL_PAGES, ids=lambda p: p.name)
def test_whole_pages_are_whole(path: Path) -> None:
    assert judge_page(response(body_of(path))) == Verdict(None)


@pytest.mark.parametrize("share", [0.1, 0.4, 0.9])
@pytest.mark.parametrize("path", SITE_PAGES + REAL_PAGES, ids=lambda p: p.name)
def test_cut_pages_are_truncated(path: Path, share: float) -> None:
    body = body_of(path)
    verdict = judge_page(response(body[: int(len(body) * share)]))
    assert verdict.damage is Damage.TRUNCATED
    assert "without </body> or </html>" in verdict.reason


@pytest.mark.parametrize("charset", ["utf-8", "windows-1252", "iso-8859-1"])
@pytest.mark.parametrize("size", [300, 20_000])
def test_random_bytes_are_undecodable(charset: str, size: int) -> None:
    verdict = judge_page(response(random.Random(size).randbytes(size), charset))
    assert verdict.damage is Damage.UNDECODABLE
    assert "characters are not text" in verdict.reason


def test_a_stray_bad_byte_is_not_damage() -> None:
    body = REFERENCE.read_bytes().replace(b"<p>", b"<p>\xff\x01", 3)
    assert judge_page(response(body)).whole


def cut_body(html: bytes, keep: int, word_count: int | str | None) -> bytes:
    """The reference page, whole, with only ``keep`` body paragraphs and a JSON-LD article
    promising ``word_count`` words."""
    page = ArticlePage(response(html))
    node = page.layout.body_node
    assert node is not None
    for p in node.root.findall(".//p")[keep:]:
        p.getparent().remove(p)
    root = node.root.getroottree().getroot()
    if word_count is not None:
        script = lxml.html.fragment_fromstring(
            '<script type="application/ld+json">'
            + json.dumps({"@type": "NewsArticle", "wordCount": word_count})
            + "</script>"
        )
        root.find("head").append(script)
    return bytes(lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8"))


@pytest.mark.parametrize(
    ("keep", "word_count", "damage"),
    [
        (1, 412, Damage.SHORT_BODY),  # a tenth of the promised words
        (1, "412", Damage.SHORT_BODY),  # the count given as a string
        (100, 412, None),  # every paragraph
        (100, 700, None),  # 420 of 700: more than half
        (1, None, None),  # no promise: nothing to judge by
        (1, 40, None),  # too short a promise to judge
    ],
)
def test_body_against_the_promised_word_count(
    keep: int, word_count: int | str | None, damage: Damage | None
) -> None:
    verdict = judge_page(response(cut_body(REFERENCE.read_bytes(), keep, word_count)))
    assert verdict.damage is damage, verdict.reason
    if damage is not None:
        assert "promises 412" in verdict.reason


@pytest.mark.parametrize(
    ("article", "promised"),
    [
        ({"wordCount": 532}, 532),
        ({"wordCount": "1131"}, 1131),
        ({"wordCount": 6838, "timeRequired": "PT4M"}, 1200),  # the count its reading time denies
        ({"wordCount": 600, "timeRequired": "PT4M"}, 600),
        ({"wordCount": 30}, None),
        ({"wordCount": "many"}, None),
        ({"wordCount": True}, None),
        ({}, None),
        (None, None),
    ],
)
def test_promised_words(article: dict[str, object] | None, promised: int | None) -> None:
    assert promised_words(article) == promised


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>Service temporarily unavailable</p></body></html>",
        b"<!DOCTYPE html><html><head><title>Error</title></head><body></body></html>",
        b"Just some words, not markup at all.",
    ],
)
def test_a_page_neither_article_nor_listing(body: bytes) -> None:
    assert judge_page(response(body)).damage is Damage.NOT_A_PAGE


def test_a_binary_answer_is_no_page() -> None:
    binary = Response(URL, body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
    verdict = judge_page(binary)
    assert verdict.damage is Damage.NOT_A_PAGE
    assert "application/pdf" in verdict.reason


# -- the middleware -------------------------------------------------------------------------


@pytest.fixture
def middleware() -> PageIntegrityMiddleware:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return PageIntegrityMiddleware.from_crawler(crawler)


def article_request(**meta: object) -> Request:
    return Request(URL, meta={LINK_KIND: LinkKind.ARTICLE, **meta})


def test_a_damaged_page_is_retried_then_dropped_and_counted(
    middleware: PageIntegrityMiddleware,
) -> None:
    cut = REFERENCE.read_bytes()[:2000]
    request = article_request()
    for attempt in (1, 2):
        retry = middleware.process_response(request, response(cut))
        assert isinstance(retry, Request)
        assert retry.meta["retry_times"] == attempt
        assert retry.dont_filter
        request = retry
    with pytest.raises(DamagedPage) as raised:
        middleware.process_response(request, response(cut))
    assert failure_kind(raised.value) == "damaged"
    stats = middleware.stats.get_stats()
    assert stats[f"{DAMAGED_STAT}truncated"] == 1
    assert stats["retry/reason_count/damaged/truncated"] == 2
    assert WHOLE_STAT not in stats


def test_whole_pages_and_other_answers_pass(middleware: PageIntegrityMiddleware) -> None:
    whole = response(REFERENCE.read_bytes())
    assert middleware.process_response(article_request(), whole) is whole
    cut = response(REFERENCE.read_bytes()[:2000])
    listing = Request(URL, meta={LINK_KIND: LinkKind.LISTING})
    assert middleware.process_response(listing, cut) is cut  # not judged: not an article link
    missing = HtmlResponse(URL, status=404, body=b"<html><body>gone")
    assert middleware.process_response(article_request(), missing) is missing
    with pytest.raises(DamagedPage):  # no retry asked: dropped at once
        middleware.process_response(article_request(dont_retry=True), cut)
    assert middleware.stats.get_value(WHOLE_STAT) == 1


# -- the health check -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stats", "ok", "words"),
    [
        ({WHOLE_STAT: 200}, True, "0 of 200 article pages damaged"),
        ({}, True, "0 of 0 article pages"),
        ({WHOLE_STAT: 99, f"{DAMAGED_STAT}truncated": 1}, True, "1 of 100 article pages"),
        (
            {WHOLE_STAT: 180, f"{DAMAGED_STAT}truncated": 10, f"{DAMAGED_STAT}undecodable": 10},
            False,
            "20 of 200 article pages damaged after their retries (10.0%, limit 1.0%): "
            "truncated 10, undecodable 10",
        ),
        ({f"{DAMAGED_STAT}not_a_page": 1}, False, "not_a_page 1"),
    ],
)
def test_check_damaged(stats: dict[str, int], ok: bool, words: str) -> None:
    check = check_damaged(stats, 0.01)
    assert (check.name, check.ok) == ("damaged_pages", ok)
    assert words in check.message
    assert check.as_dict()["exit_status"] == (0 if ok else 3)


def test_damaged_pages_are_not_counted_again_as_failed_requests() -> None:
    stats = {"newscrawl/errors/damaged": 20, "newscrawl/errors/timeout": 1}
    assert RunFigures.from_stats(stats, "full").failed == {"timeout": 1}
