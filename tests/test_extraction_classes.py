"""Extraction on markup no layout of the site uses: one table per class of failure.

Every page here is written in class names the extractor has never seen; each case states what
the record must hold. A value the article does not give must come out empty, never a
neighbour's value (sidebars, menus, ads sit beside every article below).
"""

from __future__ import annotations

import collections
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from newscrawl.editions import AR, EN, Edition
from newscrawl.items import ArticleItem
from newscrawl.normalize.loader import DISAGREE_KEY, load_article
from newscrawl.normalize.processors import split_authors

TITLE = "Talks resume in Doha after a week of strikes"
URL = "http://127.0.0.1:8/news/politics/talks-resume"
BODY = (
    '<div class="q7"><p>The first paragraph of the story says what happened today.</p>'
    "<p>The second paragraph adds what the officials said afterwards.</p></div>"
)
SIDEBAR = (
    '<div class="zz"><h4>Most Read</h4>'
    '<div><a href="/news/politics/other"><span>Another story of the day</span></a>'
    "<span>12 Mar 2024 10:15</span><span>44 Shares</span></div>"
    '<div class="cloud"><a href="/tags/Sidebar">Sidebar</a></div></div>'
)
MENU = '<div class="m0"><a href="/">Al Mayadeen English</a><a href="/news">News</a></div>'


def page(
    article: str,
    head: str = "",
    *,
    title: str = TITLE,
    sidebar: str = SIDEBAR,
    lang: str = "en",
) -> str:
    return (
        f'<html lang="{lang}"><head><title>{title} | Al Mayadeen English</title>{head}</head>'
        f'<body>{MENU}<div class="w1">{sidebar}<div class="a9">{article}</div></div>'
        '<div class="f3"><p>Al Mayadeen English</p><p>All Rights Reserved</p></div></body></html>'
    )


def article(
    *, header: str = "", media: str = "", body: str = BODY, after: str = "", title: str = TITLE
) -> str:
    return f'<h2 class="t1">{title}</h2>{header}<div class="m2">{media}</div>{body}{after}'


def load(html: str, url: str = URL, edition: Edition = EN, stats: Any = None) -> ArticleItem:
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8")
    return load_article(response, edition, stats=stats)


# --- inline markup keeps its text ---------------------------------------------------------


@pytest.mark.parametrize(
    "inline",
    [
        '<a href="/tags/Qatar">Qatar</a>',
        "<strong>Qatar</strong>",
        "<em>Qatar</em>",
        '<span class="x">Qatar</span>',
        '<a href="https://example.org/q"><b>Qatar</b></a>',
    ],
)
def test_inline_markup_keeps_its_words_in_the_body(inline: str) -> None:
    body = f'<div class="q7"><p>Officials met in {inline} on Monday.</p><p>Second one.</p></div>'
    item = load(page(article(body=body)))
    assert item.body == "Officials met in Qatar on Monday.\n\nSecond one."
    assert item.word_count == 8


def test_an_inline_tag_link_keeps_its_words_in_a_known_layout_without_a_tag_list() -> None:
    html = (
        '<html><body><div class="details-white-box"><h2>T</h2><div class="p-content">'
        '<p>New measures in <a href="/tags/Gaza">Gaza</a>.</p></div></div></body></html>'
    )
    item = load(html)
    assert item.body == "New measures in Gaza."
    assert item.tags == []


# --- nothing from outside the article -----------------------------------------------------


@pytest.mark.parametrize(
    ("header", "raw", "shares"),
    [
        ("", None, None),  # the article shows no date and no count: the sidebar's are not its
        ('<div class="b"><span>3 Shares</span></div>', None, 3),
        ('<div class="b"><time>14 Mar 2024 09:05</time></div>', "14 Mar 2024 09:05", None),
    ],
)
def test_a_sidebar_date_next_to_an_article_without_one_is_not_taken(
    header: str, raw: str | None, shares: int | None
) -> None:
    item = load(page(article(header=header)))
    assert item.date_published_raw == raw
    assert item.shares == shares
    if raw is None:
        assert item.date_published is None


