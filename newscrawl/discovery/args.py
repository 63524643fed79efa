"""The spider's arguments as one validated model, copied into the crawl's settings, and the
crawl's :class:`Scope` (date window and sections).

``scrapy crawl almayadeen -a edition=ar -a since=2024-08-01 -a discover=sitemaps`` passes every
value as a string; this model parses and checks them all at once, and a bad value stops the
crawl before any request with a message that names the argument and says what is accepted.
The spider then writes the checked values into the settings (``NEWSCRAWL_EDITION``,
``NEWSCRAWL_SINCE``, … see :data:`SETTINGS`), where every component reads them through
:meth:`CrawlArgs.from_settings`; no component asks the spider.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from scrapy.settings import BaseSettings

from newscrawl.dates import as_utc, parse_iso
from newscrawl.discovery.classify import CrawlSite
from newscrawl.editions import EDITIONS


class Source(StrEnum):
    LISTINGS = "listings"
    SITEMAPS = "sitemaps"
    RSS = "rss"


DEFAULT_SOURCES: tuple[Source, ...] = (Source.LISTINGS, Source.SITEMAPS)

_SECTION_RE = re.compile(r"^[^\s/?#]+(/[^\s/?#]+)?$")


class ArgumentError(ValueError):
    """A spider argument has a bad value; the message says which and why."""


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def _given(value: Any) -> str | None:
    """The value as text, stripped; ``None`` when not given or blank."""
    text = "" if value is None else str(value).strip()
    return text or None


#: The setting each argument is copied to (``-s NEWSCRAWL_MODE=full`` works as ``-a mode=full``;
#: an ``-a`` argument wins over the setting).
SETTINGS: dict[str, str] = {
    "edition": "NEWSCRAWL_EDITION",
    "base_url": "NEWSCRAWL_BASE_URL",
    "sections": "NEWSCRAWL_SECTIONS",
    "since": "NEWSCRAWL_SINCE",
    "until": "NEWSCRAWL_UNTIL",
    "max_articles": "NEWSCRAWL_MAX_ARTICLES",
    "discover": "NEWSCRAWL_DISCOVER",
    "mode": "NEWSCRAWL_MODE",
    "reextract": "NEWSCRAWL_REEXTRACT",
    "every": "NEWSCRAWL_WATCH_EVERY",
}

#: Slack around the date window for the dates discovery pages give a link (a card's time may be
#: local time, a sitemap's is a modification time); the item's own date is judged exactly.
WINDOW_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """What part of the site a crawl keeps: a date window and sections.

    :meth:`excludes` is the one check of a date or a path against them, wherever one is judged
    (a listing card, a sitemap entry or month, an RSS item, the item itself, listing paging).
    """

    since: datetime | None = None
    until: datetime | None = None
    sections: tuple[str, ...] = ()
    slack: timedelta = WINDOW_SLACK

    @property
    def limited(self) -> bool:
        return bool(self.since or self.until or self.sections)

    def excludes(
        self,
        path: str | None = None,
        *,
        earliest: datetime | None = None,
        latest: datetime | None = None,
        exact: bool = False,
    ) -> Literal["window", "section"] | None:
        """Why something lies outside the scope (``"window"``, ``"section"``), or ``None``.

        The time is a span known to hold the publication: ``earliest`` = ``latest`` for a
        known time, ``latest`` alone for a modification time (published at or before it), a
        month for a monthly sitemap; an unknown bound is open, so unknown times are kept. The
        window is widened by ``slack`` unless ``exact`` (the item's own date). ``path`` is a
        site path, kept when it is a chosen section or under one (all, when none is chosen).
        """
        slack = timedelta(0) if exact else self.slack
        if self.since and latest and as_utc(latest) < self.since - slack:
            return "window"
        if self.until and earliest and as_utc(earliest) > self.until + slack:
            return "window"
        if path is not None and self.sections:
            key = path.strip("/").lower()
            if not any(key == s or key.startswith(s + "/") for s in self.sections):
                return "section"
        return None


class CrawlArgs(BaseModel):
    """What to crawl. Every field has a default: ``scrapy crawl almayadeen`` crawls everything
    the English edition publishes, from its listings and sitemaps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    edition: str = Field("en", title="Edition", description="en (default), ar or es.")
    base_url: str | None = Field(
        None,
        title="Base URL",
        description="Where to fetch the edition from: its live host by default; a replica or "
        "a mirror (http://127.0.0.1:8080). Records keep production URLs either way.",
    )
    sections: tuple[str, ...] = Field(
        (),
        title="Sections",
        description="Comma-separated section paths to keep, e.g. news/politics,articles; "
        "empty: all.",
    )
    since: datetime | None = Field(
        None, title="Since", description="Keep articles published at or after (date or UTC time)."
    )
    until: datetime | None = Field(
        None, title="Until", description="Keep articles published before (date: end of that day)."
    )
    max_articles: int | None = Field(
        None, ge=1, title="Max articles", description="Stop after this many records."
    )
    discover: tuple[Source, ...] = Field(
        DEFAULT_SOURCES,
        title="Discovery sources",
        description="Comma-separated: listings, sitemaps, rss (default listings,sitemaps).",
    )
    # -- incremental crawling (newscrawl.state) --
    mode: Literal["incremental", "full", "watch"] | None = Field(
        None,
        title="Mode",
        description="incremental: fetch and emit only what is new or changed since the last "
        "run, per the crawl state; full: fetch everything again and emit every article (new "
        "and changed ones with the next version); watch: an incremental pass, then keep "
        "running, polling what shows new and edited articles first every `every` seconds. "
        "Not given: incremental, except that a run with -o/-O is an export (the whole crawl "
        "into that file, without crawl state).",
    )
    every: float = Field(
        60.0,
        ge=1,
        title="Poll interval",
        description="Watch mode: seconds between two polls of the home page, section "
        "listings, RSS feed and sitemap index (default 60).",
    )

    # -- re-extraction from a web archive (newscrawl.archive) --
    reextract: str | None = Field(
        None,
        title="Re-extract from",
        description="A folder of WARC files (the output folder of crawls run with "
        "-s NEWSCRAWL_ARCHIVE=warc): read the archived article pages with the current reader, "
        "without the network, and emit the records whose content changed as their next version.",
    )

    @field_validator("reextract", mode="before")
    @classmethod
    def _reextract(cls, value: Any) -> str | None:
        text = _given(value)
        if text is None:
            return None
        if not Path(text).is_dir():
            raise ValueError(f"{text!r} is not a folder (of WARC files)")
        return text

    @field_validator("edition", mode="before")
    @classmethod
    def _edition(cls, value: Any) -> str:
        code = str(value).strip().lower()
        if code not in EDITIONS:
            raise ValueError(f"unknown edition {value!r}; use one of {', '.join(EDITIONS)}")
        return code

    @field_validator("base_url", mode="before")
    @classmethod
    def _base_url(cls, value: Any) -> str | None:
        text = _given(value)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{text!r} is not an http(s) URL such as http://127.0.0.1:8080")
        if parts.query or parts.fragment:
            raise ValueError(f"{text!r}: a base URL has no query or fragment")
        return text.rstrip("/")

    @field_validator("sections", mode="before")
    @classmethod
    def _sections(cls, value: Any) -> tuple[str, ...]:
        sections = tuple(part.strip("/").lower() for part in _split(value))
        for section in sections:
            if not _SECTION_RE.match(section):
                raise ValueError(f"{section!r} is not a section path such as news/politics")
        return sections

    @field_validator("discover", mode="before")
    @classmethod
    def _discover(cls, value: Any) -> tuple[Source, ...]:
        parts = _split(value)
        if not parts:
            raise ValueError("name at least one source: listings, sitemaps, rss")
        sources: list[Source] = []
        for part in parts:
            try:
                source = Source(part.lower())
            except ValueError:
                raise ValueError(
                    f"unknown source {part!r}; use listings, sitemaps and/or rss"
                ) from None
            if source not in sources:
                sources.append(source)
        return tuple(sources)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _when(cls, value: Any, info: Any) -> datetime | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return as_utc(value)
        if isinstance(value, date):
            value = value.isoformat()
        text = str(value).strip()
        moment = parse_iso(text)
        if moment is None:
            raise ValueError(
                f"{text!r} is not a date (2024-08-15) or a time (2024-08-15T10:00:00Z)"
            )
        if info.field_name == "until" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            # A day as the end of the window includes that whole day.
            moment = datetime.combine(moment.date(), time(23, 59, 59), tzinfo=UTC)
        return moment

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> str | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if text not in ("incremental", "full", "watch"):
            raise ValueError(f"unknown mode {value!r}; use incremental, full or watch")
        return text

    @field_validator("every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> float:
        try:
            return float(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a number of seconds") from None

    @field_validator("max_articles", mode="before")
    @classmethod
    def _max_articles(cls, value: Any) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(f"{value!r} is not a whole number of articles")
        return int(text)

    @model_validator(mode="after")
    def _check(self) -> CrawlArgs:
        if self.since and self.until and self.since > self.until:
            raise ValueError(
                f"since ({self.since:%Y-%m-%d %H:%M}) is after until ({self.until:%Y-%m-%d %H:%M})"
            )
        if self.reextract and self.mode == "full":
            raise ValueError(
                "reextract emits only the records whose content changed: it runs as "
                "mode=incremental, not full"
            )
        edition = EDITIONS[self.edition]
        if edition.sections:
            known = set(edition.groups) | set(edition.sections)
            unknown = [s for s in self.sections if s not in known]
            if unknown:
                raise ValueError(
                    f"unknown section(s) {', '.join(unknown)} for edition {self.edition}; "
                    f"known: {', '.join(sorted(known))}"
                )
        return self

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> CrawlArgs:
        """Validate spider ``-a`` arguments, raising ``ArgumentError`` with every problem."""
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "arguments"
                message = str(error["msg"]).removeprefix("Value error, ")
                if error["type"] == "extra_forbidden":
                    allowed = ", ".join(cls.model_fields)
                    message = f"unknown argument; the spider takes {allowed}"
                problems.append(f"{where}: {message}")
            raise ArgumentError("bad spider argument(s): " + "; ".join(problems)) from None

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlArgs:
        """The arguments as the spider copied them into ``settings`` (defaults where unset)."""
        return cls.parse(
            {name: settings[key] for name, key in SETTINGS.items() if settings.get(key) is not None}
        )

    def to_settings_values(self) -> dict[str, Any]:
        """Each argument as a setting holds it: times as ``…Z`` text, lists comma-separated."""
        values: dict[str, Any] = {}
        for name in SETTINGS:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif isinstance(value, tuple):
                value = ",".join(str(part) for part in value)
            values[name] = value
        return values

    def to_settings(self, settings: BaseSettings) -> None:
        """Copy the checked values into ``settings``, at command-line priority: what the
        spider was told is what every component reads."""
        for name, value in self.to_settings_values().items():
            settings.set(SETTINGS[name], value, priority="cmdline")

    @property
    def site(self) -> CrawlSite:
        """Where the crawl runs: the edition at ``base_url``."""
        return CrawlSite.of(self.edition, self.base_url)

    @property
    def scope(self) -> Scope:
        return Scope(self.since, self.until, self.sections)

    @property
    def limited(self) -> bool:
        """Whether the arguments limit the crawl to part of the site."""
        return self.scope.limited or self.max_articles is not None or self.reextract is not None
