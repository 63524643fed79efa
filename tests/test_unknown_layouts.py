"""The reader of layouts never seen, class by class, on the shapes real newsrooms' pages use.

Each table is built from markup of other publishers (the shapes of ``bench/realfields.py``'s
pages: DW, Stern, NTV, Global News, Rolling Stone, Nature ...), not from the replica's markup.
A page is read as the crawler reads any page of no known layout: ``ArticlePage(...).to_item()``.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree
from scrapy.http import HtmlResponse

from newscrawl.discovery.classify import CrawlSite
from newscrawl.normalize.processors import (
    is_person_name,
    site_keys,
    split_authors,
    stated_offset,
    strip_site_name,
    to_utc,
)
from newscrawl.pages import fallback
from newscrawl.pages.article import ArticlePage

BODY = "".join(
    f"<p>Paragraph {n} of the story tells what happened in the city and why it matters now.</p>"
    for n in range(1, 7)
)
LEAD = (
    "Heavy rain has cut the only road along the coast, and repairs will take at least seven"
    " days, officials said."
)
HEADLINE = "<h1>Floods close the coastal road for a week</h1>"


def read(html: str, url: str = "https://www.example-news.com/politics/story-1"):  # type: ignore[no-untyped-def]
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8")
    return ArticlePage(response, CrawlSite.of("en")).to_item()


def page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


# --- HTML5 sectioning: an article's own header, footer and aside belong to it --------------


def test_the_articles_own_header_holds_its_headline_and_byline() -> None:
    html = page(
        '<link rel="canonical" href="https://www.example-news.com/politics/story-1">',
        "<header><h1>Example News</h1><nav><a href='/'>Home</a></nav></header>"
        "<main><article><header><h1>Ministers agree on a new budget after long talks</h1>"
        "<p class='byline'>By Jane Doe and John Roe</p></header>"
        f"<div class='story'>{BODY}</div>"
        "<aside><h3>Related</h3><p>Another story entirely about the weather.</p></aside>"
        "<footer><p>Tags: budget</p></footer></article></main>"
        "<footer><p>Copyright Example News, all rights reserved by the company.</p></footer>",
    )
    item = read(html)
    assert item.title == "Ministers agree on a new budget after long talks"
    assert item.authors == ["Jane Doe", "John Roe"]
    assert "Paragraph 1 of the story" in (item.body or "")
    assert "weather" not in (item.body or "")
    assert "Copyright" not in (item.body or "")


def test_the_pages_own_header_is_furniture() -> None:
    html = page(
        "",
        "<header><h1>Example News: today's headlines from the whole world</h1></header>"
        f"<div><h1>Floods close the coastal road for a week</h1>{BODY}</div>",
    )
    assert read(html).title == "Floods close the coastal road for a week"


def test_the_bodys_subheadings_are_body_text() -> None:
    """Subheadings between the paragraphs are the article's (Funke, Sankei, Mallorca Zeitung);
    a heading that heads no paragraph (a box's title at the end) is not."""
    html = page(
        "",
        "<article><h1>Füchse Berlin beat Eisenach in the cup and meet Kiel next</h1>"
        f"<div class='text'>{BODY}<h2>Füchse Berlin überragen</h2>{BODY}"
        "<h3>Mehr zum Thema</h3></div></article>",
    )
    paragraphs = (read(html).body or "").split("\n\n")
    assert paragraphs[6] == "Füchse Berlin überragen"
    assert len(paragraphs) == 13 and "Mehr zum Thema" not in paragraphs


def test_paragraphs_straight_after_the_headline_are_the_body() -> None:
    """No element of its own around the body: the first paragraph is the body's, not a
    standfirst (and so not the summary)."""
    item = read(page("", f"<article>{HEADLINE}{BODY}</article>"))
    assert (item.body or "").startswith("Paragraph 1 of the story")
    assert len((item.body or "").split("\n\n")) == 6
    assert item.description is None


def test_the_headline_in_another_unicode_order_is_still_the_headline() -> None:
    """The head writes a shadda before a damma, the heading after it (canonically the same
    text): the heading is the headline, not a subheading of the body."""
    head_title = "تشب\u0651\u064fث نتنياهو بالبقاء في فيلادلفيا"
    shown_title = "تشب\u064f\u0651ث نتنياهو بالبقاء في فيلادلفيا"
    html = page(
        f'<meta property="og:title" content="{head_title}">',
        f"<div class='page'><article><div class='text'><h2>{shown_title}</h2>{BODY}</div>"
        "</article></div>",
    )
    item = read(html)
    assert (item.body or "").startswith("Paragraph 1 of the story")
    assert "فيلادلفيا" not in (item.body or "")


@pytest.mark.parametrize(
    "script",
    [
        (  # a client-rendered app's state (Hankook Ilbo's shape)
            '<script>window["__RQ"].push({"detail": {"title": "Floods close the coastal road'
            ' for a week", "contentHtml":'
            ' "<div class=\\"caption\\"><p>A minister speaks. Photo agency</p></div>'
            + "".join(f"<p>{p}</p>" for p in BODY.replace("<p>", "").split("</p>") if p)
            + '"}})</script>'
        ),
        (  # JSON-LD articleBody, plain text
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline":'
            ' "Floods close the coastal road for a week", "articleBody": "'
            + "\\n".join(p for p in BODY.replace("<p>", "").split("</p>") if p)
            + '"}</script>'
        ),
    ],
)
def test_a_body_only_a_script_carries_is_read_from_it(script: str) -> None:
    item = read(page(script, f"<div id='app'>{HEADLINE}<p>Loading…</p></div>"))
    paragraphs = (item.body or "").split("\n\n")
    assert paragraphs[0].startswith("Paragraph 1 of the story") and len(paragraphs) == 6
    assert "Photo agency" not in (item.body or "")


def test_a_script_body_of_another_story_is_not_the_articles() -> None:
    """An app's state carries a related story's body, under that story's title: the page,
    which shows no body, gets none rather than its neighbour's."""
    related = "".join(f"<p>{p}</p>" for p in BODY.replace("<p>", "").split("</p>") if p)
    script = (
        '<script>window["__RQ"].push({"related": [{"title": "Markets rally after the vote",'
        f' "contentHtml": "{related}"}}]}})</script>'
    )
    item = read(page(script, f"<div id='app'>{HEADLINE}<p>Loading…</p></div>"))
    assert item.title == "Floods close the coastal road for a week"
    assert "Paragraph 1 of the story" not in (item.body or "")


# --- titles: the visible headline; head titles without the site's name ---------------------


@pytest.mark.parametrize(
    ("title", "sites", "headline"),
    [
        (
            "Ukrainische Gegenoffensive: Ziele, Chancen, Risiken | DW | 28.04.2023",
            ["DW"],
            "Ukrainische Gegenoffensive: Ziele, Chancen, Risiken",
        ),
        (
            "Post-Vac-Syndrom: was wissen wir? – DW – 13.06.2023",
            ["DW"],
            "Post-Vac-Syndrom: was wissen wir?",
        ),
        (
            "Mining blasts shatter homes - Lesotho Times",
            ["Lesotho Times"],
            "Mining blasts shatter homes",
        ),
        (
            "New plot twist in the case | The Gateway Pundit | by Cristina Laila",
            ["The Gateway Pundit"],
            "New plot twist in the case",
        ),
        (
            "Example News - Floods close the coastal road",
            ["Example News"],
            "Floods close the coastal road",
        ),
        (
            "Bericht: Aktivistin getötet - Irans Justiz dementiert",
            ["Mitteldeutsche Zeitung"],
            "Bericht: Aktivistin getötet - Irans Justiz dementiert",
        ),
        (  # a headline starting with a by-word is no byline
            "Von München bis Aachen: Im Netz der China-Agenten",
            ["Correctiv"],
            "Von München bis Aachen: Im Netz der China-Agenten",
        ),
        (  # a full-width colon before the site's name
            "東京女子医大元理事長、私的流用か 警視庁逮捕：東京新聞デジタル",
            ["東京新聞デジタル"],
            "東京女子医大元理事長、私的流用か 警視庁逮捕",
        ),
    ],
)
def test_a_head_title_loses_the_sites_name(title: str, sites: list[str], headline: str) -> None:
    assert strip_site_name(title, site_keys(sites)) == headline


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        (  # og:title without the site's name, over a heading holding a kicker
            '<meta property="og:title" content="Floods close the coastal road | Example News">'
            '<meta property="og:site_name" content="Example News">',
            "<article><h1><span>Weather</span> Floods close the coastal road</h1>",
            "Floods close the coastal road",
        ),
        (  # no visible headline: the head title without the site
            '<meta property="og:title" content="Floods close the coastal road | Example News">'
            '<meta property="og:site_name" content="Example News">',
            "<article>",
            "Floods close the coastal road",
        ),
        (  # a section after the headline in og:title
            '<meta property="og:title" content="Russia hits Kyiv with a ballistic missile -'
            ' National | globalnews.ca"><meta property="og:site_name" content="Global News">',
            "<article><h1>Russia hits Kyiv with a ballistic missile</h1>",
            "Russia hits Kyiv with a ballistic missile",
        ),
        (  # og:title (written for sharing) alone against the headline and JSON-LD agreeing
            '<meta property="og:title" content="LEGO feiert Star-Wars-Tag: viele neue Sets">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Lego feiert Star-Wars-Tag: Alle Angebote im &#220;berblick"}</script>',
            "<article><h1>Lego feiert Star-Wars-Tag: Alle Angebote im Überblick</h1>",
            "Lego feiert Star-Wars-Tag: Alle Angebote im Überblick",
        ),
        (  # JSON-LD's headline cut short with an ellipsis still agrees with the headline
            '<meta property="og:title" content="Who is Phil Foden\'s girlfriend Rebecca Cooke?">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline":'
            ' "Who is Phil Foden’s girlfriend Rebecca Cooke and how many children do..."}'
            "</script>",
            "<article><h1>Who is Phil Foden’s girlfriend Rebecca Cooke and how many children"
            " do couple have?</h1>",
            "Who is Phil Foden’s girlfriend Rebecca Cooke and how many children do couple have?",
        ),
    ],
)
def test_the_title_from_the_head_and_the_headline(head: str, body: str, title: str) -> None:
    assert read(page(head, f"{body}<div>{BODY}</div></article>")).title == title


