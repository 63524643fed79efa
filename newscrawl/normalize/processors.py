"""Small pure processors: raw page strings in, record values out.

Each function takes what a page object found (a string, a list of strings) and returns the
normalized value, or ``None`` / ``[]`` when the input holds nothing usable. None of them raises
on odd input: a value that cannot be read becomes unknown, and the loader falls through to the
next source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta, timezone
from datetime import tzinfo as tzinfo_
from functools import lru_cache
from zoneinfo import ZoneInfo

from newscrawl.pages.selectors import BY_WORDS, BYLINE_SOURCE_LABELS

# C0/C1 control characters other than whitespace; they are never content. (A translate table:
# clean_text runs on every string of every page.)
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def clean_text(value: str | None) -> str | None:
    """NFC, control characters dropped, whitespace collapsed and stripped; ``''`` → ``None``."""
    if value is None:
        return None
    text = str(value).translate(_CONTROL)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on exactly the characters regex \s matches (str.isspace).
    return " ".join(text.split()) or None


def ascii_digits(value: str) -> str:
    """Arabic-Indic and Extended Arabic-Indic digits to ASCII digits."""
    return value.translate(_DIGITS)


def dedupe(values: Iterable[str | None]) -> list[str]:
    """Cleaned, non-empty values, first occurrence kept, order kept."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        text = clean_text(value)
        if text is not None and text not in seen:
            seen.add(text)
            out.append(text)
    return out


# ---------------------------------------------------------------------------------------------
# Counts: "1 Shares", "3 Min Read", "5 min read", "1.2K Shares", "١٢ مشاركة"

_COUNT = re.compile(r"(\d+(?:[.,]\d+)*)\s*([kKmM])?(?![\w])")


def parse_count(value: str | None) -> int | None:
    """The first number in ``value`` as an int (``1,234`` → 1234, ``1.2K`` → 1200)."""
    text = clean_text(value)
    if text is None:
        return None
    match = _COUNT.search(ascii_digits(text))
    if match is None:
        return None
    number, suffix = match.groups()
    if suffix:
        scaled = float(number.replace(",", "")) * (1000 if suffix in "kK" else 1_000_000)
        return round(scaled)
    return int(number.replace(",", "").replace(".", ""))


_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
_CLOCK_DURATION = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})$")


def parse_duration(value: str | None) -> int | None:
    """Seconds of a duration: ``"2840"``, ``"PT47M20S"``, ``"47:20"``, ``"1:02:03"``."""
    text = clean_text(value)
    if text is None:
        return None
    text = ascii_digits(text)
    if text.isdigit():
        return int(text)
    iso = _ISO_DURATION.match(text)
    if iso and any(iso.groupdict().values()):
        d, h, m = (int(iso[g] or 0) for g in ("d", "h", "m"))
        return ((d * 24 + h) * 60 + m) * 60 + round(float(iso["s"] or 0))
    clock = _CLOCK_DURATION.match(text)
    if clock:
        return (int(clock["h"] or 0) * 60 + int(clock["m"])) * 60 + int(clock["s"])
    return None


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "كانون الثاني", "يناير", "ene", "enero"),
            ("feb", "february", "شباط", "فبراير", "febrero"),
            ("mar", "march", "آذار", "اذار", "مارس", "marzo"),
            ("apr", "april", "نيسان", "أبريل", "ابريل", "abr", "abril"),
            ("may", "أيار", "ايار", "مايو", "mayo"),
            ("jun", "june", "حزيران", "يونيو", "junio"),
            ("jul", "july", "تموز", "يوليو", "julio"),
            ("aug", "august", "آب", "اب", "أغسطس", "اغسطس", "ago", "agosto"),
            ("sep", "sept", "september", "أيلول", "ايلول", "سبتمبر", "septiembre", "setiembre"),
            ("oct", "october", "تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر", "octubre"),
            ("nov", "november", "تشرين الثاني", "نوفمبر", "noviembre"),
            ("dec", "december", "كانون الأول", "كانون الاول", "ديسمبر", "dic", "diciembre"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

#: A time after a date: ``11:49``, ``23:32:00.0000000``, ``11:49 PM``, ``11:49 م`` (Arabic p.m.).
_TIME = (
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<half>[ap]\.?m\.?|ص|م)(?!\w))?"
)
#: ``2024-08-12T23:18:00+03:00``, ``2024-08-15T23:32:00.0000000``, ``2024-01-15 12:24``, ``…Z``
_ISO_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    rf"(?:(?:T|\s+){_TIME})?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
#: ``29 Jul 2022 11:49``, ``29 July 2022``, ``15 آب 2024 12:24``, ``29 de julio de 2022``
_DAY_MONTH_DATE = re.compile(
    rf"(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<mon>{_MONTH_NAMES})\.?,?\s+(?:de\s+)?(?P<y>\d{{4}})"
    rf"(?:,?\s+(?:at\s+|um\s+)?{_TIME})?",
    re.IGNORECASE,
)
#: ``Jul 29, 2022 11:49``, ``July 29, 2022, 11:49 AM``, ``November 17, 2021 at 7:31 AM``
_MONTH_DAY_DATE = re.compile(
    rf"(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})"
    rf"(?:,?\s+(?:at\s+)?{_TIME})?",
    re.IGNORECASE,
)
#: ``17.11.2021, 07:31 Uhr``, ``17/11/2021 07:31`` (day first, as newsrooms outside the US write)
_NUMERIC_DATE = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})[./](?P<mo>\d{{1,2}})[./](?P<y>\d{{4}})(?:,?\s+(?:um\s+)?{_TIME})?"
)


