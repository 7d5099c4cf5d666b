"""The interface's language: Babel catalogues, the visitor's choice, dates in Asia/Almaty.

Catalogues are the `.po` files under `datasette_plugins/locale/` (domain `newsmon`), read with
Babel when first needed: a fresh checkout works without a compile step. The chosen language
lives in a cookie; `language_middleware` puts it in a context variable for the request, which
the templates' `{% trans %}`/`_()` and the Python views read through `gettext` below.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "newsmon"
LANGUAGES = ("ru", "kk", "en")
DEFAULT_LANGUAGE = "ru"
COOKIE = "newsmon_lang"
COOKIE_MAX_AGE = 400 * 86400  # browsers cap cookies at 400 days
ZONE = ZoneInfo("Asia/Almaty")

current_language: ContextVar[str] = ContextVar("newsmon_language", default=DEFAULT_LANGUAGE)


@cache
def translations(lang: str) -> Translations:
    """The catalogue of `lang`, compiled in memory from its .po file."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def chosen(lang: str | None) -> str:
    """`lang` if we speak it, else the default (Russian)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def gettext(message: str) -> str:
    return translations(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).npgettext(context, singular, plural, n)


def language_from_headers(headers: list[tuple[bytes, bytes]]) -> str:
    """The language cookie of an ASGI request, or the default."""
    for name, value in headers:
        if name.lower() == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is the client's problem, not ours
                continue
            if COOKIE in cookie:
                return chosen(cookie[COOKIE].value)
    return DEFAULT_LANGUAGE


def language_middleware(app: Any) -> Any:
    """ASGI wrapper: the request's language in `current_language` while it is handled."""
    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        token = current_language.set(language_from_headers(scope.get("headers") or []))
        try:
            await app(scope, receive, send)
        finally:
            current_language.reset(token)

    return wrapped


def install(env: Any) -> None:
    """Give a Jinja environment `{% trans %}`, `_()` and the label filters."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True,
                                  pgettext=pgettext, npgettext=npgettext)
    env.filters.update({
        "nm_when": when, "nm_day": day, "nm_topic": topic_name, "nm_status": status_name,
        "nm_lang_name": language_name, "nm_place": place_name,
    })
    env.globals["nm_zone"] = zone_label


def parse_time(value: str | None) -> datetime | None:
    """A stored ISO 8601 time (UTC when it has no offset), or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(value: str | None) -> str:
    """"2 дек. 2026, 09:30" in Almaty time and the visitor's language; the raw text if odd."""
    moment = parse_time(value)
    if moment is None:
        return value or ""
    return format_datetime(moment, "d MMM y, HH:mm", tzinfo=ZONE, locale=current_language.get())


def day(value: str | None) -> str:
    """"2 дек. 2026": the date in Almaty."""
    moment = parse_time(value)
    if moment is None:
        return (value or "")[:10]
    return format_date(moment.astimezone(ZONE), "d MMM y", locale=current_language.get())


def zone_label() -> str:
    """"время Алматы (UTC+5)": said once beside the times a page shows."""
    city = get_timezone_location(ZONE, locale=current_language.get(), return_city=True)
    offset = datetime.now(ZONE).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return gettext("%(city)s time (UTC%(offset)+d)") % {"city": city, "offset": hours}


def topic_name(topic: str) -> str:
    return pgettext("topic", topic)


def status_name(status: str | None) -> str:
    return pgettext("status", status or "new")


def language_name(lang: str | None) -> str:
    return pgettext("language", lang or "?")


def place_name(place: str) -> str:
    return pgettext("place", place)


def all_place_names(place: str) -> list[str]:
    """A place's name in every interface language (search spellings)."""
    return [translations(lang).pgettext("place", place) for lang in LANGUAGES]
