"""Who is asking, settled once per request before Datasette sees it.

- `Authorization` headers are dropped: HTTP Basic would skip the login throttle and CSRF.
- A `ds_actor` cookie passes only while its server-side session is valid (unexpired, not
  revoked, user still configured with the same password); otherwise it is removed from the
  request, so Datasette sees an anonymous visitor, and the browser is told to forget it.
- `POST /-/logout` revokes the session before Datasette deletes the cookie.
- A Cookie header Python cannot parse is dropped rather than left to raise later.
- A request body over MAX_BODY is refused (413) or cut there: forms are read whole into memory.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette.utils.asgi import Request

from datasette_plugins.rowlinks import ANONYMOUS
from datasette_plugins.sessions import COOKIE
from datasette_plugins.state import get_state

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]
FORGET = f"{COOKIE}=; Max-Age=0; Path=/; SameSite=lax; HttpOnly".encode()
#: Bytes of a request body read at most (a triage form with a 10,000-character note and 500
#: ticked items is a few tens of kilobytes).
MAX_BODY = 1024 * 1024


def parse_cookies(scope: Scope) -> dict[str, str] | None:
    """Cookies exactly as Datasette will read them; None when the header cannot be parsed."""
    try:
        return Request(scope, None).cookies
    except Exception:  # noqa: BLE001 - http.cookies raises CookieError and others
        return None


def with_cookies(headers: list[tuple[bytes, bytes]], cookies: dict[str, str] | None
                 ) -> list[tuple[bytes, bytes]]:
    """`headers` with the Cookie header rebuilt from `cookies` (dropped when None or empty)."""
    kept = [(k, v) for k, v in headers if k.lower() != b"cookie"]
    if cookies:
        kept.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())
                     .encode("latin-1", "replace")))
    return kept


async def settle_actor(datasette: Any, scope: Scope) -> tuple[Scope, str | None, bool]:
    """The scope Datasette should see, the logged-in user (None: anonymous), and whether the
    browser's session cookie is stale."""
    headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"authorization"]
    scope = dict(scope, headers=headers)
    cookies = parse_cookies(scope)
    if cookies is None:
        return dict(scope, headers=with_cookies(headers, None)), None, False
    raw = cookies.get(COOKIE)
    if raw is None:
        return scope, None, False
    sessions = get_state(datasette).sessions
    if scope.get("method") == "POST" and scope.get("path") == "/-/logout":
        await sessions.revoke(raw)  # raises if it cannot: the visitor must not think it did
    try:
        user = await sessions.user_of(raw)
    except Exception:  # noqa: BLE001 - a session store problem must fail closed, not open
        logger.exception("session check failed; treating the visitor as anonymous")
        user = None
    if user is not None:
        return scope, user, False
    cookies = {k: v for k, v in cookies.items() if k != COOKIE}
    return dict(scope, headers=with_cookies(headers, cookies)), None, True


def declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else MAX_BODY + 1
    return 0


def bounded(receive: Any) -> Any:
    """`receive` that ends the body after MAX_BODY bytes (a chunked upload without a length)."""
    seen = 0

    async def receive_bounded() -> MutableMapping[str, Any]:
        nonlocal seen
        if seen > MAX_BODY:
            return {"type": "http.request", "body": b"", "more_body": False}
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                return {"type": "http.request", "body": b"", "more_body": False}
        return message

    return receive_bounded


async def plain(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


def session_gate(datasette: Any, app: ASGIApp) -> ASGIApp:
    """ASGI wrapper: settle the actor, and make the browser forget a dead session cookie."""
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        if declared_length(scope) > MAX_BODY:
            await plain(send, 413, b"Request body too large.\n")
            return
        try:
            scope, user, stale = await settle_actor(datasette, scope)
        except Exception:  # noqa: BLE001 - only a logout whose revocation failed gets here
            logger.exception("logout could not revoke the session")
            await plain(send, 503, b"Could not log out (the database is busy); try again.\n")
            return
        ANONYMOUS.set(user is None)

        async def send_forgetting(message: MutableMapping[str, Any]) -> None:
            if stale and message.get("type") == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k.lower() == b"set-cookie" and v.startswith(COOKIE.encode() + b"=")
                           for k, v in headers):
                    headers.append((b"set-cookie", FORGET))
                message["headers"] = headers
            await send(message)

        await app(scope, bounded(receive), send_forgetting)

    return wrapped
