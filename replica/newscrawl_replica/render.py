"""HTML, XML and text the replica serves, as plain string functions over the site's content.

Nothing here does I/O or decides faults; the server calls these and wraps the result. The markup
follows ``MARKUP.md``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any, cast

from newscrawl_replica import spanish_vocab, vocab
from newscrawl_replica.arabic import Writer
from newscrawl_replica.model import (
    Article,
    Image,
    Meta,
    byline_date,
    card_date,
    head_time,
    iso_beirut,
    iso_z,
    utc,
)
from newscrawl_replica.site import Site, author_path, href, tag_path

_CLASS_KEYS = {
    "posttype": "class1",
    "category": "class2",
    "country": "class3",
    "coverage": "class5",
    "author": "class6",
}
OTHER_EDITIONS = {
    "en": (("Ar", "https://www.almayadeen.net/"), ("Es", "https://espanol.almayadeen.net/")),
    "ar": (("En", "https://english.almayadeen.net/"), ("Es", "https://espanol.almayadeen.net/")),
    "es": (("Ar", "https://www.almayadeen.net/"), ("En", "https://english.almayadeen.net/")),
}
#: Page furniture words per edition (the Arabic pages keep the English ones) [model].
_WORDS = {
    "es": {"breaking": "ÚLTIMA HORA", "most_read": "Lo más leído", "home": "Inicio"},
}
_EN_WORDS = {"breaking": "BREAKING", "most_read": "Most Read", "home": "Home"}
MEDIA_HOSTS = {
    "en": "https://alpha-en-media.almayadeen.net",
    "ar": "https://alpha-ar-media.almayadeen.net",
    "es": "https://alpha-es-media.almayadeen.net",
}


def words(site: Site) -> dict[str, str]:
    return _WORDS.get(site.code, _EN_WORDS)


def e(text: object) -> str:
    return escape(str(text), quote=True)


def site_name(site: Site) -> str:
    return {"en": "Al Mayadeen English", "es": "Al Mayadeen Español"}.get(site.code, "الميادين")


def word_count(article: Article) -> int:
    return sum(len(p.split()) for p in article.paragraphs())


# --- shared page parts ---------------------------------------------------------------------


def cached(site: Site, key: Any, make: Callable[[], str]) -> str:
    """A page part shared by many pages, built once per site version."""
    value = site.cache.get(key)
    if value is None:
        value = site.cache[key] = make()
    return value


def header(site: Site, extra_links: Sequence[tuple[str, str]] = ()) -> str:
    return cached(site, ("header", tuple(extra_links)), lambda: _header(site, extra_links))


def _header(site: Site, extra_links: Sequence[tuple[str, str]]) -> str:
    ed = site.edition
    out = [
        '<header class="site-header"><a class="logo" href="/">',
        e(site_name(site)),
        "</a>",
        '<ul class="editions">',
    ]
    out += [f'<li><a href="{url}">{name}</a></li>' for name, url in OTHER_EDITIONS[site.code]]
    out += [
        f'<li><a href="{url}" rel="noopener">{name}</a></li>'
        for name, url in vocab.SOCIAL_LINKS[:1]
    ]
    out.append('</ul><nav class="main-menu"><ul>')
    for group, gname in ed.groups.items():
        subs = [(p, n) for p, n in ed.sections.items() if ed.group_of(p) == group]
        out.append(f'<li><a href="/{group}">{e(gname)}</a>')
        if subs:
            out.append(
                "<ul>" + "".join(f'<li><a href="/{p}">{e(n)}</a></li>' for p, n in subs) + "</ul>"
            )
        out.append("</li>")
    if site.code == "ar":
        for path in sorted(p for p in site.listings if p.count("/") == 1 and p != "/")[:12]:
            out.append(f'<li><a href="{href(path)}">{e(path.strip("/"))}</a></li>')
    out.append("</ul></nav>")
    if ed.regions:
        out.append('<ul class="regions">')
        out += [f'<li><a href="/{p}">{e(n)}</a></li>' for p, n in ed.regions.items()]
        out.append("</ul>")
    out.append(f'<div class="breaking"><span>{words(site)["breaking"]}</span><ul>')
    breaking = spanish_vocab.BREAKING if site.code == "es" else vocab.BREAKING
    out += [f"<li>{e(b)}</li>" for b in breaking]
    out.append("</ul></div>")
    for url, text in extra_links:
        out.append(f'<a class="promo" href="{e(url)}">{e(text)}</a>')
    out.append("</header>")
    return "".join(out)


def footer(site: Site, traps: Sequence[tuple[str, str]] = ()) -> str:
    return cached(site, ("footer", tuple(traps)), lambda: _footer(site, traps))


def _footer(site: Site, traps: Sequence[tuple[str, str]]) -> str:
    out = [
        '<footer class="site-footer"><p>',
        e(site_name(site)),
        "</p><p>Al Mayadeen is an Arab Independent Media Satellite Channel.</p>",
        "<p>All Rights Reserved</p><ul>",
    ]
    out += [
        f'<li><a href="{url}" rel="noopener">{name}</a></li>' for name, url in vocab.SOCIAL_LINKS
    ]
    out += [
        '<li><a href="/privacy-policy">Privacy Policy</a></li>',
        '<li><a href="/about-us">About Us</a></li>',
        '<li><a href="/contact-us">Contact Us</a></li>',
        '<li><a href="/search?q=news">Search</a></li>',
        '<li><a href="https://play.google.com/store/apps/details?id=net.almayadeen">Android</a></li>',
        '<li><a href="https://apps.apple.com/app/al-mayadeen/id1064111460">iOS</a></li>',
        '<li><a href="/rss.xml">RSS</a></li>',
    ]
    out += [f'<li><a href="{e(url)}">{e(text)}</a></li>' for url, text in traps]
    out.append("</ul></footer>")
    return "".join(out)


def card_image(site: Site, meta: Meta) -> str:
    d = utc(meta.published)
    host = MEDIA_HOSTS[site.code]
    return f"{host}/media/image/{d.year}/{d.month}/{d.day}/card-{meta.post_id}.jpg?v=3&width=400"


def section_name(site: Site, meta: Meta) -> str:
    ed = site.edition
    return (
        ed.sections.get(meta.section) or ed.groups.get(meta.section) or meta.region or meta.section
    )


def card(site: Site, meta: Meta, link: str | None = None) -> str:
    link = link or href(meta.path)
    return (
        f'<div class="news-card"><a href="{e(link)}"><img src="{e(card_image(site, meta))}" alt="">'
        f"<h3>{e(meta.title)}</h3></a>"
        f'<span class="card-section">{e(section_name(site, meta))}</span>'
        f'<time datetime="{iso_z(meta.published)}">{card_date(meta.published)}</time></div>'
    )


def most_read(site: Site) -> str:
    return cached(site, "most-read", lambda: _most_read(site))


def _most_read(site: Site) -> str:
    # Reads, not publication, rank this box: it stays among the articles the site started with
    # and does not move with each article published while serving (so a listing page changes
    # only when its own cards do, and conditional requests for it get 304 meanwhile).
    pool = [m for m in site.newest(40 + len(site) - site.base_count) if m.key < site.base_count]
    pool = pool[:40]
    picks = [pool[i] for i in (2, 7, 13, 21) if i < len(pool)]
    return (
        f'<aside class="most-read"><h4>{words(site)["most_read"]}</h4>'
        + "".join(card(site, m) for m in picks)
        + "</aside>"
    )


def page(
    site: Site,
    title: str,
    head: str,
    body: str,
    traps: Sequence[tuple[str, str]] = (),
    charset: str = "utf-8",
) -> str:
    lang, direction = (site.code, "rtl" if site.code == "ar" else "ltr")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head>'
        f'<meta charset="{charset}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>{head}</head><body>{header(site)}<main>{body}</main>"
        f"{footer(site, traps)}</body></html>\n"
    )


# --- article pages -------------------------------------------------------------------------


def tawsiyat(site: Site, article: Article) -> str:
    """The ``tawsiyat-metadata`` JSON text: CRLF line ends, 2-space indent, as the CMS writes it."""
    meta = article.meta
    classes = [
        {"key": _CLASS_KEYS.get(m, "class9"), "mapping": m, "value": v} for m, v in article.classes
    ]
    obj: dict[str, Any] = {
        "type": article.tawsiyat_type,
        "postid": str(meta.post_id),
        "title": article.title,
        "url": site.edition.base_url + meta.path,
        "keywords": article.keywords_raw,
        "thumbnail": article.main_image.url if article.main_image else "",
        "video_duration": None if article.video_duration is None else str(article.video_duration),
        "word_count": str(word_count(article)),
        "lang": article.lang,
        "published_time": iso_beirut(meta.published),
        "last_updated": iso_beirut(meta.modified),
        "description": article.description or "",
        "author": ", ".join(article.authors),
        "classes": classes,
        "html": "",
        "lite_url": "",
    }
    return json_crlf(obj).replace("</", "<\\/")


def json_crlf(value: Any, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` with CRLF line ends, built from the
    C string encoder (the indenting encoder is pure Python and dominated page rendering)."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_encode_str(k)}: {json_crlf(v, inner)}" for k, v in value.items()]
        return "{\r\n" + ",\r\n".join(items) + f"\r\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [inner + json_crlf(v, inner) for v in value]
        return "[\r\n" + ",\r\n".join(items) + f"\r\n{indent}]"
    if isinstance(value, str):
        return _encode_str(value)
    return json.dumps(value)


_encode_str = json.encoder.encode_basestring  # the C one: escapes quotes and controls only


def article_head(site: Site, article: Article) -> str:
    meta = article.meta
    canonical = site.edition.base_url + href(meta.path)
    og_type = "video.other" if article.video_url else "article"
    parts = [
        f'<link rel="canonical" href="{e(canonical)}">',
        f'<meta name="postid" content="{meta.post_id}">',
        f'<meta name="keywords" content="{e(article.keywords_raw)}">',
        f'<meta name="author" content="{e(", ".join(article.authors))}">',
    ]
    if article.description:
        parts.append(f'<meta name="description" content="{e(article.description)}">')
    parts += [
        f'<meta property="og:type" content="{og_type}">',
        f'<meta property="og:title" content="{e(article.title)}">',
        f'<meta property="og:url" content="{e(canonical)}">',
    ]
    if article.main_image:
        parts.append(f'<meta property="og:image" content="{e(article.main_image.url)}">')
    if article.video_url:
        parts.append(f'<meta property="og:video" content="{e(article.video_url)}">')
    if article.head_times:
        parts.append(
            f'<meta property="article:published_time" content="{head_time(meta.published)}">'
        )
        parts.append(
            f'<meta property="article:modified_time" content="{head_time(meta.modified)}">'
        )
    parts.append(
        '<script id="tawsiyat-metadata" type="text/tawsiyat">'
        + tawsiyat(site, article)
        + "</script>"
    )
    return "".join(parts)


def figure(image: Image, cls: str) -> str:
    cap = f"<figcaption>{e(image.caption)}</figcaption>" if image.caption else ""
    img = f'<img src="{e(image.url)}" alt="{e(image.caption or "")}">'
    return f'<figure class="{cls}">{img}{cap}</figure>'


def links_html(links: Iterable[tuple[str, str]]) -> list[str]:
    return [f'<a href="{e(href(path))}">{e(title)}</a>' for path, title in links]


#: The label of a line linking another article, per language: the Arabic ones with and without
#: a colon ("اقرأ أيضاً" / "شاهد أيضاً", read also / watch also) [ar; the colon: model].
READ_ALSO: dict[str, tuple[str, ...]] = {
    "en": ("Read more:",),
    "es": ("Lea también:",),
    "ar": ("اقرأ أيضاً:", "شاهد أيضاً"),
}


def body_html(article: Article, layout: str) -> str:
    out: list[str] = []
    reads = 0
    for kind, value in article.blocks:
        if kind == "p":
            out.append(f"<p>{e(value)}</p>")
        elif kind == "xp":
            before, anchor, url, after = cast(tuple[str, str, str, str], value)
            link = f'<a href="{e(url)}" target="_blank" rel="noopener">{e(anchor)}</a>'
            out.append(f"<p>{e(before)}{link}{e(after)}</p>")
        elif kind == "related":
            anchors = links_html(value)  # type: ignore[arg-type]
            if layout == "2024":
                out.append(
                    '<aside class="related-box"><span>Related News</span>'
                    + "".join(anchors)
                    + "</aside>"
                )
            elif article.lang == "ar":
                # Two cards, no heading [ar: div.dual-related inside the body].
                out.append(
                    '<div class="dual-related">'
                    + "".join(f'<div class="card">{a}</div>' for a in anchors)
                    + "</div>"
                )
            else:
                heading = "Noticias relacionadas" if article.lang == "es" else "Related News"
                out.append(
                    f'<div class="related-news"><h4>{heading}</h4><ul>'
                    + "".join(f"<li>{a}</li>" for a in anchors)
                    + "</ul></div>"
                )
        elif kind == "readmore":
            labels = READ_ALSO.get(article.lang, READ_ALSO["en"])
            label = labels[reads % len(labels)]
            reads += 1
            out.append(f"<p>{label} " + "".join(links_html(value)) + "</p>")  # type: ignore[arg-type]
        elif kind == "figure":
            for url, caption in value:  # type: ignore[attr-defined]
                out.append(figure(Image(url, caption), "inline-image"))
        elif kind == "tweet":
            out.append(
                f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{e(value)}</p>'
                '<a href="https://twitter.com/MayadeenEnglish/status/1551234567890123456">'
                "July 29, 2022</a></blockquote>"
            )
    return "".join(out)


def author_links(authors: Sequence[str], cls: str = "") -> list[str]:
    attr = f' class="{cls}"' if cls else ""
    return [f'<a{attr} href="{e(href(author_path(a)))}">{e(a)}</a>' for a in authors]


def byline_2022(site: Site, article: Article) -> str:
    links = author_links(article.authors)
    joined = links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]
    by = "By " if site.code == "en" else ""
    out = [f'<ul class="post-info"><li class="post-author">{by}{joined}</li>']
    if article.source:
        label = "Fuente" if site.code == "es" else "Source"
        out.append(f'<li class="post-source">{label}: {e(article.source)}</li>')
    if article.show_date:
        shown = byline_date(article.meta.published, article.layout)
        out.append(f'<li class="post-date">{shown}</li>')
    if article.shares is not None:
        out.append(f'<li class="post-shares">{article.shares} Shares</li>')
    if article.views is not None:
        out.append(f'<li class="post-views">{article.views} Visualizaciones</li>')
    out.append("</ul>")
    if article.read_time is not None:
        out.append(f'<span class="read-time">{article.read_time} Min Read</span>')
    return "".join(out)


def tags_html(site: Site, tags: Sequence[str], layout: str) -> str:
    anchors = [f'<a href="{e(href(tag_path(t)))}">{e(t)}</a>' for t in tags]
    if not anchors:
        return ""
    if layout == "2024":
        return '<div class="article-tags">' + "".join(anchors) + "</div>"
    return '<ul class="tags">' + "".join(f"<li>{a}</li>" for a in anchors) + "</ul>"


def media_html(article: Article) -> str:
    out = []
    if article.video_url:
        dur = (
            f' data-duration="{article.video_duration}"'
            if article.video_duration is not None
            else ""
        )
        out.append(
            '<div class="video-player">'
            f'<video src="{e(article.video_url)}"{dur} controls></video></div>'
        )
    if article.main_image:
        out.append(figure(article.main_image, "main-image"))
    if article.gallery:
        out.append(
            '<div class="gallery">'
            + "".join(figure(i, "gallery-item") for i in article.gallery)
            + "</div>"
        )
    return "".join(out)


def article_main_2022(site: Site, article: Article) -> str:
    heading = "h1" if site.code == "ar" else "h2"  # [ar: div.details-white-box h1]
    desc = f'<p class="lg_para summary">{e(article.description)}</p>' if article.description else ""
    body = body_html(article, "2022")
    return (
        breadcrumb(site, article)
        + f'<div class="details-white-box"><{heading}>{e(article.title)}</{heading}>'
        f"{byline_2022(site, article)}"
        f'{desc}{media_html(article)}<div class="p-content">{body}</div>'
        f"{tags_html(site, article.tags, '2022')}</div>"
    )


def breadcrumb(site: Site, article: Article) -> str:
    """``Inicio › {author} › {section} › {title}`` above the Spanish article [es]."""
    if site.code != "es":
        return ""
    meta = article.meta
    parts = [f'<a href="/">{words(site)["home"]}</a>']
    parts += author_links(article.authors[:1])
    section = site.edition.sections.get(meta.section) or site.edition.groups.get(meta.section)
    if section:
        parts.append(f'<a href="/{e(meta.section)}">{e(section)}</a>')
    parts.append(f"<span>{e(article.title)}</span>")
    return '<nav class="breadcrumb">' + " › ".join(parts) + "</nav>"


def article_main_2024(site: Site, article: Article) -> str:
    meta = article.meta
    row = author_links(article.authors, "meta-author")
    if article.source:
        row.append(f'<span class="meta-source">Source: {e(article.source)}</span>')
    row.append(f'<span class="meta-date">{byline_date(meta.published, "2024")}</span>')
    if article.shares is not None:
        row.append(f'<span class="meta-shares">{article.shares} Shares</span>')
    if article.read_time is not None:
        row.append(f'<span class="meta-read">{article.read_time} min read</span>')
    desc = (
        f'<div class="article-summary">{e(article.description)}</div>'
        if article.description
        else ""
    )
    image = figure(article.main_image, "article-image") if article.main_image else ""
    return (
        f'<article class="article-page"><h1 class="article-title">{e(article.title)}</h1>'
        f'<div class="article-meta">{" ".join(row)}</div>{desc}{image}'
        f'<div class="article-body">{body_html(article, "2024")}</div>'
        f"{tags_html(site, article.tags, '2024')}</article>"
    )


def read_next(site: Site, meta: Meta) -> str:
    """Four neighbours (older, else newer) in the article's section, as absolute links."""
    picks: list[Meta] = []
    metas = site.metas
    older = range(meta.key + 1, min(len(metas), meta.key + 400))
    for k in itertools.chain(older, range(meta.key - 1, -1, -1)):
        if metas[k].section == meta.section:
            picks.append(metas[k])
            if len(picks) == 4:
                break
    items = "".join(
        f'<div class="next-card"><a href="{e(site.edition.base_url + href(m.path))}">'
        f"{e(m.title)}</a>"
        f'<span class="card-section">{e(section_name(site, m))}</span></div>'
        for m in picks
    )
    return f'<section class="read-next"><h4>Read Next</h4><a href="/">All</a>{items}</section>'


