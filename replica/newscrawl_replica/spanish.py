"""The Spanish edition's content (espanol.almayadeen.net, "Red El Mayadeen"): generated articles.

Article ``i`` (0 = newest) is drawn from ``random.Random(f"es-...:{seed}:{i}")`` alone, as in the
English edition. What SITE.md gives [es] is followed: URLs ``/{section}/{post id}/{slug}`` (slug
cut at 60, accents kept), Spanish menus and regions, the byline ``{author} • Fuente: {source} •
23 Julio 19:20 • 20 Visualizaciones`` (no year; views, not shares), post ids continuing the Arabic
numbering. The rest is [model] (MARKUP.md).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache

from newscrawl_replica import spanish_vocab as vocab
from newscrawl_replica.editions import ES
from newscrawl_replica.english import (
    _int,
    _pick,
    cms_classes,
    image,
    paragraph,
    pick_links,
    video_url,
)
from newscrawl_replica.model import MESES, Article, Block, Image, Meta, slugify, utc

#: Article 0's time: the evidence's July 2025 (post id 2046797); older ones spread over SPAN.
NEWEST = int(datetime(2025, 7, 23, 16, 20, tzinfo=UTC).timestamp())
SPAN = 2 * 365 * 86400
NEWEST_POST_ID = 2_046_797
MEDIA_HOST = "https://alpha-es-media.almayadeen.net"

_SECTIONS = [s for s, _ in vocab.SECTION_WEIGHTS]
_SECTION_W = [w for _, w in vocab.SECTION_WEIGHTS]
_SOURCES = [s for s, _ in vocab.SOURCES]
_SOURCE_W = [w for _, w in vocab.SOURCES]


def kind_of(section: str) -> str:
    if section in ("video", "television"):
        return "video"
    if section == "infografias":
        return "infograph"
    return "article"


def path_for(section: str, post_id: int, slug: str) -> str:
    return f"/{section}/{post_id}/{slug}"


def make_title(rng: random.Random) -> str:
    form = rng.random()
    actor = rng.choice(vocab.ACTORS)
    verb = rng.choice(vocab.VERBS)
    obj = rng.choice(vocab.OBJECTS)
    ctx = rng.choice(vocab.CONTEXTS)
    if form < 0.5:
        return f"{actor} {verb} {obj} {ctx}"
    if form < 0.65:
        person, _ = rng.choice(vocab.PEOPLE)
        return f"{person}: {rng.choice(vocab.QUOTE_LINES).capitalize()}"
    if form < 0.78:
        n = rng.randint(3, 950)
        return f"{n} muertos mientras {actor.lower()} {verb} {obj}"
    if form < 0.9:
        return f"“{rng.choice(vocab.QUOTE_LINES).capitalize()}”, dice {actor}"
    place = rng.choice(vocab.PLACES)
    return f"¿Qué busca {actor} con {obj} en {place}?"


def meta_rng(seed: int, key: int) -> random.Random:
    return random.Random(f"es-meta:{seed}:{key}")


def base_post_id(i: int) -> int:
    """Newest first, seven ids apart: the CMS numbers all editions together."""
    return NEWEST_POST_ID - 7 * i


def make_meta(
    rng: random.Random, key: int, taken: Callable[[str], bool], published: int, post_id: int
) -> Meta:
    section = rng.choices(_SECTIONS, _SECTION_W)[0]
    region = rng.choice(vocab.REGIONS) if rng.random() < 0.8 else None
    coverage = rng.choice(vocab.COVERAGES) if rng.random() < 0.15 else None
    roll = rng.random()
    if section in ("articulos", "articulos-exclusivos", "profundidad") and roll < 0.85:
        authors: tuple[str, ...] = tuple(rng.sample(vocab.WRITERS, 1 if roll < 0.7 else 2))
    elif roll < 0.2:
        authors = (rng.choice(vocab.WRITERS),)
    else:
        authors = (rng.choice(vocab.HOUSE_AUTHORS),)
    tags = tuple(rng.sample(vocab.TAGS, rng.randint(2, 6)))
    title = make_title(rng)
    path = path_for(section, post_id, slugify(title))
    for attempt in range(20):
        if not taken(path):
            break
        title = f"{title} {attempt}"
        path = path_for(section, post_id, slugify(title))
    modified = published + (rng.randint(30, 6 * 3600) if rng.random() < 0.8 else 0)
    return Meta(
        key=key,
        post_id=post_id,
        kind=kind_of(section),
        section=section,
        path=path,
        title=title,
        published=published,
        modified=modified,
        region=region,
        coverage=coverage,
        authors=authors,
        tags=tags,
    )


# --- bodies -------------------------------------------------------------------------------


def _sentence(rng: random.Random) -> str:
    person, role = _pick(rng, vocab.PEOPLE)
    actor = _pick(rng, vocab.ACTORS)
    place = _pick(rng, vocab.PLACES)
    quote = _pick(rng, vocab.QUOTE_LINES)
    obj = _pick(rng, vocab.OBJECTS)
    form = int(rng.random() * 8)
    if form == 0:
        return f"{person}, {role}, afirmó que “{quote}”, y añadió que {obj} sigue sobre la mesa."
    if form == 1:
        return f'En declaraciones a la prensa en {place}, {person} señaló: "{quote.capitalize()}".'
    if form == 2:
        killed = _int(rng, 2, 400)
        hurt = f"{_int(rng, killed, killed * 4):,}".replace(",", ".")  # 1.234, as Spanish writes
        return (
            f"Al menos {killed} personas murieron y otras {hurt} resultaron heridas en {place}, "
            "según fuentes locales."
        )
    if form == 3:
        return f"{actor} informó que {obj} afecta ya al {_int(rng, 5, 95)}% de la población."
    if form == 4:
        return (
            f"La decisión de {actor} sobre {obj} llegó un día después de las conversaciones "
            f"en {place}."
        )
    if form == 5:
        return (
            f"{_pick(rng, vocab.CONNECTIVES)} {person} calificó la medida de “{quote}” "
            f"y advirtió que {place} no la aceptará."
        )
    if form == 6:
        return f"Observadores en {place} señalaron que {obj} podría cambiar el equilibrio regional."
    return (
        f"{_pick(rng, vocab.CONNECTIVES)} {role} dijo a Al Mayadeen Español que "
        f'"{quote}" y que {actor} responderá "en el momento y lugar adecuados".'
    )


BANK_SIZE = 4096


@lru_cache(maxsize=1)
def sentence_bank() -> tuple[str, ...]:
    rng = random.Random("es-sentences")
    return tuple(_sentence(rng) for _ in range(BANK_SIZE))


def _image(rng: random.Random, ts: int) -> Image:
    d = utc(ts)
    return image(rng, ts, MEDIA_HOST, vocab, f"{d.day} de {MESES[d.month - 1].lower()} de {d.year}")


def make_article(seed: int, meta: Meta, link_pool: Sequence[Meta]) -> Article:
    rng = random.Random(f"es-body:{seed}:{meta.key}:{meta.body_version}")
    kind = meta.kind
    if kind == "video":
        n_par = rng.choice((0, 0, 1, 2))
    elif kind == "infograph" or meta.section in ("caricaturas", "historietas"):
        n_par = rng.randint(0, 1)
    elif meta.section in ("articulos", "articulos-exclusivos", "profundidad", "entrevistas"):
        n_par = rng.randint(6, 12)
    else:
        n_par = rng.randint(3, 8)
    used: set[str] = set()
    pars = [paragraph(rng, used, sentence_bank()) for _ in range(n_par)]
    blocks: list[Block] = [("p", p) for p in pars]
    if len(link_pool) > 1 and n_par >= 3:
        if rng.random() < 0.5:
            at = rng.randint(1, min(3, n_par - 1))
            blocks.insert(at, ("related", pick_links(rng, link_pool, meta, 2)))
        if rng.random() < 0.3:
            blocks.append(("readmore", pick_links(rng, link_pool, meta, 1)))
    if n_par >= 3 and rng.random() < 0.15:
        img = _image(rng, meta.published)
        blocks.insert(rng.randint(1, len(blocks)), ("figure", ((img.url, img.caption),)))
    has_image = rng.random() < 0.96 or kind == "infograph"
    main_image = _image(rng, meta.published) if has_image else None
    video = duration = None
    if kind == "video":
        video = video_url(rng, meta.published, MEDIA_HOST)
        duration = rng.randint(45, 3600)
    keywords = list(meta.tags)
    if rng.random() < 0.2:
        keywords.append(rng.choice(keywords))
    bank = sentence_bank()
    description = bank[int(rng.random() * BANK_SIZE)]
    source = rng.choices(_SOURCES, _SOURCE_W)[0]
    return Article(
        meta=meta,
        lang="es",
        layout="es",
        tawsiyat_type="videoobject" if kind == "video" else "article",
        title=meta.title,
        description=description,
        authors=meta.authors,
        source=source,
        tags=meta.tags,
        keywords_raw=",".join(keywords),
        blocks=blocks,
        main_image=main_image,
        video_url=video,
        video_duration=duration,
        views=rng.randint(0, 900),
        head_times=rng.random() < 0.93,
        classes=cms_classes(ES, meta),
    )
