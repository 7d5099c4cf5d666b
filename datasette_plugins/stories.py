"""Stories in the workspace: the queue's one row per story, the item page's other reports, and
the writes on a story (triage of all its reports, split, merge), logged like triage.

Reads use the queue's own filters (`queries.QueueFilter`); writes run `stories.split/merge`
and `triage.apply_change` in Datasette's write thread, after the same login and CSRF checks as
the triage writes (`views_write`).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils
from datasette.utils.asgi import Response

from datasette_plugins import queries
from datasette_plugins.forms import Form, failed, posted_by_writer, wants_json
from datasette_plugins.i18n import gettext as _
from datasette_plugins.state import get_state
from datasette_plugins.triage import TriageChange, TriageError, apply_change
from datasette_plugins.writes import WriteBusy, write_retrying
from stories import DecisionError, merge, split

#: Reports listed per story in the queue and on the item page.
MEMBERS_SHOWN = 50
CHUNK = 200

MEMBERS_SQL = """
    SELECT i.id, i.story_id, i.title, i.source, i.lang, i.url, i.flagged,
           coalesce(i.published, i.fetched_at) AS sort_time,
           (SELECT status FROM triage t WHERE t.item_id = i.id) AS status
    FROM items i WHERE i.story_id IN (SELECT value FROM json_each(:stories))
    ORDER BY i.story_id, sort_time, i.id"""
STORY_OF_SQL = "SELECT id, story_id FROM items WHERE id IN (SELECT value FROM json_each(:ids))"
LINKS_SQL = """
    SELECT item_id, other_id, kind, score, explanation, shared, days FROM story_links
    WHERE item_id IN (SELECT value FROM json_each(:ids))
       OR other_id IN (SELECT value FROM json_each(:ids))"""
LOG_SQL = """
    SELECT action, item_id, story_id, other_story_id, items, note, updated_by, updated_at
    FROM story_log WHERE story_id = :story OR other_story_id = :story OR item_id = :item
    ORDER BY id DESC LIMIT 20"""


async def _rows(datasette: Any, sql: str, params: dict) -> list[dict]:
    db = datasette.get_database(get_state(datasette).db_name)
    return [dict(r) for r in (await db.execute(sql, params)).rows]


def summary(members: list[dict]) -> dict[str, Any]:
    """What a story row says: how many reports, from which outlets, in which languages."""
    return {"id": members[0]["story_id"], "count": len(members),
            "outlets": list(dict.fromkeys(m["source"] for m in members)),
            "languages": list(dict.fromkeys(m["lang"] for m in members if m["lang"])),
            "members": members[:MEMBERS_SHOWN]}


async def members_of(datasette: Any, story_ids: list[int]) -> dict[int, list[dict]]:
    """story id -> its reports, oldest first."""
    found: dict[int, list[dict]] = {}
    for row in await _rows(datasette, MEMBERS_SQL, {"stories": json.dumps(story_ids)}):
        found.setdefault(row["story_id"], []).append(row)
    return found


async def queue_page(datasette: Any, flt: queries.QueueFilter, limit: int, offset: int
                     ) -> tuple[list[dict], bool]:
    """One page of the queue as stories: for each, its newest matching report (the queue's
    columns) with `story`; and whether older stories follow. Walks the queue's own order."""
    wanted, start = offset + limit + 1, 0
    newest: dict[int, dict] = {}
    while len(newest) < wanted:
        found = await _rows(datasette, *queries.queue_sql(flt, CHUNK, start))
        story_of = dict((r["id"], r["story_id"]) for r in await _rows(
            datasette, STORY_OF_SQL, {"ids": json.dumps([r["id"] for r in found])}))
        for row in found:
            newest.setdefault(story_of.get(row["id"]) or row["id"], row)
        if len(found) < CHUNK:
            break
        start += CHUNK
    page = list(newest)[offset:offset + limit]
    members = await members_of(datasette, page)
    rows = [dict(newest[story], story=summary(members.get(story) or [
        {**newest[story], "story_id": story}])) for story in page]
    return rows, len(newest) > offset + limit


def count_sql(flt: queries.QueueFilter, cap: int = queries.COUNT_CAP) -> tuple[str, dict]:
    """How many stories have a report matching `flt`, counted up to `cap` + 1 (the queue says
    "more than" beyond it, as for items)."""
    where, params = flt.where()
    return (f"SELECT count(*) AS n FROM (SELECT DISTINCT i.story_id FROM items i "
            f"WHERE {where} LIMIT :_cap)", {**params, "_cap": cap + 1})


async def count(datasette: Any, flt: queries.QueueFilter) -> int:
    return (await _rows(datasette, *count_sql(flt)))[0]["n"]


async def item_panel(datasette: Any, item_id: int, logged_in: bool) -> dict[str, Any]:
    """The item page's story box: the other reports, why they were grouped, the log."""
    [own] = await _rows(datasette, STORY_OF_SQL, {"ids": json.dumps([item_id])})
    members = (await members_of(datasette, [own["story_id"]])).get(own["story_id"], [])
    panel = summary(members)
    ids = json.dumps([m["id"] for m in members])
    panel["others"] = [m for m in panel["members"] if m["id"] != item_id]
    panel["links"] = [dict(link, shared=json.loads(link["shared"] or "{}"))
                      for link in await _rows(datasette, LINKS_SQL, {"ids": ids})]
    panel["log"] = (await _rows(datasette, LOG_SQL, {"story": own["story_id"], "item": item_id})
                    if logged_in else [])
    return panel