def coverage_html(meta: Meta) -> str:
    cov = f"<span>{e(meta.coverage)}</span>" if meta.coverage else ""
    return f'<section class="coverage"><h4>Coverage</h4><a href="/">All</a>{cov}</section>'


def article_page(
    site: Site, article: Article, traps: Sequence[tuple[str, str]] = (), charset: str = "utf-8"
) -> str:
    main = (
        article_main_2024(site, article)
        if article.layout == "2024"
        else article_main_2022(site, article)
    )
    print_link = f"/print{href(article.meta.path)}"  # disallowed by robots.txt
    tools = f'<div class="article-tools"><a class="print" href="{e(print_link)}">Print</a></div>'
    body = (
        main + tools + most_read(site) + coverage_html(article.meta) + read_next(site, article.meta)
    )
    return page(
        site,
        f"{article.title} | {site_name(site)}",
        article_head(site, article),
        body,
        traps,
        charset,
    )


# --- listings ------------------------------------------------------------------------------


def variant_link(meta: Meta) -> str:
    """Some home and group cards link a URL variant of the article, as real sites do."""
    base = href(meta.path)
    if meta.key % 7 == 3:
        return f"{base}?utm_source=homepage&utm_medium=card"
    if meta.key % 11 == 5:
        return base + "/"
    if meta.key % 13 == 6:
        return f"/article/{meta.post_id}"
    return base