# --- authors are names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("Von Anna Martel und Lea Wagner", ["Anna Martel", "Lea Wagner"]),
        ("Por Juan Pérez y María López", ["Juan Pérez", "María López"]),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("بقلم علي حسن و محمد خليل", ["علي حسن", "محمد خليل"]),
        ("أحمد علي، وليد حسن", ["أحمد علي", "وليد حسن"]),
        ("Jane Doe, Senior Reporter", ["Jane Doe"]),
        ("Dolores Chang for Dailymail.com", ["Dolores Chang"]),
        ("By TPN, in News, Portugal, Business", ["TPN"]),
        ("Martin Gramnæs Martin Gramnæs", ["Martin Gramnæs"]),
    ],
)
def test_a_byline_splits_into_names(text: str, names: list[str]) -> None:
    assert split_authors(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Signing up you consent to receive the above newsletter from Postmedia Network Inc.",
        "Mehr Infos",
        "More info",
        "View all posts by Emily Zemler",
        "Read more of Paul Serran's articles here",
        "17 November 2021",
        "https://www.washingtontimes.com",
        "Deutsche Welle (www.dw.com)",
    ],
)
def test_what_is_never_an_author(text: str) -> None:
    assert not is_person_name(text)


@pytest.mark.parametrize("name", ["Jane Doe", "J. R. Smith", "ويليام جيه. أستور", "松岡大地"])
def test_names_are_names(name: str) -> None:
    assert is_person_name(name)


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        (  # the site's own name in meta author is not an author; JSON-LD names the person
            '<meta name="author" content="Stern.de">'
            '<meta property="og:site_name" content="Stern.de">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "author": [{"@type": "Person", "name": "Jemima Kelly"}]}</script>',
            ["Jemima Kelly"],
        ),
        (  # a staff article: meta author and JSON-LD author both name the site
            '<meta name="author" content="DER SPIEGEL">'
            '<meta property="og:site_name" content="DER SPIEGEL">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "author": {"@type": "Organization", "name": "DER SPIEGEL"}}</script>',
            ["DER SPIEGEL"],
        ),
    ],
)
def test_the_sites_own_name_as_an_author(head: str, authors: list[str]) -> None:
    html = page(head, f"<article><h1>Why criticism of a candidate falls flat</h1>{BODY}</article>")
    assert read(html).authors == authors


