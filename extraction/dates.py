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


# --- Days as listings write them --------------------------------------------------------------
# Pangea listings write "28 апреля 2024", "April 28, 2024", "28 сәуір 2024"; bureau.kz-style
# WordPress themes "26.05.2025". A table of month stems (measured against dateparser in
# docs/sources.md: the same answers on the listing forms, ~100x faster, no language guessing).

#: Month-name stems -> month number. Russian and Kazakh (Cyrillic and 2021 Latin), English.
MONTH_STEMS: dict[str, int] = {
    **{stem: n for n, stem in enumerate(
        ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"), 1)},
    **{stem: n for n, stem in enumerate(
        ("қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там", "қыр", "қаз", "қар", "жел"), 1)},
    **{stem: n for n, stem in enumerate(
        ("qań", "aqp", "naý", "sáý", "mam", "maý", "shil", "tam", "qyr", "qaz", "qar", "jel"), 1)},
    **{stem: n for n, stem in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
}
#: Russian "май/мая/мае" is the only two-letter stem; these words must not take it.
_NOT_MAY = ("мам", "мау", "мар")
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY_DAY = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_TOKEN = re.compile(r"\d{1,4}|[^\W\d_]+")


def _month(word: str) -> int | None:
    word = word.lower()
    if len(word) < 3:
        return None
    for size in (4, 3):
        if (n := MONTH_STEMS.get(word[:size])) is not None:
            return n
    if word[:2] == "ма" and not word.startswith(_NOT_MAY) and word[2] in "йяе":
        return 5
    return None


def _safe_day(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _named_day(text: str) -> date | None:
    """`28 апреля 2024`, `April 28, 2024`, `2024 жылғы 28 сәуір`: a month word with a day
    and a year next to it (names like "Марат" near unrelated numbers are not dates)."""
    tokens = _TOKEN.findall(text)
    for index, token in enumerate(tokens):
        month = None if token.isdigit() else _month(token)
        if month is None:
            continue
        near = sorted((abs(i - index), t) for i, t in enumerate(tokens) if t.isdigit())
        years = [int(t) for gap, t in near if len(t) == 4 and gap <= 3]
        days = [int(t) for gap, t in near if len(t) <= 2 and 1 <= int(t) <= 31 and gap <= 2]
        if years and days:
            return _safe_day(years[0], month, days[0])
    return None


def parse_day(text: str) -> date | None:
    """The day a listing shows (ISO, dd.mm.yyyy or a month name in ru/kk/en), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    if match := _ISO_DAY.search(text):
        return _safe_day(*map(int, match.groups()))
    if match := _DMY_DAY.search(text):
        day, month, year = map(int, match.groups())
        return _safe_day(year, month, day)
    return _named_day(text)