def listing_page(
    site: Site, path: str, page_no: int, js: bool, traps: Sequence[tuple[str, str]] = ()
) -> str:
    metas, pages = site.page(path, page_no)
    name = site.listing_titles.get(path, path)
    # Home and menu-group pages link some URL variants; section, tag and author pages link the
    # canonical URL, so every article keeps one canonical link.
    group = path.strip("/") + "/"
    ed = site.edition
    variants = path == "/" or any(ed.group_of(sec) + "/" == group for sec in ed.sections)
    cards = "".join(card(site, m, variant_link(m) if variants else None) for m in metas)
    out = [f'<h1 class="listing-title">{e(name)}</h1><div class="news-list">{cards}</div>']
    link_base = href(path)
    if js:
        if pages > 1:
            out.append(
                f'<button class="load-more" data-section="{e(path)}" data-next-page="2">'
                "Load more</button>"
            )
            out.append(LOAD_MORE_SCRIPT)
    elif pages > 1:
        nav = ['<nav class="pagination">']
        if page_no > 1:
            nav.append(f'<a rel="prev" href="{link_base}?page={page_no - 1}">Previous</a>')
        lo, hi = max(1, page_no - 3), min(pages, page_no + 3)
        nav += [f'<a href="{link_base}?page={n}">{n}</a>' for n in range(lo, hi + 1)]
        if page_no < pages:
            nav.append(f'<a rel="next" href="{link_base}?page={page_no + 1}">Next</a>')
        nav.append("</nav>")
        out.append("".join(nav))
    writer = site.writers.get(path)
    if writer is not None:
        out.insert(0, writer_bio(writer))
    head = (
        (writer_head(site, writer) if writer is not None else "")
        + f'<link rel="canonical" href="{e(site.edition.base_url + link_base)}">'
        f'<link rel="alternate" type="application/rss+xml" title="{e(site_name(site))}" '
        'href="/rss.xml">'
    )
    return page(site, f"{name} | {site_name(site)}", head, "".join(out) + most_read(site), traps)


