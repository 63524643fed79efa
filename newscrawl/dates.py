"""The one ISO 8601 reader for machine-written times: arguments, settings, sitemaps, cards,
feeds, the crawl state and records.

Dates as pages *show* them (bylines in local time, Arabic month names) are read by the
normalizers (``newscrawl.normalize.processors.parse_datetime``); this is for the times programs
write (``2024-08-15T10:00:00Z``, ``2024-08-15T13:00:00+03:00``, ``2024-08-15``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def as_utc(moment: datetime) -> datetime:
    """An aware UTC ``datetime``; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_iso(value: str | datetime | date | None) -> datetime | None:
    """An ISO 8601 time (``Z`` or an offset; naive means UTC) or date (its midnight, UTC) as
    an aware UTC ``datetime``; ``None`` when absent, blank or unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = value.strip()
    if not text:
        return None
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        return None


def month_span(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of a month and of the next one, UTC."""
    return (
        datetime(year, month, 1, tzinfo=UTC),
        datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC),
    )
