"""The words and dates of a digest in each label language (ru, kk, en).

The words live in Babel catalogues, `alerts/locale/<lang>/LC_MESSAGES/digest.po`, one
message per key below (a topic id, a re-check outcome, or a phrase such as "heading");
they are read from the .po files when first needed, so a checkout needs no compile step.
Dates are formatted by Babel in the digest's time zone (Asia/Almaty by default).
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "digest"
LANGUAGES = ("ru", "kk", "en")
KEYS = (
    "torture", "art405", "detention", "count", "heading", "source", "date", "language",
    "topics", "original", "in_newsmon", "heading_notices", "notices", "removed", "edited",
    "rechecked", "outcome", "footer_file", "footer_table", "footer_stop", "zone",
    "story_reports", "story_updates", "story_update", "story_update_of", "story_updates_count",
)


@cache
def catalogue(lang: str) -> Translations:
    """The digest catalogue of `lang`, compiled in memory from its .po file."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def label(lang: str, key: str) -> str:
    """The word for `key` in `lang`; a key without a message (a new topic) shows its id."""
    return catalogue(lang).gettext(key)


def short_date(lang: str, when: datetime) -> str:
    """"21 Nov" / "21 нояб." / "21 қар.": the subject's date."""
    return format_date(when, "d MMM", locale=lang)


def local_time(lang: str, moment: datetime, zone: datetime) -> str:
    """"2 дек. 2026, 09:30 (время Алматы, UTC+5)": `moment` in the zone of `zone`."""
    tz = zone.tzinfo
    text = format_datetime(moment, "d MMM y, HH:mm", tzinfo=tz, locale=lang)
    offset = moment.astimezone(tz).utcoffset()
    hours = offset.total_seconds() / 3600 if offset else 0
    city = get_timezone_location(tz, locale=lang, return_city=True)
    utc = f"UTC{hours:+g}" if hours else "UTC"
    return f"{text} ({label(lang, 'zone').format(city=city, utc=utc)})"