def writer_bio(writer: Writer) -> str:
    return f'<div class="writer-bio"><h2>{e(writer.name)}</h2><p>{e(writer.bio)}</p></div>'


def writer_head(site: Site, writer: Writer) -> str:
    """A writer's page says what it is in its tawsiyat block: type ``page``, class الكتّاب."""
    obj: dict[str, Any] = {
        "type": "page",
        "postid": str(writer.post_id),
        "title": writer.name,
        "url": site.edition.base_url + writer.path,
        "lang": site.edition.language,
        "description": writer.bio,
        "classes": [{"key": "class1", "mapping": "posttype", "value": "الكتّاب"}],
    }
    return (
        '<script id="tawsiyat-metadata" type="text/tawsiyat">'
        + json_crlf(obj).replace("</", "<\\/")
        + "</script>"
    )


LOAD_MORE_SCRIPT = """<script>
(function () {
  var button = document.querySelector("button.load-more");
  var list = document.querySelector("div.news-list");
  function esc(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  button.addEventListener("click", function () {
    var page = button.getAttribute("data-next-page");
    var section = encodeURIComponent(button.getAttribute("data-section"));
    var url = "/api/listing?path=" + section + "&page=" + page;
    button.disabled = true;
    // Retry a failed request: the flaky mode fails at most the first two attempts of a URL.
    function load(attempt) {
      return fetch(url, {credentials: "same-origin"}).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      }).catch(function (err) {
        if (attempt >= 4) { throw err; }
        return new Promise(function (ok) { setTimeout(ok, 500 * attempt); })
          .then(function () { return load(attempt + 1); });
      });
    }
    load(1).then(function (data) {
      data.items.forEach(function (it) {
        var div = document.createElement("div");
        div.className = "news-card";
        div.innerHTML = '<a href="' + esc(it.url) + '"><h3>' + esc(it.title) + '</h3></a>' +
          '<span class="card-section">' + esc(it.section) + '</span>' +
          '<time datetime="' + esc(it.date) + '"></time>';
        list.appendChild(div);
      });
      if (data.next_page) {
        button.setAttribute("data-next-page", data.next_page);
        button.disabled = false;
      } else {
        button.remove();
      }
    });
  });
})();
</script>"""