def _hour(hour: int, half: str | None) -> int:
    """24-hour clock from a 12-hour reading (``12 AM`` is 0, ``12 PM`` is 12)."""
    if not half:
        return hour
    pm = half[0].lower() == "p" or half == "م"
    return hour % 12 + (12 if pm else 0)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _offset(text: str) -> timezone:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_datetime(value: str | None, naive_zone: str | None = "UTC") -> datetime | None:
    """Any date form the site shows, as an aware UTC ``datetime``; ``None`` if unreadable.

    A written offset (``+03:00``, ``Z``) wins; a time without one is read in ``naive_zone``
    (an IANA name: ``UTC`` for head meta times, ``Asia/Beirut`` for the visible byline; or a
    fixed offset such as ``+02:00``, the one the page states elsewhere). With ``naive_zone``
    ``None`` a time without an offset is not guessed (``None``); a date without a time is that
    day, UTC. In a zone's autumn overlap the earlier (summer) reading is taken; a wall time
    inside the spring gap is read with the offset in force before the change.
    """
    text = clean_text(value)
    if text is None:
        return None
    text = ascii_digits(text)
    match = _ISO_DATE.search(text)
    month: int | None
    if match is None:
        match = _NUMERIC_DATE.search(text)
    if match is not None:
        month = int(match["mo"])
    else:
        match = _DAY_MONTH_DATE.search(text) or _MONTH_DAY_DATE.search(text)
        if match is None:
            return None
        month = _MONTHS.get(match["mon"].lower())
    if month is None:
        return None
    tz_text = match.groupdict().get("tz")
    try:
        naive = datetime(
            int(match["y"]),
            month,
            int(match["d"]),
            _hour(int(match["h"] or 0), match["half"]),
            int(match["mi"] or 0),
            int(match["s"] or 0),
        )
        if tz_text:
            tzinfo: tzinfo_ = _offset(tz_text)
        elif match["h"] is None:
            tzinfo = UTC  # a day, not an instant: no zone to guess
        elif naive_zone is None:
            return None
        elif naive_zone[:1] in "+-":
            tzinfo = _offset(naive_zone)
        else:
            tzinfo = _zone(naive_zone)
    except (ValueError, KeyError):
        return None
    return naive.replace(tzinfo=tzinfo).astimezone(UTC)


_STATED_OFFSET = re.compile(
    r"\d(?::\d{2}){1,2}(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2})\s*$", re.IGNORECASE
)