def test_meta_author_that_is_the_site_gives_no_author() -> None:
    html = page(
        '<meta name="author" content="Lesotho Times">'
        '<meta property="og:site_name" content="Lesotho Times">',
        f"<article><h1>Mining blasts shatter homes in the valley</h1><div>{BODY}</div></article>",
    )
    item = read(html)
    assert item.authors == []
    # The page itself was read: no author because none is named, not because nothing was read.
    assert item.title == "Mining blasts shatter homes in the valley"
    assert "Paragraph 1 of the story" in (item.body or "")


@pytest.mark.parametrize(
    ("byline", "field", "value"),
    [
        # A label in an element of its own, its value in the next (Euronews, DW, Stern).
        ('<span>By</span> <a href="/profiles/47">Jane Doe</a>', "authors", ["Jane Doe"]),
        ("<span>Von</span> <span>Jane Doe</span>", "authors", ["Jane Doe"]),
        ("<b>Source</b>: Reuters", "source", "Reuters"),
        ("<b>Source</b> <span>Agencies</span>", "source", "Agencies"),
        # A count and its word in two spans.
        ("<span>12</span> <span>Shares</span>", "shares", 12),
    ],
)
def test_a_label_and_its_value_in_different_elements(
    byline: str, field: str, value: object
) -> None:
    html = page(
        "",
        f"<article>{HEADLINE}<div class='meta'>{byline} <time>14 Mar 2024 09:05</time></div>"
        f"<div class='text'>{BODY}</div></article>",
    )
    item = read(html)
    assert getattr(item, field) == value
    assert item.date_published_raw == "14 Mar 2024 09:05"


