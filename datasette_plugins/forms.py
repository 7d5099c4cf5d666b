"""What every write view shares: the POSTed form, the logged-in writer, and the answer
(JSON for scripts, a redirect with a message or a plain-text error for the browser)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from datasette.utils.asgi import Forbidden, Response


class Form(dict):
    """POSTed fields: first value by `get`, all values by `getlist`."""

    def __init__(self, body: bytes) -> None:
        self.multi = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        super().__init__({k: v[0] for k, v in self.multi.items()})

    def getlist(self, key: str) -> list[str]:
        return self.multi.get(key, [])


def require_writer(request: Any) -> str:
    """The logged-in actor's id; 403 for anonymous visitors."""
    actor_id = (request.actor or {}).get("id")
    if not actor_id:
        raise Forbidden("Log in to triage items")
    return str(actor_id)


async def posted_by_writer(request: Any) -> tuple[str, Form] | Response:
    """The logged-in writer and the POSTed form; 403 for visitors, a 405 answer for a GET."""
    actor_id = require_writer(request)
    if request.method != "POST":
        return failed(request, "POST only", 405)
    return actor_id, Form(await request.post_body())


def wants_json(request: Any) -> bool:
    return "application/json" in request.headers.get("accept", "")


def done(datasette: Any, request: Any, location: str, payload: dict, message: str) -> Response:
    """JSON for scripts, else a redirect with a flash message."""
    if wants_json(request):
        return Response.json(payload)
    datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(location)


def failed(request: Any, message: str, status: int = 400) -> Response:
    if wants_json(request):
        return Response.json({"ok": False, "error": message}, status=status)
    return Response.text(message, status=status)
