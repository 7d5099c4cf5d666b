"""What every monitors' page shares: the read guard, SQL on our database, rendering, filters."""

from __future__ import annotations

import json
from typing import Any

from datasette.utils.asgi import Forbidden, Response

from core.domain import TOPICS, TRIAGE_STATUSES
from datasette_plugins import places, queries
from datasette_plugins.i18n import current_language
from datasette_plugins.state import get_state

TRIAGE_FILTERS = ("triage", "assignee")


async def guard_read(datasette: Any, request: Any) -> Response | None:
    """None if the visitor may read items; a redirect to the login page if anonymous."""
    state = get_state(datasette)
    try:
        await datasette.ensure_permissions(request.actor, [
            ("view-table", (state.db_name, "items")), ("view-database", state.db_name),
            "view-instance",
        ])
    except Forbidden:
        if request.actor is None:
            return Response.redirect(datasette.urls.path("/-/login"))
        raise
    return None


async def rows(datasette: Any, sql: str, params: dict | None = None) -> list[dict]:
    """Run read-only SQL on our database; rows as dicts."""
    db = datasette.get_database(get_state(datasette).db_name)
    result = await db.execute(sql, params or {})
    return [dict(r) for r in result.rows]


async def render(datasette: Any, request: Any, template: str, context: dict) -> Response:
    """Render one of our templates with the fields every page uses."""
    context = {"can_triage": bool(request.actor), "statuses": TRIAGE_STATUSES,
               "topics": TOPICS, "nm_lang": current_language.get(), **context}
    return Response.html(await datasette.render_template(template, context, request=request))


def json_list(raw: str | None) -> list:
    """A JSON list column as a list (empty when missing or malformed)."""
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def queue_filter(request: Any, args: Any = None) -> queries.QueueFilter:
    """The queue's filters from the query string (or a form); anonymous readers see all."""
    args = request.args if args is None else args
    untriaged = bool(request.actor) and args.get("show") != "all"
    flt = queries.QueueFilter.from_args(args, untriaged, places.search_groups())
    if not request.actor:  # who triaged what is itself a note: no triage filters
        for key in TRIAGE_FILTERS:
            flt.values.pop(key, None)
    return flt


async def searched(datasette: Any, flt: queries.QueueFilter) -> queries.QueueFilter:
    """`flt`, told whether its search matches many flagged items (see queries.DENSE)."""
    expression = flt.search_expression() if "q" in flt.values else None
    if expression:
        found = await rows(datasette, queries.DENSITY_SQL, {"q": expression})
        flt.dense = found[0]["n"] > queries.DENSE
    return flt


async def read_filter(datasette: Any, request: Any, args: Any = None) -> queries.QueueFilter:
    """queue_filter, ready to run: the search's plan chosen."""
    return await searched(datasette, queue_filter(request, args))


def place_list(raw: str | None) -> list[str]:
    """The `places` column of the queue SQL ('|'-joined) as a list."""
    return [p for p in (raw or "").split("|") if p]