def test_nothing_is_read_from_menus_footers_or_ads() -> None:
    body = (
        '<div class="q7"><p>The first paragraph of the story.</p>'
        '<div class="k"><span>Advertisement</span><a href="https://ads.example.net/c">'
        '<img src="https://ads.example.net/b.jpg"></a></div>'
        "<p>The second paragraph of the story.</p></div>"
    )
    item = load(page(article(body=body)))
    assert item.body == "The first paragraph of the story.\n\nThe second paragraph of the story."
    assert item.images == [] and item.main_image is None
    assert item.tags == [] and item.authors == []


# --- tags from the tag list only, in its order ----------------------------------------------


@pytest.mark.parametrize(
    "tag_list",
    [
        '<div class="tl"><span>Tags</span><a href="/tags/Doha">Doha</a>'
        '<a href="/tags/Qatar">Qatar</a></div>',
        '<ul class="tl"><li><a href="/tags/Doha">Doha</a></li>'
        '<li><a href="/tags/Qatar">Qatar</a></li></ul>',
    ],
)
def test_tags_come_from_the_tag_list_in_its_order(tag_list: str) -> None:
    body = '<div class="q7"><p>A visit to <a href="/tags/Gaza">Gaza</a> first.</p></div>'
    item = load(page(article(body=body, after=tag_list)))
    assert item.tags == ["Doha", "Qatar"]
    assert item.body == "A visit to Gaza first."


def test_without_a_visible_tag_list_the_head_article_tags_are_the_tags() -> None:
    head = '<meta property="article:tag" content="Doha"><meta property="article:tag" content="UN">'
    assert load(page(article(), head)).tags == ["Doha", "UN"]


# --- lazy images, sibling captions, images in the body ----------------------------------------

PIC = "https://media.example/p/1.jpg?v=3&width=1000"
GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize(
    "img",
    [
        f'<img src="{PIC}">',
        f'<img src="{GIF}" data-src="{PIC}">',
        f'<img src="{GIF}" data-lazy-src="{PIC}">',
        f'<img src="{GIF}" srcset="{PIC}&amp;w=480 480w, {PIC} 1000w">',
        f'<img src="/static/lazy-placeholder.gif"><noscript><img src="{PIC}"></noscript>',
        f'<picture><img src="{PIC}"></picture>',
    ],
)
def test_each_lazy_image_form_gives_the_picture(img: str) -> None:
    media = f'<div class="fg">{img}<span class="c">Doha at night (AFP)</span></div>'
    item = load(page(article(media=media)))
    assert item.main_image == {"url": PIC, "caption": "Doha at night (AFP)"}
    assert item.images == [item.main_image]


@pytest.mark.parametrize(
    "caption",
    [
        "<figcaption>Doha at night (AFP)</figcaption>",
        '<span class="c">Doha at night (AFP)</span>',
        '<div class="c">Doha at night (AFP)</div>',
        '<p class="c">Doha at night (AFP)</p>',
        "<small>Doha at night (AFP)</small>",
    ],
)
def test_a_caption_beside_the_picture_is_its_caption_and_not_body_text(caption: str) -> None:
    wrap = "figure" if "figcaption" in caption else "div"
    inline = f'<{wrap} class="fg"><img src="{PIC}">{caption}</{wrap}>'
    body = (
        f'<div class="q7"><p>The first paragraph of the story.</p>{inline}'
        "<p>The second paragraph of the story.</p></div>"
    )
    item = load(page(article(body=body)))
    assert item.body == "The first paragraph of the story.\n\nThe second paragraph of the story."
    assert item.images == [{"url": PIC, "caption": "Doha at night (AFP)"}]
    assert item.main_image is None  # a picture inside the body is not the main image


# --- labels shown as links --------------------------------------------------------------------


def test_labels_shown_as_links_give_region_coverage_and_section() -> None:
    header = (
        '<div class="k"><a href="/news">News</a> <a href="/news/politics">Politics</a> '
        '<a href="/regions/mena">MENA</a> <a href="/coverage/War%20on%20Gaza">War on Gaza</a></div>'
    )
    item = load(page(article(header=header)))
    assert (item.section_group, item.section) == ("News", "Politics")
    assert (item.region, item.coverage) == ("MENA", "War on Gaza")