def stated_offset(values: Iterable[str | None]) -> str | None:
    """The UTC offset the first machine-written time among ``values`` states (``+02:00``,
    ``Z`` as ``+00:00``): the zone the page's own unzoned times are in."""
    for value in values:
        match = _STATED_OFFSET.search(value or "")
        if match:
            text = match.group(1).upper()
            if text == "Z":
                return "+00:00"
            return text if ":" in text else f"{text[:3]}:{text[3:]}"
    return None


_CLOCK = re.compile(r"\d{1,2}:\d{2}")


def has_time(value: str | None) -> bool:
    """Whether a date string carries a time of day (``2024-05-03 15:47``), not a day alone."""
    return bool(_CLOCK.search(ascii_digits(value or "")))


#: ``23 Julio 19:20``: a day, a month and a time, no year (the Spanish byline).
_YEARLESS_DATE = re.compile(
    rf"^(?P<d>\d{{1,2}})\s+(?:de\s+)?(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<time>{_TIME})$",
    re.IGNORECASE,
)


def with_year(value: str | None, reference: datetime, zone: str = "UTC") -> str | None:
    """A date shown without a year (``23 Julio 19:20``) with the year that puts it at or
    before ``reference`` (a time the page's metadata gives, such as its modification time, or
    when it was fetched) and nearest to it: ``23 Julio 2025 19:20``. ``None`` when ``value``
    is not such a date."""
    text = clean_text(value)
    match = _YEARLESS_DATE.match(ascii_digits(text)) if text else None
    if match is None:
        return None
    local = reference.astimezone(_zone(zone))
    for year in (local.year, local.year - 1):
        candidate = f"{match['d']} {match['mon']} {year} {match['time']}"
        moment = parse_datetime(candidate, zone)
        # A day of slack: a page modified before its shown date is a CMS quirk, not a year.
        if moment is not None and moment <= reference + timedelta(days=1):
            return candidate
    return None


