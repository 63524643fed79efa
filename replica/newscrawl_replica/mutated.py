"""A second markup for article pages: the same truth in other class names, nesting and metadata.

``serve --markup mutated --markup-seed N`` renders every article page with this module instead of
the layouts of ``MARKUP.md``. The facts are those of the canonical page (so the replica's truth
stays the truth), the markup is drawn from ``N`` and the article: renamed classes and ids, other
element order and nesting, one metadata regime per page (the site's JSON only, head meta only,
JSON-LD only, or none: then data attributes and ``<time datetime>`` carry what is not visible),
lazy-loaded images, captions beside the image instead of a ``figcaption``, inline markup and ads
inside the body, and sidebars full of dates and tag links. Different seeds give different markup.

Nothing here is shared with the crawler: an extractor that knew these class names would prove
nothing.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from typing import cast
from urllib.parse import quote

from newscrawl_replica import render
from newscrawl_replica.model import Article, Image, byline_date, head_time, iso_beirut, iso_z
from newscrawl_replica.render import e, site_name
from newscrawl_replica.site import Site, author_path, href, tag_path

REGIMES = ("tawsiyat", "meta", "jsonld", "none")
_SYLLABLES = ("ka", "lo", "mi", "zu", "ter", "vak", "don", "ril", "sem", "pa", "qu", "ne", "xo")
_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
_AD_LABELS = {"en": "Advertisement", "ar": "إعلان", "es": "Publicidad"}
_SIDEBAR_TITLES = {
    "en": ("Most Read", "Trending", "Latest", "Editor's Picks"),
    "ar": ("الأكثر قراءة", "الأحدث", "مختارات"),
    "es": ("Lo más leído",),
}
_TAGS_LABEL = {
    "en": ("Tags", "Topics", "Keywords"),
    "ar": ("الوسوم", "كلمات مفتاحية"),
    "es": ("Etiquetas", "Temas"),
}
_RELATED = {"en": "Related News", "ar": "أخبار ذات صلة", "es": "Noticias relacionadas"}
_READ_MORE = {"en": "Read more:", "ar": "اقرأ أيضاً:", "es": "Lea también:"}
_SOURCE = {"en": "Source", "ar": "Source", "es": "Fuente"}


class Theme:
    """The per-seed vocabulary: class names, wrapper tags and the data attribute spellings."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"markup-theme:{seed}")
        used: set[str] = set()

        def name() -> str:
            while True:
                word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
                word += rng.choice(("", "-" + rng.choice(_SYLLABLES), "_" + str(rng.randint(1, 9))))
                if word not in used:
                    used.add(word)
                    return word

        self.cls = {part: name() for part in PARTS}
        self.article_tag = rng.choice(("article", "div", "section"))
        self.page_tags = rng.choice((("header", "footer", "aside"), ("div", "div", "div")))
        self.title_tag = rng.choice(("h1", "h2"))
        self.logo_heading = rng.random() < 0.5
        self.post_id_attr = rng.choice(("data-post-id", "data-postid", "data-article-id"))
        self.keywords_attr = rng.choice(("data-keywords", "data-news-keywords"))
        self.duration_attr = rng.choice(("data-duration", "data-video-duration"))
        self.body_depth = rng.randint(0, 2)
        self.header_wrap = rng.random() < 0.6


PARTS = (
    "top", "menu", "wrap", "article", "head", "kicker", "title", "byline", "stats", "summary",
    "media", "figure", "caption", "body", "chunk", "related", "ad", "gallery", "tags", "side",
    "card", "foot", "player", "inner",
)  # fmt: skip


_THEMES: dict[int, Theme] = {}


def theme(seed: int) -> Theme:
    if seed not in _THEMES:
        _THEMES[seed] = Theme(seed)
    return _THEMES[seed]


def regime(seed: int, key: int) -> str:
    return REGIMES[(key + seed) % len(REGIMES)]


# --- head -----------------------------------------------------------------------------------