def test_a_byline_showing_one_of_several_authors_gives_them_all() -> None:
    """The byline links its first author; the page's JSON-LD, in a WebPage's ``mainEntity``,
    names all of them."""
    html = page(
        '<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type":'
        ' "NewsArticle", "headline": "How to fight climate change without a treaty",'
        ' "author": [{"@type": "Person", "name": "Xiaoying You"},'
        ' {"@type": "Person", "name": "Mariana Lenharo"},'
        ' {"@type": "Person", "name": "Jeff Tollefson"}]}}</script>',
        "<article><h1>How to fight climate change without a treaty</h1>"
        "<ul class='authors'><li><a rel='author' href='/people/x-you'>Xiaoying You</a></li></ul>"
        f"<div>{BODY}</div></article>",
    )
    assert read(html).authors == ["Xiaoying You", "Mariana Lenharo", "Jeff Tollefson"]


# --- visible dates in newsrooms' shapes; times without an offset ----------------------------


@pytest.mark.parametrize(
    ("shown", "zone", "utc"),
    [
        ("2021-11-17 07:31", "+01:00", "2021-11-17T06:31:00Z"),
        ("17.11.2021, 07:31 Uhr", "+01:00", "2021-11-17T06:31:00Z"),
        ("November 17, 2021 at 7:31 AM", "-05:00", "2021-11-17T12:31:00Z"),
        ("17. November 2021 um 07:31", "+01:00", "2021-11-17T06:31:00Z"),
        ("17 نوفمبر 2021", "+02:00", "2021-11-17T00:00:00Z"),
        ("2021-11-17 07:31", None, None),  # another site's unzoned time is not guessed
        ("2021-11-17", None, "2021-11-17T00:00:00Z"),  # a day is a day
    ],
)
def test_visible_dates(shown: str, zone: str | None, utc: str | None) -> None:
    assert to_utc(shown, zone) == utc


def test_an_unzoned_time_is_in_the_zone_the_page_states() -> None:
    assert stated_offset(["2024-05-03T17:47", "2024-05-03T17:47:42+02:00"]) == "+02:00"
    html = page(
        '<meta property="article:published_time" content="2024-05-03T17:47:42+02:00">',
        "<article><h1>Floods close the coastal road for a week</h1>"
        f"<p class='byline'>By Jane Doe · 03.05.2024, 17:47 Uhr</p>{BODY}</article>",
    )
    item = read(html)
    assert item.date_published == "2024-05-03T15:47:42Z"
    assert item.date_published_raw == "03.05.2024, 17:47 Uhr"


@pytest.mark.parametrize(
    ("head", "shown", "utc"),
    [
        (  # a local <time> element gives way to a zoned JSON-LD time
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "datePublished": "2024-05-03T15:47:42.389Z"}</script>',
            '<time datetime="2024-05-03T17:47">3. Mai 2024</time>',
            "2024-05-03T15:47:42Z",
        ),
        (  # a local offset is trusted before a UTC "Z" on the same clock time (Público)
            '<meta property="article:published_time" content="2025-05-29T20:00:27Z">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "datePublished": "2025-05-29T20:00:27+0200"}</script>',
            "",
            "2025-05-29T18:00:27Z",
        ),
    ],
)
def test_a_zoned_time_is_trusted_before_a_local_or_defaulted_one(
    head: str, shown: str, utc: str
) -> None:
    html = page(head, f"<article>{HEADLINE}{shown}{BODY}</article>")
    assert read(html).date_published == utc


