"""Bad numbers in newsmon's own URLs get 400, never a 500.

Python's `str.isdigit` accepts "²" and "١", `int()` accepts any length, and SQLite refuses
integers past 2**63: each gap was a 500 on the queue, item and triage URLs. Every item id and
paging number of newsmon's pages is checked here, in one place, before a view runs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

ID = re.compile(r"[0-9]{1,18}")
MAX_INT64 = 2**63 - 1
#: Query parameters of newsmon's pages that are whole numbers when given.
NUMERIC_PARAMS = frozenset({"offset", "page", "limit", "size", "_size", "item_id", "id"})
OUR_PAGES = re.compile(r"^/(?:-/(?:queue|dashboard|triage-bulk|(?:item|triage)/[^/]*))?$")
ID_IN_PATH = re.compile(r"^/-/(?:item|triage)/([^/]*)$")

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def parse_id(text: str | None) -> int | None:
    """A row id or count written in ASCII digits and within SQLite's integers; else None."""
    if not text or not ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_INT64 else None


def problem(path: str, query_string: bytes) -> str | None:
    """Why a request to one of newsmon's pages is malformed, or None."""
    if not OUR_PAGES.match(path):
        return None
    if (match := ID_IN_PATH.match(path)) and parse_id(match[1]) is None:
        return f"not an item id: {match[1][:40]!r}"
    query = query_string.decode("latin-1")
    for key, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        if key in NUMERIC_PARAMS and value != "" and parse_id(value) is None:
            return f"{key} must be a whole number, not {value[:40]!r}"
    return None


def checked_params(app: ASGIApp) -> ASGIApp:
    """ASGI wrapper answering 400 for `problem` requests."""
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and (
                why := problem(scope.get("path", ""), scope.get("query_string", b""))):
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": f"Bad request: {why}\n".encode()})
            return
        await app(scope, receive, send)

    return wrapped