def head(site: Site, article: Article, kind: str, rng: random.Random) -> str:
    meta = article.meta
    canonical = site.edition.base_url + href(meta.path)
    if kind == "tawsiyat":
        return (
            '<script id="tawsiyat-metadata" type="text/tawsiyat">'
            + render.tawsiyat(site, article)
            + "</script>"
        )
    if kind == "meta":
        og_type = "video.other" if article.video_url else "article"
        keys = rng.choice(("keywords", "news_keywords"))
        parts = [
            f'<link rel="canonical" href="{e(canonical)}">',
            f'<meta name="postid" content="{meta.post_id}">',
            f'<meta name="{keys}" content="{e(article.keywords_raw)}">',
            f'<meta property="og:type" content="{og_type}">',
            f'<meta property="og:title" content="{e(article.title)}">',
            f'<meta property="og:url" content="{e(canonical)}">',
            f'<meta property="article:published_time" content="{head_time(meta.published)}">',
            f'<meta property="article:modified_time" content="{head_time(meta.modified)}">',
        ]
        if article.authors:
            parts.append(f'<meta name="author" content="{e(", ".join(article.authors))}">')
        if article.description:
            parts.append(f'<meta name="description" content="{e(article.description)}">')
        parts += [f'<meta property="article:tag" content="{e(t)}">' for t in article.tags]
        if article.main_image:
            parts.append(f'<meta property="og:image" content="{e(article.main_image.url)}">')
        if article.video_url:
            parts.append(f'<meta property="og:video" content="{e(article.video_url)}">')
            if article.video_duration is not None:
                parts.append(f'<meta property="video:duration" content="{article.video_duration}">')
        return "".join(parts)
    if kind == "jsonld":
        obj: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "VideoObject" if article.video_url else "NewsArticle",
            "headline": article.title,
            "url": canonical,
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "identifier": str(meta.post_id),
            "datePublished": iso_beirut(meta.published),
            "dateModified": iso_beirut(meta.modified),
            "author": [{"@type": "Person", "name": a} for a in article.authors],
            "keywords": (
                article.keywords_raw.split(",") if rng.random() < 0.5 else article.keywords_raw
            ),
            "inLanguage": article.lang,
        }
        if article.description:
            obj["description"] = article.description
        if article.main_image:
            obj["image"] = {"@type": "ImageObject", "url": article.main_image.url}
        if article.video_url:
            obj["contentUrl"] = article.video_url
            if article.video_duration is not None:
                obj["duration"] = _iso_duration(article.video_duration)
        text = json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")
        return f'<script type="application/ld+json">{text}</script>'
    return ""


def _iso_duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    out = (
        "PT"
        + (f"{h}H" if h else "")
        + (f"{m}M" if m else "")
        + (f"{s}S" if s or not (h or m) else "")
    )
    return out


# --- page parts -----------------------------------------------------------------------------


def _c(t: Theme, part: str) -> str:
    return f' class="{t.cls[part]}"'


def _img(t: Theme, image: Image, rng: random.Random, with_alt: bool = True) -> str:
    """One ``img`` in one of the lazy-loading forms (or plain)."""
    url = e(image.url)
    alt = f' alt="{e(image.caption or "")}"' if with_alt else ' alt=""'
    form = rng.randrange(6)
    if form == 0:
        return f'<img src="{url}"{alt}>'
    if form == 1:
        return f'<img src="{_PLACEHOLDER}" data-src="{url}"{alt}>'
    if form == 2:
        return f'<img src="{_PLACEHOLDER}" data-lazy-src="{url}"{alt}>'
    if form == 3:
        small = e(image.url + ("&" if "?" in image.url else "?") + "w=480")
        return f'<img src="{_PLACEHOLDER}" srcset="{small} 480w, {url} 1000w"{alt}>'
    if form == 4:
        return (
            f'<img class="{t.cls["inner"]}" src="/static/img/lazy-placeholder.gif"{alt}>'
            f'<noscript><img src="{url}"{alt}></noscript>'
        )
    return f'<picture><img src="{url}"{alt}></picture>'


def _figure(t: Theme, image: Image, rng: random.Random) -> str:
    """An image with its caption: a ``figcaption``, a sibling element, or none (alt only)."""
    img = _img(t, image, rng, with_alt=rng.random() < 0.5 or image.caption is None)
    if not image.caption:
        wrap = rng.choice(("figure", "div"))
        return f"<{wrap}{_c(t, 'figure')}>{img}</{wrap}>"
    form = rng.randrange(3)
    if form == 0:
        return f"<figure{_c(t, 'figure')}>{img}<figcaption>{e(image.caption)}</figcaption></figure>"
    tag = rng.choice(("span", "div", "p", "small"))
    return f"<div{_c(t, 'figure')}>{img}<{tag}{_c(t, 'caption')}>{e(image.caption)}</{tag}></div>"


