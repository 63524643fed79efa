"""The spider's arguments as one validated model.

``scrapy crawl almayadeen -a edition=ar -a since=2024-08-01 -a discover=sitemaps`` passes every
value as a string; this model parses and checks them all at once, and a bad value stops the
crawl before any request with a message that names the argument and says what is accepted.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


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
    mode: Literal["incremental", "full"] | None = Field(
        None,
        title="Mode",
        description="incremental: fetch and emit only what is new or changed since the last "
        "run, per the crawl state; full: fetch everything again and emit every article (new "
        "and changed ones with the next version). Not given: incremental, except that a run "
        "with -o/-O is an export (the whole crawl into that file, without crawl state).",
    )

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
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
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
            return _to_utc(value)
        if isinstance(value, date):
            value = value.isoformat()
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                day = date.fromisoformat(text)
                moment = datetime.combine(day, time(), tzinfo=UTC)
                if info.field_name == "until":
                    # A day as the end of the window includes that whole day.
                    moment = moment.replace(hour=23, minute=59, second=59)
                return moment
            return _to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            raise ValueError(
                f"{text!r} is not a date (2024-08-15) or a time (2024-08-15T10:00:00Z)"
            ) from None

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> str | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if text not in ("incremental", "full"):
            raise ValueError(f"unknown mode {value!r}; use incremental or full")
        return text

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

    def in_window(self, moment: datetime | None, slack: timedelta = timedelta(0)) -> bool:
        """Whether a time falls in [since - slack, until + slack]; unknown times are kept."""
        if moment is None:
            return True
        moment = _to_utc(moment)
        if self.since and moment < self.since - slack:
            return False
        return not (self.until and moment > self.until + slack)

    def wants_path(self, path: str) -> bool:
        """Whether an article path is inside the chosen sections (all when none chosen)."""
        if not self.sections:
            return True
        key = path.strip("/").lower()
        return any(key == s or key.startswith(s + "/") for s in self.sections)
