"""The English edition's content: the reference article plus generated ones.

Article ``i`` (0 = newest) is generated from ``random.Random(f"...:{seed}:{i}")`` alone, so any
article can be rebuilt without generating the others. Metadata (``make_meta``) and body
(``make_article``) use separate streams, so listings never pay for bodies.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from types import ModuleType
from typing import TypeVar

from newscrawl_replica import reference, vocab
from newscrawl_replica.editions import EN, Edition
from newscrawl_replica.model import Article, Block, Image, Meta, slugify, utc

#: Publication time of article 0 when the site starts; older ones spread over SPAN seconds.
NEWEST = int(datetime(2025, 6, 5, 9, 0, tzinfo=UTC).timestamp())
SPAN = 4 * 365 * 86400
LAYOUT_2024_FROM = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
MEDIA_HOST = "https://alpha-en-media.almayadeen.net"

T = TypeVar("T")
_SECTIONS = [s for s, _ in vocab.SECTION_WEIGHTS]
_SECTION_W = [w for _, w in vocab.SECTION_WEIGHTS]
_SOURCES = [s for s, _ in vocab.SOURCES]
_SOURCE_W = [w for _, w in vocab.SOURCES]


def step(count: int) -> float:
    return SPAN / max(count, 1)


def reference_index(count: int) -> int:
    """Where the reference article sits among ``count`` articles, by its publication time."""
    return min(count - 1, max(0, int((NEWEST - reference.PUBLISHED) // step(count))))


def companion_indices(count: int) -> list[int]:
    """Keys of the articles the reference page links to (Related News, Read more)."""
    r = reference_index(count)
    around = [r + 1, r + 2, r + 3, r - 1, r - 2, r - 3]
    return [k for k in around if 0 <= k < count][:3]


def kind_of(section: str) -> str:
    if section.startswith("videos/"):
        return "video"
    if section == "infographs":
        return "infograph"
    if section == "in-pictures":
        return "gallery"
    return "article"


def path_for(section: str, slug: str) -> str:
    return f"/{section}/{slug}"


def _lower(actor: str) -> str:
    return "the" + actor[3:] if actor.startswith("The ") else actor


def make_title(rng: random.Random) -> str:
    form = rng.random()
    actor = rng.choice(vocab.ACTORS)
    verb = rng.choice(vocab.VERBS)
    obj = rng.choice(vocab.OBJECTS)
    ctx = rng.choice(vocab.CONTEXTS)
    if form < 0.45:
        return f"{actor} {verb} {obj} {ctx}"
    if form < 0.6:
        person, _ = rng.choice(vocab.PEOPLE)
        return f"{person}: {rng.choice(vocab.QUOTE_LINES).capitalize()}"
    if form < 0.72:
        return f"'{actor.removeprefix('The ')}' {verb} '{obj}' {ctx}"
    if form < 0.82:
        n = rng.randint(3, 950)
        return f"{n} killed as {_lower(actor)} {verb} {obj}"
    if form < 0.9:
        return f"“{rng.choice(vocab.QUOTE_LINES).capitalize()}”: {actor} on {obj}"
    place = rng.choice(vocab.PLACES)
    return f"{place}’s {obj} {ctx}, {_lower(actor)} {verb} move"


def meta_rng(seed: int, key: int) -> random.Random:
    return random.Random(f"en-meta:{seed}:{key}")


def base_time(
    rng: random.Random, i: int, count: int, newest: int = NEWEST, span: int = SPAN
) -> int:
    """Publication time of base article ``i``: newest first, spread over ``span`` seconds
    before ``newest``, on the minute."""
    st = span / max(count, 1)
    published = newest - int(i * st) - int(rng.random() * st * 0.9)
    return published - published % 60


def base_post_id(rng: random.Random, i: int, count: int) -> int:
    return 1_300_000 + (count - i) * 7 + rng.randint(0, 6)


def make_meta(
    rng: random.Random, key: int, taken: Callable[[str], bool], published: int, post_id: int
) -> Meta:
    """Metadata of generated article ``key``, drawn from ``rng`` (see ``meta_rng``)."""
    section = rng.choices(_SECTIONS, _SECTION_W)[0]
    kind = kind_of(section)
    region = rng.choice(vocab.REGIONS) if rng.random() < 0.85 else None
    coverage = rng.choice(vocab.COVERAGES) if rng.random() < 0.2 else None
    roll = rng.random()
    if section.startswith("articles/") and roll < 0.8:
        authors: tuple[str, ...] = tuple(rng.sample(vocab.WRITERS, 1 if roll < 0.6 else 2))
    elif roll < 0.06:
        authors = tuple(rng.sample(vocab.WRITERS, 3))
    elif roll < 0.25:
        authors = (rng.choice(vocab.WRITERS),)
    else:
        authors = (rng.choice(vocab.HOUSE_AUTHORS),)
    tags = tuple(rng.sample(vocab.TAGS, rng.randint(2, 6)))
    title = make_title(rng)
    path = path_for(section, slugify(title))
    for attempt in range(50):
        if not taken(path):
            break
        title = make_title(rng) if attempt < 40 else f"{title} {attempt}"
        path = path_for(section, slugify(title))
    modified = published + (rng.randint(30, 6 * 3600) if rng.random() < 0.8 else 0)
    return Meta(
        key=key,
        post_id=post_id,
        kind=kind,
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


def reference_meta(i: int) -> Meta:
    return Meta(
        key=i,
        post_id=reference.POST_ID,
        kind="article",
        section=reference.SECTION,
        path=reference.PATH,
        title=reference.TITLE,
        published=reference.PUBLISHED,
        modified=reference.MODIFIED,
        region=reference.REGION,
        coverage=reference.COVERAGE,
        authors=reference.AUTHORS,
        tags=reference.TAGS,
    )


def companion_title(n: int) -> str:
    return (*reference.RELATED_TITLES, reference.READ_MORE_TITLE)[n]


# --- bodies -------------------------------------------------------------------------------


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday(rng: random.Random) -> str:
    return _WEEKDAYS[int(rng.random() * 7)]


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    """``rng.choice`` for the hot path: one ``random()`` draw, no rejection sampling."""
    return seq[int(rng.random() * len(seq))]


def _int(rng: random.Random, lo: int, hi: int) -> int:
    return lo + int(rng.random() * (hi - lo + 1))


def _sentence(rng: random.Random) -> str:
    person, role = _pick(rng, vocab.PEOPLE)
    actor = _pick(rng, vocab.ACTORS)
    place = _pick(rng, vocab.PLACES)
    quote = _pick(rng, vocab.QUOTE_LINES)
    obj = _pick(rng, vocab.OBJECTS)
    form = int(rng.random() * 10)
    if form == 0:
        return (
            f"{person}, the {role}, said that “{quote},” adding that {obj} remained on the table."
        )
    if form == 1:
        return f'Speaking to reporters in {place}, {person} stated, "{quote.capitalize()}."'
    if form == 2:
        killed = _int(rng, 2, 400)
        hurt = _int(rng, killed, killed * 4)
        return (
            f"At least {killed} people were killed and {hurt:,} others injured in {place} "
            f"on {_weekday(rng)}, according to local sources."
        )
    if form == 3:
        pct = _int(rng, 5, 95)
        return f"{actor} reported that {pct}% of the {obj} had been affected since {_weekday(rng)}."
    if form == 4:
        return (
            f"{actor}'s decision on {obj} came a day after talks in {place} ended without a deal."
        )
    if form == 5:
        amount = _pick(rng, ("$1.2 billion", "$350 million", "€4 billion", "$75 million"))
        return f"The package, worth {amount}, includes {obj} and was approved by {_lower(actor)}."
    if form == 6:
        return (
            f"{_pick(rng, vocab.CONNECTIVES)} {person} described the move as “{quote}”, "
            f"warning that {place} would not accept it."
        )
    if form == 7:
        return f"Observers in {place} said the {obj} could reshape the region’s balance of power."
    if form == 8:
        return (
            f"{_pick(rng, vocab.CONNECTIVES)} the {role} told Al Mayadeen English that "
            f'"{quote}" and that {actor} would respond "in the appropriate time and place."'
        )
    year = _int(rng, 2015, 2024)
    return f"This is the first time since {year} that {_lower(actor)} has discussed {obj} openly."


SENTENCE_BANK_SIZE = 8192


@lru_cache(maxsize=1)
def sentence_bank() -> tuple[str, ...]:
    """Sentences articles draw from: built once (about 30 ms), so a body costs a few draws
    per sentence instead of a dozen."""
    rng = random.Random("en-sentences")
    return tuple(_sentence(rng) for _ in range(SENTENCE_BANK_SIZE))


def paragraph(rng: random.Random, used: set[str], bank: Sequence[str] | None = None) -> str:
    """Two to four sentences of ``bank`` (default: the English one), none already in ``used``
    (the article so far)."""
    bank = bank or sentence_bank()
    size = len(bank)
    out: list[str] = []
    for _ in range(_int(rng, 2, 4)):
        sentence = bank[int(rng.random() * size)]
        while sentence in used:
            sentence = bank[int(rng.random() * size)]
        used.add(sentence)
        out.append(sentence)
    return " ".join(out)


def pick_links(
    rng: random.Random, link_pool: Sequence[Meta], meta: Meta, n: int
) -> tuple[tuple[str, str], ...]:
    """Up to ``n`` distinct (path, title) links to other articles of ``link_pool``."""
    chosen: list[tuple[str, str]] = []
    for _ in range(n * 3):
        other = link_pool[rng.randrange(len(link_pool))]
        pair = (other.path, other.title)
        if other.key != meta.key and pair not in chosen:
            chosen.append(pair)
        if len(chosen) == n:
            break
    return tuple(chosen)


def _image(rng: random.Random, ts: int) -> Image:
    return image(rng, ts, MEDIA_HOST, vocab, utc(ts).strftime("%B %-d, %Y"))


def image(rng: random.Random, ts: int, host: str, words: ModuleType, date: str) -> Image:
    """A picture of ``host``'s media folder of day ``ts``, captioned from ``words`` (a
    vocabulary module: PEOPLE, PLACES, CAPTION_TEMPLATES)."""
    d = utc(ts)
    uid = uuid.UUID(int=rng.getrandbits(128), version=4)
    url = f"{host}/media/image/{d.year}/{d.month}/{d.day}/{uid}.jpg?v=3&width=1000"
    person, role = rng.choice(words.PEOPLE)
    caption = rng.choice(words.CAPTION_TEMPLATES).format(
        person=person, role=role, place=rng.choice(words.PLACES), date=date
    )
    return Image(url, caption)


def video_url(rng: random.Random, ts: int, host: str) -> str:
    d = utc(ts)
    uid = uuid.UUID(int=rng.getrandbits(128), version=4)
    return f"{host}/media/video/{d.year}/{d.month}/{d.day}/{uid}.mp4"


def cms_classes(edition: Edition, meta: Meta) -> tuple[tuple[str, str], ...]:
    """The tawsiyat classes the CMS writes for a generated article of ``edition``."""
    classes = [("posttype", edition.groups[edition.group_of(meta.section)])]
    if meta.section in edition.sections:
        classes.append(("category", edition.sections[meta.section]))
    if meta.region:
        classes.append(("country", meta.region))
    if meta.coverage:
        classes.append(("coverage", meta.coverage))
    classes.append(("author", ", ".join(meta.authors)))
    return tuple(classes)


def make_article(seed: int, meta: Meta, link_pool: Sequence[Meta]) -> Article:
    """The full article for generated ``meta``; links point into ``link_pool``."""
    rng = random.Random(f"en-body:{seed}:{meta.key}:{meta.body_version}")
    kind = meta.kind
    if kind == "video":
        n_par = rng.choice((0, 0, 0, 1, 2))
    elif kind in ("infograph", "gallery"):
        n_par = rng.randint(0, 2)
    elif meta.section.startswith("articles/"):
        n_par = rng.randint(6, 14)
    else:
        n_par = rng.randint(3, 9)
    used: set[str] = set()
    pars = [paragraph(rng, used) for _ in range(n_par)]
    # A few paragraphs carry the trailing space real pages show; the record strips it.
    pars = [p + " " if rng.random() < 0.1 else p for p in pars]
    blocks: list[Block] = [("p", p) for p in pars]

    def links(n: int) -> tuple[tuple[str, str], ...]:
        return pick_links(rng, link_pool, meta, n)

    if len(link_pool) > 1 and n_par >= 3:
        if rng.random() < 0.5:
            at = rng.randint(1, min(3, n_par - 1))
            blocks.insert(at, ("related", links(rng.randint(1, 3))))
        if rng.random() < 0.4:
            blocks.append(("readmore", links(1)))
        if rng.random() < 0.15:
            blocks.insert(rng.randint(1, len(blocks)), ("readmore", links(1)))
    if n_par >= 2 and rng.random() < 0.2:
        # A paragraph citing another host: the link is off-site, its text is body text.
        at = rng.randrange(n_par)
        name, url = rng.choice(vocab.EXTERNAL_SOURCES)
        before = pars[at].rstrip() + " The report was first published by "
        blocks[blocks.index(("p", pars[at]))] = ("xp", (before, name, url, "."))
    if n_par >= 3 and rng.random() < 0.2:
        img = _image(rng, meta.published)
        blocks.insert(rng.randint(1, len(blocks)), ("figure", ((img.url, img.caption),)))
    if n_par >= 2 and rng.random() < 0.1:
        person, _ = rng.choice(vocab.PEOPLE)
        tweet = f"{rng.choice(vocab.QUOTE_LINES).capitalize()} — {person} (@{person.split()[0]})"
        blocks.insert(rng.randint(1, len(blocks)), ("tweet", tweet))

    # An infograph is its image; other pages now and then have none.
    has_image = rng.random() < 0.96 or kind == "infograph"
    main_image = _image(rng, meta.published) if has_image else None
    gallery = (
        [_image(rng, meta.published) for _ in range(rng.randint(4, 8))] if kind == "gallery" else []
    )
    video = duration = None
    if kind == "video":
        video = video_url(rng, meta.published, MEDIA_HOST)
        duration = rng.randint(45, 3600)
    words = sum(len(p.split()) for p in pars)
    layout = (
        "2024"
        if kind == "article" and meta.published >= LAYOUT_2024_FROM and rng.random() < 0.6
        else "2022"
    )
    keywords = list(meta.tags)
    if rng.random() < 0.2:
        keywords.append(rng.choice(keywords))
    if rng.random() < 0.3:
        keywords.insert(rng.randint(0, len(keywords)), rng.choice(vocab.TAGS))
    bank = sentence_bank()
    count = 1 if rng.random() < 0.7 else 2
    description = " ".join(bank[int(rng.random() * SENTENCE_BANK_SIZE)] for _ in range(count))
    source = rng.choices(_SOURCES, _SOURCE_W)[0]
    return Article(
        meta=meta,
        lang="en",
        layout=layout,
        tawsiyat_type="videoobject" if kind == "video" else "article",
        title=meta.title,
        description=description,
        authors=meta.authors,
        source=source,
        tags=meta.tags,
        keywords_raw=",".join(keywords),
        blocks=blocks,
        main_image=main_image,
        gallery=gallery,
        video_url=video,
        video_duration=duration,
        shares=rng.randint(0, 80),
        read_time=max(1, math.ceil(words / 200)),
        head_times=rng.random() < 0.93,
        classes=cms_classes(EN, meta),
    )


def make_reference(meta: Meta, companions: Sequence[Meta]) -> Article:
    """The reference page, exactly as the real one reads."""
    blocks: list[Block] = [("p", p) for p in reference.PARAGRAPHS]
    links = [(m.path, m.title) for m in companions]
    blocks.insert(reference.RELATED_AFTER, ("related", tuple(links[:2])))
    blocks.append(("readmore", tuple(links[2:3])))
    image = Image(
        f"{MEDIA_HOST}/media/image/2022/7/29/5b1c6a3e-8a0e-4f5e-9d3c-7a2b1d4e6f80.jpg?v=3&width=1000",
        reference.CAPTION,
    )
    return Article(
        meta=meta,
        lang="en",
        layout="2022",
        tawsiyat_type="article",
        title=meta.title,
        description=reference.DESCRIPTION,
        authors=reference.AUTHORS,
        source=reference.SOURCE,
        tags=reference.TAGS,
        keywords_raw=reference.KEYWORDS_RAW,
        blocks=blocks,
        main_image=image,
        shares=reference.SHARES,
        read_time=reference.READ_TIME,
        head_times=True,
        classes=(
            ("posttype", "News"),
            ("category", "Politics"),
            ("country", reference.REGION),
            ("author", "Al Mayadeen English"),
        ),
    )
