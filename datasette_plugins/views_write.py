"""Triage writes: one item (`/-/triage/<id>`), a selection (`/-/triage-bulk`), undo (`/-/undo`).

Only logged-in actors may write; Datasette's asgi-csrf rejects a POST whose `csrftoken`
field does not match the signed cookie before these views run.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from datasette_plugins import queries
from datasette_plugins.forms import Form, done, failed, posted_by_writer, wants_json
from datasette_plugins.i18n import gettext as _
from datasette_plugins.i18n import ngettext, status_name
from datasette_plugins.pages import queue_filter, read_filter, render
from datasette_plugins.params import parse_id
from datasette_plugins.state import get_state
from datasette_plugins.triage import TriageChange, TriageError, apply_change, undo_batch
from datasette_plugins.writes import WriteBusy, write_retrying


class TriageBusy(TriageError):
    """The database stayed locked; nothing saved (503; the visitor's note is echoed back)."""


def error_status(exc: TriageError) -> int:
    return 503 if isinstance(exc, TriageBusy) else 404 if str(exc) == "no such item" else 400


async def write(datasette: Any, fn: Any, note: str = "") -> Any:
    """Run `fn(conn)` in Datasette's write thread, in a short immediate transaction retried
    while a crawl or reclassify holds the database (TriageBusy, never a 500, if it stays
    locked)."""
    db = datasette.get_database(get_state(datasette).db_name)
    try:
        return await write_retrying(db, fn)
    except WriteBusy:
        echo = " " + _("Your note: %(note)s") % {"note": note} if note else ""
        raise TriageBusy(_("The database is busy (a crawl or reclassification is writing); "
                           "nothing was saved, please send again.") + echo) from None


def saved_message(changed: int, status: str) -> str:
    return ngettext("Saved: %(n)d item marked “%(status)s”.",
                    "Saved: %(n)d items marked “%(status)s”.", changed) % {
        "n": changed, "status": status_name(status)}


def local_item_path(value: str | None) -> str | None:
    """A "next item" address from the form, only if it is one of our item pages."""
    if value and value.startswith("/-/item/") and "//" not in value and "\\" not in value:
        return value
    return None


async def triage_one(datasette: Any, request: Any) -> Response:
    """POST /-/triage/<id>: status, note, assigned_to; "save and next" goes on to `next`."""
    if isinstance(posted := await posted_by_writer(request), Response):
        return posted
    actor_id, form = posted
    item_id = parse_id(request.url_vars["item_id"])
    if item_id is None:
        return failed(request, "no such item", 404)
    try:
        change = TriageChange.from_form(form, actor_id)
        changed = await write(datasette, lambda conn: apply_change(conn, [item_id], change),
                              change.note)
    except TriageError as exc:
        return failed(request, str(exc), error_status(exc))
    location = datasette.urls.path(f"/-/item/{item_id}")
    if form.get("action") == "save_next":
        location = local_item_path(form.get("next")) or datasette.urls.path(
            "/-/queue") + (f"?{form['back']}" if form.get("back") else "")
    return done(datasette, request, location,
                {"ok": True, "changed": changed, "status": change.status},
                saved_message(changed, change.status))


async def matching_ids(datasette: Any, request: Any, form: Form) -> list[int]:
    """Every queue item matching the form's filters (at most BULK_LIMIT + 1)."""
    flt = await read_filter(datasette, request, form)
    db = datasette.get_database(get_state(datasette).db_name)
    return [row[0] for row in (await db.execute(*queries.ids_sql(flt))).rows]


def back_to_queue(datasette: Any, request: Any, form: Form) -> str:
    query = urlencode(queue_filter(request, form).query_string())
    return datasette.urls.path("/-/queue") + (f"?{query}" if query else "")


async def triage_bulk(datasette: Any, request: Any) -> Response:
    """POST /-/triage-bulk: one change for the ticked items, or for every item matching the
    filters after a confirmation page that says how many."""
    if isinstance(posted := await posted_by_writer(request), Response):
        return posted
    actor_id, form = posted
    try:
        change = TriageChange.from_form(form, actor_id)
        if form.get("scope") == "all":
            item_ids = await matching_ids(datasette, request, form)
            if not form.get("confirm") and not wants_json(request):
                return await confirm_page(datasette, request, form, change, len(item_ids))
            if len(item_ids) > queries.BULK_LIMIT:
                raise TriageError(f"more than {queries.BULK_LIMIT} items: narrow the filters")
        else:
            ids = (parse_id(v) for v in form.getlist("item_id"))
            item_ids = [i for i in ids if i is not None]
        if form.get("stories"):  # Stories (issue #16): a queue row stands for its story
            from datasette_plugins.stories import expand_to_stories  # it imports this module

            item_ids = await expand_to_stories(datasette, item_ids, queries.BULK_LIMIT + 1)
        if not item_ids:
            raise TriageError("no items selected")
        if len(item_ids) > queries.BULK_LIMIT:
            raise TriageError(f"more than {queries.BULK_LIMIT} items")
        changed = await write(datasette, lambda conn: apply_change(conn, item_ids, change),
                              change.note)
    except TriageError as exc:
        return failed(request, str(exc), error_status(exc))
    message = saved_message(changed, change.status) + " " + _("To undo it, open History.")
    return done(datasette, request, back_to_queue(datasette, request, form),
                {"ok": True, "changed": changed, "status": change.status}, message)


async def confirm_page(datasette: Any, request: Any, form: Form, change: TriageChange,
                       count: int) -> Response:
    """"Mark N items as …?" with the same form fields and a confirm button."""
    fields = [(k, v) for k, values in form.multi.items() for v in values
              if k not in ("csrftoken", "confirm")]
    return await render(datasette, request, "newsmon_confirm.html", {
        "count": count, "too_many": count > queries.BULK_LIMIT, "fields": fields,
        "change": change, "bulk_limit": queries.BULK_LIMIT,
        "back": back_to_queue(datasette, request, form),
    })


async def undo(datasette: Any, request: Any) -> Response:
    """POST /-/undo: revert one batch of changes (items changed since are left alone)."""
    if isinstance(posted := await posted_by_writer(request), Response):
        return posted
    actor_id, form = posted
    batch = (form.get("batch") or "").strip()
    try:
        result = await write(datasette, lambda conn: undo_batch(conn, batch, actor_id))
    except TriageError as exc:
        return failed(request, str(exc), error_status(exc))
    message = ngettext("Undone: %(n)d item restored.", "Undone: %(n)d items restored.",
                       result.restored) % {"n": result.restored}
    if result.skipped:
        message += " " + ngettext(
            "%(n)d item was changed again since and was left as it is.",
            "%(n)d items were changed again since and were left as they are.",
            result.skipped) % {"n": result.skipped}
    return done(datasette, request, datasette.urls.path("/-/history"),
                {"ok": True, "restored": result.restored, "skipped": result.skipped,
                 "batch": result.batch}, message)