def listing_json(site: Site, path: str, page_no: int) -> dict[str, Any]:
    metas, pages = site.page(path, page_no)
    return {
        "items": [
            {
                "url": href(m.path),
                "title": m.title,
                "section": section_name(site, m),
                "date": iso_z(m.published),
            }
            for m in metas
        ],
        "next_page": page_no + 1 if page_no < pages else None,
    }


# --- machine-readable files ----------------------------------------------------------------


def sitemap_index(site: Site) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    for y, m in sorted(set(site.months) | set(site.writer_months), reverse=True):
        lastmod = max(
            [site.metas[k].modified for k in site.months.get((y, m), ())]
            + [w.published for w in site.writer_months.get((y, m), ())]
        )
        out.append(
            f"<sitemap><loc>{site.edition.base_url}/sitemaps/all/sitemap-{y}-{m}.xml</loc>"
            f"<lastmod>{iso_z(lastmod)}</lastmod></sitemap>"
        )
    out.append("</sitemapindex>\n")
    return "\n".join(out)


def sitemap_month(site: Site, keys: Iterable[int], writers: Iterable[Writer] = ()) -> str:
    """A monthly sitemap: its articles, and the writers' pages of the month (Arabic) [ar]."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    entries = [(site.metas[k].path, site.metas[k].modified) for k in keys]
    entries += [(w.path, w.published) for w in writers]
    for path, modified in entries:
        out.append(
            f"<url><loc>{e(site.edition.base_url + href(path))}</loc>"
            f"<lastmod>{iso_z(modified)}</lastmod></url>"
        )
    out.append("</urlset>\n")
    return "\n".join(out)


def rss(site: Site) -> str:
    base = site.edition.base_url
    items = []
    for m in site.newest(50):
        items.append(
            f"<item><title>{e(m.title)}</title><link>{e(base + href(m.path))}</link>"
            f'<guid isPermaLink="false">{m.post_id}</guid>'
            f"<pubDate>{utc(m.published).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            f"<category>{e(section_name(site, m))}</category></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{e(site_name(site))}</title><link>{base}/</link>"
        f"<description>{e(site_name(site))} latest news</description>"
        f"<language>{site.edition.language}</language>{''.join(items)}</channel></rss>\n"
    )


def robots(site: Site) -> str:
    return (
        "User-agent: *\nDisallow: /search\nDisallow: /print/\nDisallow: /__replica__/\n"
        f"Crawl-delay: 1\n\nSitemap: {site.edition.base_url}/sitemaps/all.xml\n"
    )


def simple_page(site: Site, title: str, text: str, traps: Sequence[tuple[str, str]] = ()) -> str:
    return page(
        site, f"{title} | {site_name(site)}", "", f"<h1>{e(title)}</h1><p>{e(text)}</p>", traps
    )