async def _write(datasette: Any, fn: Any) -> Any:
    """`fn(conn)` in one immediate transaction on the write thread, retried while a crawl or
    reclassify holds the database (as triage saves are)."""
    db = datasette.get_database(get_state(datasette).db_name)
    try:
        return await write_retrying(db, fn)
    except WriteBusy:
        raise TriageError(_("The database is busy (a crawl or reclassification is writing); "
                            "nothing was saved, please send again.")) from None


def _done(datasette: Any, request: Any, item_id: int, payload: dict, message: str) -> Response:
    if wants_json(request):
        return Response.json({"ok": True, **payload})
    datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(datasette.urls.path(f"/-/item/{item_id}"))


async def _posted(request: Any) -> tuple[str, int, Form] | Response:
    """The writer, the item id in the path and the form; 403 for visitors, 405 for a GET."""
    if isinstance(posted := await posted_by_writer(request), Response):
        return posted
    actor_id, form = posted
    return actor_id, int(request.url_vars["item_id"]), form


async def split_view(datasette: Any, request: Any) -> Response:
    """POST /-/story/split/<item>: the item leaves its story (kept apart from then on)."""
    if isinstance(posted := await _posted(request), Response):
        return posted
    actor_id, item_id, form = posted
    note = (form.get("note") or "").strip()[:1000]
    try:
        rest = await _write(datasette, lambda conn: split(
            sqlite_utils.Database(conn), item_id, actor_id, note))
    except DecisionError as exc:
        return failed(request, str(exc), 404 if "no such" in str(exc) else 400)
    return _done(datasette, request, item_id, {"story_id": item_id, "rest": rest},
                 _("Split: this report is now a story of its own."))


async def merge_view(datasette: Any, request: Any) -> Response:
    """POST /-/story/merge/<item>: its story and the story of report `other` become one."""
    if isinstance(posted := await _posted(request), Response):
        return posted
    actor_id, item_id, form = posted
    other = (form.get("other") or "").strip().lstrip("#")
    if not other.isdigit():
        return failed(request, _("Give the number of a report or a story to merge with."))
    note = (form.get("note") or "").strip()[:1000]
    try:
        story = await _write(datasette, lambda conn: merge(
            sqlite_utils.Database(conn), item_id, int(other), actor_id, note))
    except DecisionError as exc:
        return failed(request, str(exc), 404 if "no such" in str(exc) else 400)
    return _done(datasette, request, item_id, {"story_id": story},
                 _("Merged: the two stories are one now."))


def triage_story(conn: Any, item_ids: list[int], change: TriageChange) -> int:
    """`change`'s status for every report; each keeps its own note and assignee unless the
    change brings one (a story's triage must not wipe what was written on one report)."""
    kept = {row[0]: (row[1] or "", row[2] or "") for row in conn.execute(
        "SELECT item_id, note, assigned_to FROM triage WHERE item_id IN "
        "(SELECT value FROM json_each(?))", [json.dumps(item_ids)])}
    groups: dict[tuple[str, str], list[int]] = {}
    for item_id in item_ids:
        note, assignee = kept.get(item_id, ("", ""))
        key = (change.note or note, change.assigned_to or assignee)
        groups.setdefault(key, []).append(item_id)
    return sum(apply_change(conn, ids, TriageChange(change.status, note, assignee,
                                                   change.updated_by))
               for (note, assignee), ids in groups.items())


async def triage_view(datasette: Any, request: Any) -> Response:
    """POST /-/story/triage/<item>: one triage status for every report of the item's story."""
    if isinstance(posted := await _posted(request), Response):
        return posted
    actor_id, item_id, form = posted
    [own] = await _rows(datasette, STORY_OF_SQL, {"ids": json.dumps([item_id])}) or [None]
    if own is None:
        return failed(request, "no such item", 404)
    members = (await members_of(datasette, [own["story_id"]]))[own["story_id"]]
    try:
        change = TriageChange.from_form(form, actor_id)
        changed = await _write(datasette, lambda conn: triage_story(
            conn, [m["id"] for m in members], change))
    except TriageError as exc:
        return failed(request, str(exc))
    return _done(datasette, request, item_id, {"changed": changed, "status": change.status},
                 _("Saved for every report of the story."))


async def expand_to_stories(datasette: Any, item_ids: list[int], limit: int) -> list[int]:
    """The ticked reports and the other reports of their stories (a queue row is a story)."""
    if not item_ids:
        return item_ids
    stories = {r["story_id"] for r in await _rows(
        datasette, STORY_OF_SQL, {"ids": json.dumps(item_ids)})}
    members = await members_of(datasette, sorted(stories))
    expanded = dict.fromkeys(item_ids)
    expanded.update(dict.fromkeys(m["id"] for group in members.values() for m in group))
    return list(expanded)[:limit]
