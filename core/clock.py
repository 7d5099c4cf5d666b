"""One clock and one timestamp form: every time newsmon writes is `YYYY-MM-DDTHH:MM:SSZ` (UTC).

One form everywhere means timestamps sort correctly as text in SQLite, compare across
tables, and parse back with `parse_utc` whatever wrote them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> str:
    """Now, in the one timestamp form."""
    return format_utc(datetime.now(UTC))


def now() -> datetime:
    """Now as an aware UTC datetime (for arithmetic; store it with `format_utc`)."""
    return datetime.now(UTC)


def format_utc(moment: datetime) -> str:
    """An aware datetime in the one timestamp form; a naive one is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def parse_utc(value: str) -> datetime:
    """Any ISO 8601 form newsmon ever wrote (Z, +00:00, naive = UTC, date only) -> aware UTC."""
    text = value.strip().replace("Z", "+00:00")
    moment = (datetime.combine(date.fromisoformat(text), datetime.min.time())
              if len(text) == 10 else datetime.fromisoformat(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