def _inline(text: str, rng: random.Random, tags: Sequence[str]) -> str:
    """The paragraph's text with one stretch of words inside inline markup (text unchanged)."""
    words = text.split(" ")
    if len(words) < 6 or rng.random() < 0.35:
        return e(text)
    i = rng.randrange(1, len(words) - 3)
    j = i + rng.randint(1, 3)
    before, mid, after = " ".join(words[:i]) + " ", " ".join(words[i:j]), " " + " ".join(words[j:])
    kind = rng.randrange(4)
    if kind == 0 and tags:
        # A link in a sentence to one of the article's tags (a listing the replica serves).
        inner = f'<a href="{e(href(tag_path(rng.choice(tags))))}">{e(mid)}</a>'
    elif kind <= 1:
        inner = f"<strong>{e(mid)}</strong>"
    elif kind == 2:
        inner = f"<em>{e(mid)}</em>"
    else:
        inner = f'<span class="hl">{e(mid)}</span>'
    return e(before) + inner + e(after)


def _ad(t: Theme, site: Site, rng: random.Random) -> str:
    n = rng.randint(1, 99)
    return (
        f"<div{_c(t, 'ad')}><span>{_AD_LABELS[site.code]}</span>"
        f'<a href="https://ads.example.net/click?slot={n}" rel="sponsored">'
        f'<img src="https://ads.example.net/banner-{n}.jpg" alt=""></a></div>'
    )


def _body(t: Theme, site: Site, article: Article, rng: random.Random) -> str:
    out: list[str] = []
    paragraphs = 0
    for kind, value in article.blocks:
        if kind == "p":
            out.append(f"<p>{_inline(str(value), rng, article.tags)}</p>")
            paragraphs += 1
            if paragraphs == 2 and rng.random() < 0.5:
                out.append(_ad(t, site, rng))
        elif kind == "xp":
            before, anchor, url, after = cast(tuple[str, str, str, str], value)
            out.append(f'<p>{e(before)}<a href="{e(url)}">{e(anchor)}</a>{e(after)}</p>')
            paragraphs += 1
        elif kind == "related":
            links = "".join(
                f'<li><a href="{e(href(p))}">{e(title)}</a></li>'
                for p, title in cast(Sequence[tuple[str, str]], value)
            )
            head = rng.choice(("h3", "h4", "strong", "span"))
            out.append(
                f"<div{_c(t, 'related')}><{head}>{_RELATED[site.code]}</{head}>"
                f"<ul>{links}</ul></div>"
            )
        elif kind == "readmore":
            links = "".join(
                f'<a href="{e(href(p))}">{e(title)}</a>'
                for p, title in cast(Sequence[tuple[str, str]], value)
            )
            word = _READ_MORE[site.code]
            label = f"<strong>{word}</strong> " if rng.random() < 0.5 else f"{word} "
            out.append(f"<p>{label}{links}</p>")
        elif kind == "figure":
            for url, caption in cast(Sequence[tuple[str, str | None]], value):
                out.append(_figure(t, Image(url, caption), rng))
        elif kind == "tweet":
            out.append(
                f'<blockquote class="{t.cls["inner"]}"><p>{e(value)}</p>'
                '<a href="https://twitter.com/MayadeenEnglish/status/1551234567890123456">'
                "July 29, 2022</a></blockquote>"
            )
    html = "".join(out)
    if len(out) > 4 and rng.random() < 0.3:
        # The body in two chunks, as some CMSs write it.
        half = len(out) // 2
        html = (
            f"<div{_c(t, 'chunk')}>{''.join(out[:half])}</div>"
            f"<div{_c(t, 'chunk')}>{''.join(out[half:])}</div>"
        )
    for _ in range(t.body_depth):
        html = f"<div{_c(t, 'inner')}>{html}</div>"
    return f'<div{_c(t, "body")} id="{t.cls["body"]}">{html}</div>'


