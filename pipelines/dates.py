"""Normalise the date forms pages and feeds use into ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Pangea's JSON-LD writes "2024-04-28 07:00:00Z" (space, not T).
_SPACE_T = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})")


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 (UTC when the input carries a zone), or None when `value` is not a date."""
    if not value:
        return None
    text = _SPACE_T.sub(r"\1T\2", value.strip())
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)  # RFC 822, as in RSS pubDate
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        return parsed.isoformat() if len(text) > 10 else parsed.date().isoformat()
    return parsed.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
