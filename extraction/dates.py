"""Dates as pages and feeds write them -> the one stored form (`core.clock`, UTC with a Z).

Feeds use RFC 822, pages ISO 8601 with or without a zone, Pangea's JSON-LD a space for the T
("2024-04-28 07:00:00Z"), some pages only a day. Everything becomes `YYYY-MM-DDTHH:MM:SSZ`:
a time without a zone is taken in `assume` (UTC unless the caller knows the outlet's zone),
a day alone is its midnight. Anything else, or an impossible year, is None, never an error.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from email.utils import parsedate_to_datetime

from core.clock import format_utc

_SPACE_T = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Years a news date can have; "0001-01-01" placeholders and typos are not dates.
MIN_YEAR, MAX_YEAR = 1990, 2100


def _parse(text: str) -> datetime | None:
    iso = _SPACE_T.sub(r"\1T\2", text).replace("Z", "+00:00").replace("z", "+00:00")
    if _DAY.match(iso):
        return datetime.combine(date.fromisoformat(iso), datetime.min.time())
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)  # RFC 822, as in RSS pubDate
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def to_utc_iso(value: object, assume: tzinfo = UTC) -> str | None:
    """`value` in the stored form, or None when it is not a plausible date."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = _parse(value.strip())
    except (ValueError, OverflowError):
        return None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=assume)
    try:
        return format_utc(moment)
    except (ValueError, OverflowError):
        return None


def day_of(stamp: str | None) -> date | None:
    """The UTC day of a stored timestamp, if any."""
    return date.fromisoformat(stamp[:10]) if stamp else None