@pytest.mark.parametrize(
    ("meta", "utc"),
    [
        ('<meta name="date" content="2023-04-28T18:11:01+02:00">', "2023-04-28T16:11:01Z"),
        ('<meta name="cXenseParse:publishtime" content="2023-04-28T13:53:25Z">',
         "2023-04-28T13:53:25Z"),
        ('<meta name="DC.date.issued" content="2024-04-26T10:00:00+02:00">',
         "2024-04-26T08:00:00Z"),
        ('<meta name="parsely-pub-date" content="2024-04-28T13:00:00Z">', "2024-04-28T13:00:00Z"),
    ],
)  # fmt: skip
def test_the_heads_publication_time_under_its_other_names_zones_the_page(
    meta: str, utc: str
) -> None:
    """Dublin Core, Parse.ly, cXense and the bare ``date`` name the publication time too; a
    JSON-LD time without an offset takes the zone they state."""
    clock = re.search(r'content="(.{16})', meta)  # the meta's clock time, without its zone
    assert clock is not None
    stated = clock[1].replace("T", " ")
    html = page(
        f'{meta}<script type="application/ld+json">{{"@type": "NewsArticle",'
        f' "datePublished": "{stated}"}}</script>',
        f"<article>{HEADLINE}{BODY}</article>",
    )
    assert read(html).date_published == utc


def test_another_sites_unzoned_time_is_not_guessed() -> None:
    html = page(
        "",
        "<article><h1>Floods close the coastal road for a week</h1>"
        f'<time datetime="2023-04-28 18:16">28.04.2023, 18:16 Uhr</time>{BODY}</article>',
    )
    item = read(html)
    assert item.date_published is None
    assert item.title == "Floods close the coastal road for a week"
    assert "Paragraph 6 of the story" in (item.body or "")


# --- summary: the visible standfirst, never a search engine's teaser ----------------------


@pytest.mark.parametrize(
    ("head", "top", "summary"),
    [
        (  # the visible standfirst, not the head's search-engine teaser
            '<meta name="description" content="Read all about the floods: everything you need.">',
            f"<p class='lead'>{LEAD}</p>",
            LEAD,
        ),
        (  # a dateline on the standfirst's line belongs to it (Funke's papers)
            "",
            f"<div class='lead'><span>Berlin.</span> <span>{LEAD}</span></div>",
            f"Berlin. {LEAD}",
        ),
        (  # a section label on that line does not
            "",
            f"<div class='lead'><span>Politics</span> <span>{LEAD}</span></div>",
            LEAD,
        ),
        (  # a standfirst in several elements: the head description giving all of it
            '<meta name="description" content="Heavy rain has cut the only road.">'
            '<meta property="og:description" content="Heavy rain has cut the only road. Repairs'
            ' will take a week.">',
            "<div class='lead'><span>Heavy rain has cut the only road.</span>"
            " <span>Repairs will take a week.</span></div>",
            "Heavy rain has cut the only road. Repairs will take a week.",
        ),
        (  # a head description adding what the article does not show there is not the whole
            '<meta name="description" content="Heavy rain has cut the only road along the coast,'
            ' and repairs will take at least seven days, officials said. Photo: J. Doe">',
            "<figure><img src='/a.jpg'><figcaption>Photo: J. Doe</figcaption></figure>"
            f"<p class='lead'>{LEAD}</p>",
            LEAD,
        ),
        (  # a caption repeating its picture's alt is no standfirst; the shown head one is
            f'<meta name="description" content="{LEAD}">',
            "<div class='media'><img src='/r.jpg' alt='The refinery rises above the port on"
            " Sunday (AP Photo)'></div><div class='caption'><i><span>The refinery rises above"
            " the port on Sunday (AP Photo)</span> <span>Copyright AP</span></i></div>"
            f"<p class='lead'>{LEAD}</p>",
            LEAD,
        ),
        (  # a caption the JSON-LD states as its picture's is no standfirst (Daily Maverick)
            '<script type="application/ld+json">{"@graph": [{"@type": "ImageObject",'
            ' "caption": "Hearings began on Monday at the court in The Hague. (Photo: UN Photo'
            ' / F. van Beek)"}, {"@type": "NewsArticle"}]}</script>',
            "<div class='media'><img src='/h.jpg'><div class='credit'><i>icon</i>&nbsp; Hearings"
            " began on Monday at the court in The Hague. (Photo: UN Photo / F. van Beek)</div>"
            f"</div><p class='lead'>{LEAD}</p>",
            LEAD,
        ),
    ],
)
def test_the_visible_standfirst_is_the_summary(head: str, top: str, summary: str) -> None:
    html = page(head, f"<article>{HEADLINE}{top}<div class='text'>{BODY}</div></article>")
    assert read(html).description == summary


