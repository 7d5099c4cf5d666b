"""Triage writes: one item (`/-/triage/<id>`) or a filtered selection (`/-/triage-bulk`).

Only logged-in actors may write; Datasette's asgi-csrf rejects a POST whose `csrftoken`
field does not match the signed cookie before these views run.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette.utils.asgi import Forbidden, Response

from datasette_plugins import queries
from datasette_plugins.state import get_state
from datasette_plugins.triage import TriageChange, TriageError, apply_change


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


async def write(datasette: Any, item_ids: list[int], change: TriageChange) -> int:
    """Apply `change` in Datasette's write thread."""
    db = datasette.get_database(get_state(datasette).db_name)
    return await db.execute_write_fn(lambda conn: apply_change(conn, item_ids, change))


def wants_json(request: Any) -> bool:
    return "application/json" in request.headers.get("accept", "")


def done(datasette: Any, request: Any, location: str, payload: dict) -> Response:
    """JSON for scripts, else a redirect back with a flash message."""
    if wants_json(request):
        return Response.json(payload)
    datasette.add_message(request, f"Saved: {payload['changed']} item(s) marked "
                                   f"{payload['status']}", datasette.INFO)
    return Response.redirect(location)


def failed(request: Any, message: str, status: int = 400) -> Response:
    if wants_json(request):
        return Response.json({"ok": False, "error": message}, status=status)
    return Response.text(message, status=status)


async def triage_one(datasette: Any, request: Any) -> Response:
    """POST /-/triage/<id>: status, note, assigned_to for one item."""
    actor_id = require_writer(request)
    if request.method != "POST":
        return failed(request, "POST only", 405)
    item_id = int(request.url_vars["item_id"])
    form = Form(await request.post_body())
    try:
        change = TriageChange.from_form(form, actor_id)
        changed = await write(datasette, [item_id], change)
    except TriageError as exc:
        return failed(request, str(exc), 404 if str(exc) == "no such item" else 400)
    location = datasette.urls.path(f"/-/item/{item_id}")
    return done(datasette, request, location,
                {"ok": True, "changed": changed, "status": change.status})


async def selected_ids(datasette: Any, form: Form) -> list[int]:
    """Ticked `item_id` boxes, or with scope=all every queue item matching the filters."""
    if form.get("scope") == "all":
        flt = queries.QueueFilter.from_args(form, untriaged=form.get("show") != "all")
        db = datasette.get_database(get_state(datasette).db_name)
        result = await db.execute(*queries.ids_sql(flt))
        return [row[0] for row in result.rows]
    return [int(v) for v in form.getlist("item_id") if v.isdigit()][: queries.BULK_LIMIT]


async def triage_bulk(datasette: Any, request: Any) -> Response:
    """POST /-/triage-bulk: one change for the ticked items or the whole filtered queue."""
    actor_id = require_writer(request)
    if request.method != "POST":
        return failed(request, "POST only", 405)
    form = Form(await request.post_body())
    try:
        change = TriageChange.from_form(form, actor_id)
        item_ids = await selected_ids(datasette, form)
        if form.get("stories"):  # Stories (issue #16): a queue row stands for its story
            from datasette_plugins.stories import expand_to_stories  # it imports this module

            item_ids = await expand_to_stories(datasette, item_ids, queries.BULK_LIMIT)
        if not item_ids:
            raise TriageError("no items selected")
        changed = await write(datasette, item_ids, change)
    except TriageError as exc:
        return failed(request, str(exc))
    back = {k: form[k] for k in (*queries.FILTER_KEYS, "show") if form.get(k)}
    location = datasette.urls.path("/-/queue") + ("?" + urlencode(back) if back else "")
    return done(datasette, request, location,
                {"ok": True, "changed": changed, "status": change.status})