def test_labels_outside_the_article_are_not_its_labels() -> None:
    sidebar = SIDEBAR.replace("</h4>", '</h4><a href="/regions/europe">Europe</a>')
    item = load(page(article(), sidebar=sidebar))
    assert item.region is None and item.coverage is None


# --- byline items by their text shape, wherever they sit --------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        '<div class="b"><span>By Ann Lee</span> <span>Source: Agencies</span> '
        "<time>14 Mar 2024 09:05</time> <span>3 Shares</span> <span>2 Min Read</span></div>",
        '<div class="b"><span>2 min read</span><time>14 Mar 2024 09:05</time></div>'
        '<p class="s">A standfirst long enough to be prose.</p>'
        '<div class="c"><span>3 Shares</span><span>Source: Agencies</span>'
        '<span>By <a href="/authors/ann-lee">Ann Lee</a></span></div>',
        '<div class="b"><p>By Ann Lee | Source: Agencies | 14 Mar 2024 09:05 | 3 Shares | '
        "2 min read</p></div>",
    ],
)
def test_byline_items_are_found_in_any_order_and_container(header: str) -> None:
    item = load(page(article(header=header)))
    assert item.authors == ["Ann Lee"]
    assert item.source == "Agencies"
    assert item.date_published_raw == "14 Mar 2024 09:05"
    assert item.date_published == "2024-03-14T07:05:00Z"
    assert (item.shares, item.read_time_minutes) == (3, 2)


# --- metadata in other places, in order of trust ------------------------------------------------


@pytest.mark.parametrize(
    ("head", "player", "seconds"),
    [
        (
            '<script type="application/ld+json">{"@type": "VideoObject", "duration": "PT3M5S",'
            ' "contentUrl": "https://m/v.mp4"}</script>',
            "",
            185,
        ),
        ('<meta property="video:duration" content="185">', '<video src="https://m/v.mp4">', 185),
        ("", '<video src="https://m/v.mp4" data-video-duration="185"></video>', 185),
        ("", '<div data-duration="PT1H2M"><video src="https://m/v.mp4"></video></div>', 3720),
    ],
)
def test_video_duration_from_json_ld_meta_or_data_attributes(
    head: str, player: str, seconds: int
) -> None:
    item = load(page(article(media=player, body=""), head), url=URL.replace("/news/", "/videos/"))
    assert item.content_type == "video"
    assert item.video is not None
    assert item.video["url"] == "https://m/v.mp4"
    assert item.video["duration_seconds"] == seconds


@pytest.mark.parametrize(
    ("head", "attrs"),
    [
        ('<meta name="news_keywords" content="Doha, Qatar,Doha">', ""),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "identifier": "1234567",'
            ' "keywords": ["Doha", "Qatar"]}</script>',
            "",
        ),
        ("", ' data-post-id="1234567" data-keywords="Doha,Qatar"'),
    ],
)
def test_keywords_and_post_id_from_any_metadata_regime(head: str, attrs: str) -> None:
    html = page(article(), head).replace('<div class="a9">', f'<div class="a9"{attrs}>')
    item = load(html)
    assert item.keywords == ["Doha", "Qatar"]
    if "1234567" in head + attrs:
        assert item.post_id == "1234567"


def test_the_raw_date_is_the_one_the_byline_shows_not_the_metadata_string() -> None:
    head = '<meta property="article:published_time" content="2024-03-14T07:05:00.0000000">'
    header = '<div class="b"><time datetime="2024-03-14T07:05:00Z">14 Mar 2024 09:05</time></div>'
    item = load(page(article(header=header), head))
    assert item.date_published == "2024-03-14T07:05:00Z"
    assert item.date_published_raw == "14 Mar 2024 09:05"


def test_disagreeing_sources_keep_the_most_trusted_and_are_counted() -> None:
    head = (
        '<meta property="og:title" content="The title the metadata gives">'
        '<meta name="keywords" content="Doha">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "keywords": "Gaza"}</script>'
    )
    stats: collections.Counter[str] = collections.Counter()

    class Stats:
        def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
            stats[key] += count

    item = load(page(article(), head), stats=Stats())
    assert item.title == "The title the metadata gives"
    assert item.keywords == ["Doha"]
    assert stats == {f"{DISAGREE_KEY}/title": 1, f"{DISAGREE_KEY}/keywords": 1}