@pytest.mark.parametrize(
    ("first", "summary"),
    [
        # The body's first paragraph shows the head's description after a dateline (Funke's
        # papers, Reuters): the summary is that line, dateline and all.
        (f"<span>Berlin.</span> {LEAD}", f"Berlin. {LEAD}"),
        (f"KATHMANDU, April 25 (Reuters) - {LEAD}", f"KATHMANDU, April 25 (Reuters) - {LEAD}"),
        (f"<b>Politics</b> {LEAD}", LEAD),  # a label is no dateline
        (f"{LEAD} More of the paragraph follows.", LEAD),  # nor is a longer paragraph it opens
    ],
)
def test_a_head_description_the_body_shows_after_a_dateline_is_that_line(
    first: str, summary: str
) -> None:
    html = page(
        f'<meta name="description" content="{LEAD}">',
        f"<article>{HEADLINE}<div class='text'><p>{first}</p>{BODY}</div></article>",
    )
    assert read(html).description == summary


@pytest.mark.parametrize(
    "description",
    [
        "Read all about the floods: everything you need.",  # not shown
        "Zum ",  # a broken attribute's remains (``content="Zum "Star Wars Day"…"``)
        "Paragraph 1 of the story tells what happened in the ci",  # cut in the middle of a word
        "aragraph 1 of the story tells what happened in the city",  # a drop cap's remains
    ],
)
def test_a_head_description_the_article_does_not_show_whole_is_not_the_summary(
    description: str,
) -> None:
    html = page(
        f'<meta name="description" content="{description}">',
        f"<article>{HEADLINE}<div>{BODY}</div></article>",
    )
    item = read(html)
    assert item.description is None
    assert item.title == "Floods close the coastal road for a week"
    assert (item.body or "").startswith("Paragraph 1 of the story")


def test_the_main_image_is_the_first_of_the_images_whichever_source_gave_it() -> None:
    """A main image only the head names (``og:image``) still opens the record's images."""
    html = page(
        '<meta property="og:image" content="https://cdn.example-news.com/lead.jpg">',
        f"<article>{HEADLINE}<div class='text'>{BODY}"
        "<figure><img src='https://cdn.example-news.com/inline.jpg'>"
        "<figcaption>The coastal road under water.</figcaption></figure></div></article>",
    )
    item = read(html)
    assert item.main_image is not None
    assert item.main_image["url"] == "https://cdn.example-news.com/lead.jpg"
    assert [i["url"] for i in item.images or []] == [
        "https://cdn.example-news.com/lead.jpg",
        "https://cdn.example-news.com/inline.jpg",
    ]


def test_a_player_inside_the_article_makes_a_video_page_and_gives_its_url() -> None:
    """No metadata types the page: the article's player does; a sidebar's player is not it."""
    html = page(
        "",
        "<aside><iframe src='https://www.youtube.com/embed/sidebar-clip'></iframe></aside>"
        f"<article>{HEADLINE}<iframe src='https://www.youtube.com/embed/the-report'></iframe>"
        f"<div class='text'>{BODY}</div></article>",
    )
    item = read(html)
    assert item.content_type == "video"
    assert item.video is not None
    assert item.video["url"] == "https://www.youtube.com/embed/the-report"


def test_trafilatura_leaves_the_page_it_reads_untouched() -> None:
    """The page's tree is read by trafilatura without a copy of our own (it copies what it
    prunes): every later reading of the page sees it whole."""
    response = HtmlResponse(
        url="https://www.example-news.com/politics/story-1",
        body=page(
            "",
            f"<nav><a href='/'>Home</a></nav><article>{HEADLINE}{BODY}</article>"
            "<footer><p>Copyright Example News</p></footer>",
        ).encode(),
        encoding="utf-8",
    )
    document = response.selector.root
    before = etree.tostring(document)
    paragraphs = fallback.body_paragraphs(document)
    assert any(p.startswith("Paragraph 1 of the story") for p in paragraphs)
    assert etree.tostring(document) == before