def format_utc(moment: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` (seconds precision) of an aware ``datetime``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_utc(value: str | None, naive_zone: str | None = "UTC") -> str | None:
    """``parse_datetime`` then ``format_utc``: a raw date string to the record's UTC form."""
    return format_utc(parse_datetime(value, naive_zone))


# ---------------------------------------------------------------------------------------------
# Byline parts, keywords, labels

_BY_PREFIX = re.compile(rf"^\s*(?:{'|'.join(BY_WORDS)})\s*[:：]?\s+", re.IGNORECASE)
#: Between names: commas (also the Arabic ``،``), ``;``, ``&``, ``and``/``und``/``y``/``e``/
#: ``et``/``og``/``en``, the Arabic word ``و`` standing alone (``و`` joined to the next word is
#: part of a name such as ``وليد``).
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|،|;|&|\+|\b(?:and|und|y|e|et|og|och|en|i)\b|(?<!\S)و(?=\s))\s*", re.IGNORECASE
)
#: A role or an outlet after a name: ``Jane Doe, Reporter``, ``Jane Doe for Dailymail.com``.
_ROLE = re.compile(
    r"\s*(?:[,(|–—-]\s*)?\b(?:senior\s+|chief\s+|staff\s+|special\s+)?"
    r"(?:reporter|correspondent|editor|writer|journalist|columnist|contributor|redakteurin?|"
    r"korrespondentin?|reporterin|autorin?|redactora?|corresponsal|periodista|مراسل|مراسلة)s?\b.*$",
    re.IGNORECASE,
)
_FOR_OUTLET = re.compile(r"\s+(?:for|für|para|pour)\s+\S+\.\w{2,}\s*$", re.IGNORECASE)
#: What a name is never: a button or a link label, a sentence, an address.
NOT_NAME_WORDS = frozenset(
    {
        "more",
        "info",
        "infos",
        "mehr",
        "view",
        "all",
        "posts",
        "follow",
        "subscribe",
        "share",
        "read",
        "newsletter",
        "login",
        "sign",
        "click",
        "here",
        "menu",
        "home",
        "developer",
        "admin",
        "administrator",
        "editorial",
        "team",
        "redaktion",
        "staff",
    }
)
_NAME_MAX_WORDS = 6
#: Where a byline's names end and its sections begin: ``By Jane Doe, in News, Politics``.
_IN_SECTION = re.compile(r"(?:,\s*|\s+)in\s+(?=[^\W\d_])(?=\w*[^\W\d_a-z])")
_NOT_NAME = re.compile(r"https?://|www\.|@|\d{2,}|[!?]|\w{4,}\.\s*$|[:;\"“”«»]")


def split_authors(value: str | None) -> list[str]:
    """``By A, B and C`` → ``["A", "B", "C"]``; a ``Source: …`` part is never an author;
    ``By``/``Von``/``Por``/``بقلم`` and roles (``Reporter``) are dropped."""
    text = clean_text(value)
    if text is None:
        return []
    labels = "|".join(re.escape(label) for label in BYLINE_SOURCE_LABELS)
    text = re.split(rf"\b(?:{labels})\s*:", text, maxsplit=1, flags=re.IGNORECASE)[0]
    text = _IN_SECTION.split(_BY_PREFIX.sub("", text), maxsplit=1)[0]
    names = []
    for part in _AUTHOR_SPLIT.split(text):
        part = _FOR_OUTLET.sub("", _ROLE.sub("", part or ""))
        names.append(unrepeated(_BY_PREFIX.sub("", part).strip(" .,-–—|")))
    return dedupe(names)


def unrepeated(name: str) -> str:
    """A name its markup gives twice (a visible and a screen-reader copy): once."""
    words = name.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


#: Format marks (RLM, zero-width joiners, BOM) that change no visible text.
_FORMAT_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def compare_key(text: str | None) -> str:
    """Text as two sources that say the same give it: one Unicode form (NFC: marks in
    canonical order), format marks dropped, whitespace and case folded."""
    text = unicodedata.normalize("NFC", _FORMAT_MARKS.sub("", text or ""))
    return " ".join(text.split()).casefold()


#: An ellipsis that ends a text cut at a length (a JSON-LD ``headline`` of at most N characters),
#: and the least of a text left before it for the cut to say anything.
_CUT_SHORT = re.compile(r"\s*(?:\.\.\.|…)$")
_CUT_MIN_CHARS = 20


def same_text(a: str | None, b: str | None) -> bool:
    """Two sources give the same text (``compare_key``), one of them perhaps cut short with an
    ellipsis."""
    first, second = compare_key(a), compare_key(b)
    if not first or not second:
        return False
    if first == second:
        return True
    for cut, whole in ((first, second), (second, first)):
        stem = _CUT_SHORT.sub("", cut)
        if stem != cut and len(stem) >= _CUT_MIN_CHARS and whole.startswith(stem):
            return True
    return False


def site_keys(names: Iterable[str | None]) -> set[str]:
    """Comparable forms of a site's names (``og:site_name``, publisher, host labels)."""
    return {key for key in (_key(n) for n in names) if len(key) >= 2}


def _key(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").casefold())


def is_person_name(name: str | None, sites: Collection[str] = ()) -> bool:
    """A byline name, by its shape: a few words, no sentence, link label, address, date or
    number, and not the site's own name (``<meta name=author content="Stern.de">``)."""
    text = clean_text(name)
    if text is None or _NOT_NAME.search(text):
        return False
    words = text.split()
    if len(words) > _NAME_MAX_WORDS or (len(words) == 1 and len(text) > 40):
        return False
    if {w.casefold().strip(".,") for w in words} & NOT_NAME_WORDS:
        return False
    key = _key(text)
    return bool(key) and not any(key == s or (len(s) >= 4 and s in key) for s in sites)


#: Separators between a headline and the site's name or a date in ``<title>``/``og:title``.
_TITLE_PARTS = re.compile(r"\s+[|\-–—·•*:~/]+\s+|\s*[|｜：]\s*|(?<=\S)[-:](?=[^\W\d_]+ᅵ|\S*$)")
#: The most words of a section or site name after a headline in a head title.
_SUFFIX_MAX_WORDS = 2
_TITLE_DATE = re.compile(r"^[\d.\-/ ]{6,}$")
_TITLE_BY = re.compile(rf"^(?:{'|'.join(BY_WORDS)})\s+\S", re.IGNORECASE)


def _is_title_byline(part: str) -> bool:
    """``by Jane Doe`` beside a headline: a by-word and a name (``Von München bis Aachen``
    starts a headline)."""
    found = _TITLE_BY.match(part.strip())
    return found is not None and is_person_name(part.strip()[found.end() - 1 :])


def strip_site_name(title: str | None, sites: set[str]) -> str | None:
    """A headline from ``<title>`` or ``og:title`` without the site's name, a date or a
    byline around it: ``Title | Site``, ``Site - Title``, ``Title – DW – 28.04.2023``."""
    text = clean_text(title)
    if text is None:
        return None
    parts = [p for p in _TITLE_PARTS.split(text) if p and p.strip()]
    if len(parts) < 2:
        return text

    def extra(part: str) -> bool:
        key = _key(part)
        return (
            not key
            or bool(_TITLE_DATE.match(part.strip()))
            or _is_title_byline(part)
            or any(
                key == s or (len(s) >= 3 and s in key) or (len(key) >= 3 and key in s)
                for s in sites
            )
        )

    kept = list(parts)
    while len(kept) > 1 and extra(kept[-1]):
        kept.pop()
    while len(kept) > 1 and extra(kept[0]):
        kept.pop(0)
    if len(kept) == len(parts):
        return text
    # The headline keeps its own inner separators: cut the text, do not re-join the parts.
    start = text.find(kept[0])
    end = text.rfind(kept[-1]) + len(kept[-1])
    return clean_text(text[start:end])


def without_suffix(title: str | None, headline: str | None) -> str | None:
    """A head title that is the visible ``headline`` and a short part after a separator (a
    section or a site name the page's names do not give: ``Title - National``,
    ``見出し:東京新聞デジタル``) is the headline."""
    if not title or not headline or len(headline) >= len(title):
        return title
    head = " ".join(headline.split())
    if not title.casefold().startswith(head.casefold()):
        return title
    separator = _TITLE_PARTS.match(title, len(head))
    if separator and 0 < len(title[separator.end() :].split()) <= _SUFFIX_MAX_WORDS:
        return headline
    return title


def split_keywords(value: str | None) -> list[str]:
    """A comma-separated keyword string, split (also on the Arabic comma), de-duplicated."""
    text = clean_text(value)
    if text is None:
        return []
    return dedupe(re.split(r"[,،]", text))


def strip_label(value: str | None, labels: Iterable[str]) -> str | None:
    """``Source: Agencies`` → ``Agencies`` for any of ``labels`` (case-insensitive)."""
    text = clean_text(value)
    if text is None:
        return None
    for label in labels:
        pattern = re.compile(rf"^{re.escape(label)}\s*[:：]\s*", re.IGNORECASE)
        if pattern.match(text):
            return clean_text(pattern.sub("", text, count=1))
    return text


def language_code(value: str | None) -> str | None:
    """The primary language subtag, lowercased: ``en-US`` → ``en``, ``AR`` → ``ar``."""
    text = clean_text(value)
    if text is None:
        return None
    primary = re.split(r"[-_]", text, maxsplit=1)[0].lower()
    return primary if primary.isalpha() else None


# ---------------------------------------------------------------------------------------------
# Body


def join_paragraphs(paragraphs: Iterable[str | None]) -> str | None:
    """Cleaned non-empty paragraphs joined by a blank line; ``None`` when there are none."""
    kept = [text for text in (clean_text(p) for p in paragraphs) if text is not None]
    return "\n\n".join(kept) or None


def count_words(body: str | None) -> int:
    """Whitespace-separated words of ``body`` (0 for ``None``)."""
    return len(body.split()) if body else 0