# --- Arabic -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("أحمد علي، وليد حسن", ["أحمد علي", "وليد حسن"]),
        ("بقلم: أحمد علي و وليد حسن", ["أحمد علي", "وليد حسن"]),
        ("أحمد علي، سارة خليل و وليد حسن", ["أحمد علي", "سارة خليل", "وليد حسن"]),
        ("وليد حسن", ["وليد حسن"]),  # a name that begins with و stays whole
        ("الميادين نت", ["الميادين نت"]),
    ],
)
def test_arabic_author_separators(text: str, names: list[str]) -> None:
    assert split_authors(text) == names


def test_an_arabic_page_of_no_known_layout() -> None:
    title = "وزير الخارجية يصل إلى الدوحة"
    header = (
        '<div class="b"><span>بقلم: أحمد علي و وليد حسن</span><time>10 Sep 2024 02:24</time></div>'
    )
    media = f'<div class="fg"><img src="{GIF}" data-src="{PIC}" alt=""></div>'
    body = '<div class="q7"><p>وصل وزير الخارجية إلى الدوحة اليوم.</p></div>'
    html = page(
        article(header=header, media=media, body=body, title=title),
        title=title,
        sidebar="",
        lang="ar",
    ).replace("Al Mayadeen English", "الميادين")
    item = load(html, url="http://127.0.0.1:8/news/politics/x", edition=AR)
    assert item.authors == ["أحمد علي", "وليد حسن"]
    assert item.main_image == {"url": PIC, "caption": None}
    assert item.body == "وصل وزير الخارجية إلى الدوحة اليوم."
    assert item.date_published == "2024-09-09T23:24:00Z"


# --- video typing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("media", "kind"),
    [
        ('<div class="p"><video src="https://m/v.mp4"></video></div>', "video"),
        ('<div class="p"><iframe src="https://www.youtube.com/embed/x1"></iframe></div>', "video"),
        (f'<div class="fg"><img src="{PIC}"></div>', "article"),
    ],
)
def test_a_player_in_the_article_types_a_page_without_metadata(media: str, kind: str) -> None:
    item = load(page(article(media=media)))
    assert item.content_type == kind


def test_a_player_in_a_sidebar_does_not_make_a_video() -> None:
    sidebar = SIDEBAR.replace("</h4>", '</h4><video src="https://m/other.mp4"></video>')
    item = load(page(article(), sidebar=sidebar))
    assert item.content_type == "article"


# --- other arrangements ---------------------------------------------------------------------


def test_a_headline_block_above_a_column_of_text() -> None:
    paragraphs = (
        "<p>The first paragraph of the story says what happened today in the capital.</p>"
        "<p>The second paragraph adds what the officials said afterwards, at some length.</p>"
    )
    html = (
        f"<html><head><title>{TITLE} | Al Mayadeen English</title></head><body>"
        f'<div class="h"><h1>{TITLE}</h1><p class="l">A standfirst long enough to be prose.</p>'
        '<div class="m"><span>By Ann Lee</span><time>14 Mar 2024 09:05</time></div></div>'
        f'<div class="c"><div class="x"><div class="t">{paragraphs}</div>'
        '<div class="g"><a href="/tags/Doha">Doha</a></div></div>'
        f"{SIDEBAR}</div></body></html>"
    )
    item = load(html)
    assert item.body is not None and item.body.startswith("The first paragraph")
    assert item.body.endswith("at some length.")
    assert item.description == "A standfirst long enough to be prose."
    assert (item.authors, item.date_published_raw) == (["Ann Lee"], "14 Mar 2024 09:05")
    assert item.tags == ["Doha"]


@pytest.mark.parametrize(
    ("line", "raw"),
    [
        ("Published: 14 Mar 2024 09:05", "14 Mar 2024 09:05"),
        ("Updated: 14 Mar 2024 09:05", None),  # not the publication date, and not prose
    ],
)
def test_a_labelled_date_is_a_byline_item_never_the_standfirst(line: str, raw: str | None) -> None:
    header = f'<div class="b"><span>By Ann Lee</span> <span>{line}</span></div>'
    item = load(page(article(header=header)))
    assert item.date_published_raw == raw
    assert item.description is None
