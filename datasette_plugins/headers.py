"""Response hardening for every Datasette response: session cookie flags and browser headers.

Datasette 0.65 and datasette-auth-passwords set `ds_actor` without HttpOnly, so a script
injected through crawled content could read the session; triage buttons could be framed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]

SESSION_COOKIES = (b"ds_actor=",)
EXTRA_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


def harden_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` with HttpOnly on session cookies and the extra headers (never duplicated)."""
    out = []
    for name, value in headers:
        if (name.lower() == b"set-cookie" and value.startswith(SESSION_COOKIES)
                and b"httponly" not in value.lower()):
            value += b"; HttpOnly"
        out.append((name, value))
    present = {name.lower() for name, _ in out}
    out.extend((name, value) for name, value in EXTRA_HEADERS if name not in present)
    return out


def hardening_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI wrapper applying `harden_headers` to every HTTP response start."""
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return

        async def send_hardened(message: Message) -> None:
            if message.get("type") == "http.response.start":
                message["headers"] = harden_headers(list(message.get("headers") or []))
            await send(message)

        await app(scope, receive, send_hardened)

    return wrapped