def _byline(t: Theme, site: Site, article: Article, rng: random.Random) -> list[str]:
    """The byline's items as separate snippets, to be placed in one or two rows."""
    meta = article.meta
    items: list[str] = []
    if article.authors:
        names = list(article.authors)
        linked = rng.random() < 0.6
        shown = [
            f'<a href="{e(href(author_path(a)))}">{e(a)}</a>' if linked else e(a) for a in names
        ]
        if site.code == "ar":
            joined = "، ".join(shown)
            by = rng.choice(("", "بقلم: ")) if linked else "بقلم: "
        elif site.code == "es":
            joined = ", ".join(shown)
            by = rng.choice(("", "Por ")) if linked else "Por "
        else:
            joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
            by = rng.choice(("By ", "By ", ""))
            if not linked and not by:
                by = "By "
        items.append(f"<span>{by}{joined}</span>")
    if article.source:
        items.append(f"<span>{_SOURCE[site.code]}: {e(article.source)}</span>")
    if article.show_date:
        shown_date = byline_date(meta.published, article.layout)
        items.append(f'<time datetime="{iso_z(meta.published)}">{shown_date}</time>')
    if article.shares is not None:
        items.append(f"<span>{article.shares} Shares</span>")
    if article.views is not None:
        items.append(f"<span>{article.views} Visualizaciones</span>")
    if article.read_time is not None:
        word = rng.choice(("Min Read", "min read"))
        items.append(f"<span>{article.read_time} {word}</span>")
    return items


def _labels(t: Theme, site: Site, article: Article) -> str:
    meta = article.meta
    classes = dict(article.classes)
    parts: list[str] = []
    group = site.edition.group_of(meta.section)
    group_name = classes.get("posttype") or site.edition.groups.get(group)
    if group_name:
        parts.append(f'<a href="/{e(group)}">{e(group_name)}</a>')
    section_name = classes.get("category") or site.edition.sections.get(meta.section)
    if section_name and "/" in meta.section:
        parts.append(f'<a href="/{e(quote(meta.section))}">{e(section_name)}</a>')
    region = classes.get("country")
    if region:
        slug = next((p for p, n in site.edition.regions.items() if n == region), None)
        path = f"/{slug}" if slug else f"/regions/{quote(region.strip())}"
        parts.append(f'<a href="{e(path)}">{e(region)}</a>')
    coverage = classes.get("coverage")
    if coverage:
        parts.append(f'<a href="/coverage/{e(quote(coverage.strip()))}">{e(coverage)}</a>')
    if not parts:
        return ""
    return f"<div{_c(t, 'kicker')}>" + " ".join(parts) + "</div>"


def _sidebar(t: Theme, site: Site, article: Article, rng: random.Random) -> str:
    """A box of other articles with dates shaped like the byline's, and a cloud of tags."""
    pool = site.newest(30)
    picks = [pool[i] for i in rng.sample(range(len(pool)), min(4, len(pool)))]
    title = rng.choice(_SIDEBAR_TITLES[site.code])
    cards = "".join(
        f'<div{_c(t, "card")}><a href="{e(href(m.path))}"><span>{e(m.title)}</span></a>'
        f"<span>{byline_date(m.published, article.layout)}</span>"
        f"<span>{rng.randint(1, 90)} {'Visualizaciones' if site.code == 'es' else 'Shares'}</span>"
        "</div>"
        for m in picks
    )
    tags = sorted({tg for m in picks for tg in m.tags})[:6]
    cloud = "".join(f'<a href="{e(href(tag_path(tg)))}">{e(tg)}</a>' for tg in tags)
    tag = t.page_tags[2]
    return (
        f"<{tag}{_c(t, 'side')}><h4>{e(title)}</h4>{cards}"
        f"<div{_c(t, 'tags')}>{cloud}</div>{_ad(t, site, rng)}</{tag}>"
    )


def article_page(site: Site, article: Article, seed: int) -> str:
    t = theme(seed)
    meta = article.meta
    rng = random.Random(f"markup:{seed}:{meta.key}:{meta.body_version}")
    kind = regime(seed, meta.key)
    code = site.code
    lang, direction = (code, "rtl" if code == "ar" else "ltr")

    title = f"<{t.title_tag}{_c(t, 'title')}>{e(article.title)}</{t.title_tag}>"
    byline = _byline(t, site, article, rng)
    rng.shuffle(byline)
    if len(byline) > 2 and rng.random() < 0.5:
        cut = rng.randint(1, len(byline) - 1)
        rows = [
            f"<div{_c(t, 'byline')}>{' '.join(byline[:cut])}</div>",
            f"<div{_c(t, 'stats')}>{' '.join(byline[cut:])}</div>",
        ]
    else:
        rows = [f"<div{_c(t, 'byline')}>{' '.join(byline)}</div>"] if byline else []
    summary = ""
    if article.description:
        stag = rng.choice(("p", "div"))
        summary = f"<{stag}{_c(t, 'summary')}>{e(article.description)}</{stag}>"
    labels = _labels(t, site, article)
    head_parts = [labels, title, *rows, summary]
    if rng.random() < 0.5:  # the byline below the standfirst
        head_parts = [labels, title, summary, *rows]
    if rng.random() < 0.3:  # the labels under the title
        head_parts = [head_parts[1], head_parts[0], *head_parts[2:]]
    head_html = "".join(head_parts)
    if t.header_wrap:
        head_html = f"<div{_c(t, 'head')}>{head_html}</div>"

    media: list[str] = []
    if article.video_url:
        dur = ""
        if kind == "none" and article.video_duration is not None:
            dur = f' {t.duration_attr}="{article.video_duration}"'
        source = (
            f'<video src="{e(article.video_url)}"{dur} controls></video>'
            if rng.random() < 0.5
            else f'<video{dur} controls><source src="{e(article.video_url)}" type="video/mp4">'
            "</video>"
        )
        media.append(f"<div{_c(t, 'player')}>{source}</div>")
    if article.main_image:
        media.append(_figure(t, article.main_image, rng))
    body = _body(t, site, article, rng) if article.blocks else ""
    gallery = ""
    if article.gallery:
        gallery = (
            f"<div{_c(t, 'gallery')}>"
            + "".join(_figure(t, image, rng) for image in article.gallery)
            + "</div>"
        )
    tags = ""
    if article.tags:
        label = rng.choice(_TAGS_LABEL[code])
        anchors = [f'<a href="{e(href(tag_path(tg)))}">{e(tg)}</a>' for tg in article.tags]
        if rng.random() < 0.5:
            tags = f"<div{_c(t, 'tags')}><span>{label}</span>{''.join(anchors)}</div>"
        else:
            items = "".join(f"<li>{a}</li>" for a in anchors)
            tags = f"<ul{_c(t, 'tags')}>{items}</ul>"

    attrs = ""
    if kind == "none":
        attrs = (
            f' {t.post_id_attr}="{meta.post_id}"'
            f' {t.keywords_attr}="{e(article.keywords_raw)}"'
            f' data-modified="{iso_z(meta.modified)}"'
        )
    atag = t.article_tag
    attrs += f' id="{t.cls["article"]}-{meta.post_id}"'
    article_html = (
        f"<{atag}{_c(t, 'article')}{attrs}>{head_html}"
        f"<div{_c(t, 'media')}>{''.join(media)}</div>{body}{gallery}{tags}</{atag}>"
    )
    side = _sidebar(t, site, article, rng)
    where = rng.randrange(3)
    if where == 2:
        # The box inside the article element, between the body and the tag list.
        main = article_html.replace(f"{tags}</{atag}>", f"{side}{tags}</{atag}>")
    else:
        main = side + article_html if where == 0 else article_html + side
    top, foot, _ = t.page_tags
    logo = (
        f'<h1><a href="/">{e(site_name(site))}</a></h1>'
        if t.logo_heading
        else f'<a href="/">{e(site_name(site))}</a>'
    )
    menu = "".join(
        f'<a href="/{e(p)}">{e(n)}</a>' for p, n in list(site.edition.groups.items())[:6]
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{e(article.title)} | {e(site_name(site))}</title>"
        f"{head(site, article, kind, rng)}</head><body>"
        f"<{top}{_c(t, 'top')}>{logo}<div{_c(t, 'menu')}>{menu}</div></{top}>"
        f"<div{_c(t, 'wrap')}>{main}</div>"
        f"<{foot}{_c(t, 'foot')}><p>{e(site_name(site))}</p><p>All Rights Reserved</p>"
        f"</{foot}></body></html>\n"
    )
