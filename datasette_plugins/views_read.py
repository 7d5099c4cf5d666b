"""The monitors' pages: the triage queue (landing page), one item, and the dashboard."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils
from datasette.utils.asgi import Forbidden, NotFound, Response

from core.domain import TRIAGE_STATUSES
from datasette_plugins import charts, queries
from datasette_plugins.highlight import evidence_matches, paragraphs
from datasette_plugins.state import get_state
from evidence.history import history as evidence_history


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
    context = {"can_triage": bool(request.actor), "statuses": TRIAGE_STATUSES, **context}
    return Response.html(await datasette.render_template(template, context, request=request))


def json_list(raw: str | None) -> list:
    """A JSON list column as a list (empty when missing or malformed)."""
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


async def queue_view(datasette: Any, request: Any) -> Response:
    """Flagged items not yet triaged, newest first, filterable and searchable."""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    # Anonymous readers see all flagged items: which ones were triaged is itself a note.
    untriaged = bool(request.actor) and request.args.get("show") != "all"
    flt = queries.QueueFilter.from_args(request.args, untriaged=untriaged)
    if not request.actor:  # learning (issue 17): the model learnt from triage; monitors only
        flt.values.pop("model", None)
    offset_arg = request.args.get("offset") or "0"
    offset = int(offset_arg) if offset_arg.isdigit() else 0
    items = await rows(datasette, *queries.queue_sql(flt, offset=offset))
    for item in items:
        item["topic_list"] = json_list(item.get("topics"))
    total = (await rows(datasette, *queries.count_sql(flt)))[0]["count(*)"]
    options = {k: [next(iter(r.values())) for r in await rows(datasette, sql)]
               for k, sql in queries.FACET_SQL.items()}
    return await render(datasette, request, "newsmon_queue.html", {
        "items": items, "total": total, "filters": flt.values, "options": options,
        "offset": offset, "page_size": queries.PAGE_SIZE, "untriaged": untriaged,
        "bulk_limit": queries.BULK_LIMIT,
    })


async def evidence_trail(datasette: Any, item_id: int) -> list[dict]:
    """Kept versions and re-checks of the item (newsmon recheck), oldest first."""
    def read(conn: Any) -> list[dict]:
        db = sqlite_utils.Database(conn)
        if "snapshots" not in db.table_names():
            return []
        return evidence_history(db, item_id)

    return await datasette.get_database(get_state(datasette).db_name).execute_fn(read)


async def item_view(datasette: Any, request: Any) -> Response:
    """One item: text with evidence highlighted, topics, entities, triage and its history."""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    params = {"id": request.url_vars["item_id"]}
    found = await rows(datasette, queries.ITEM_SQL, params)
    if not found:
        raise NotFound("No such item")
    item = found[0]
    # A crawled href could be javascript:; only web links become links.
    url = item.get("url") or ""
    item["link"] = url if url.startswith(("http://", "https://")) else None
    topics = await rows(datasette, queries.TOPICS_SQL, params)
    for topic in topics:
        topic["evidence_list"] = json_list(topic.get("evidence"))
    phrases = evidence_matches(t["evidence"] for t in topics)
    triage, history = None, []
    if request.actor:
        triage = next(iter(await rows(datasette, queries.TRIAGE_SQL, params)), None)
        history = await rows(datasette, queries.HISTORY_SQL, params)
    return await render(datasette, request, "newsmon_item.html", {
        "item": item, "topics": topics, "paragraphs": paragraphs(item.get("text"), phrases),
        "entities": await rows(datasette, queries.ENTITIES_SQL, params),
        "triage": triage, "history": history,
        "evidence": await evidence_trail(datasette, int(item["id"])),
        "authors": ", ".join(str(a) for a in json_list(item.get("authors"))),
    })


async def dashboard_data(datasette: Any) -> tuple[list[dict], list[dict]]:
    """Weekly and regional counts, recomputed only when the data has changed.

    The two aggregates cost about half a second at a million items; the version query that
    decides whether they are still valid costs microseconds.
    """
    version = tuple((await rows(datasette, queries.DASHBOARD_VERSION_SQL))[0].values())
    cached = getattr(datasette, "_newsmon_dashboard", None)
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    weekly = await rows(datasette, queries.WEEKLY_SQL)
    regions = await rows(datasette, queries.REGION_SQL, {"_limit": 20})
    datasette._newsmon_dashboard = (version, weekly, regions)
    return weekly, regions


async def dashboard_view(datasette: Any, request: Any) -> Response:
    """Flagged items per week by topic, and per region, as inline SVG bars."""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    weekly, regions = await dashboard_data(datasette)
    return await render(datasette, request, "newsmon_dashboard.html", {
        "weeks": charts.stacked_bars(weekly), "regions": charts.simple_bars(regions, "region"),
        "colours": charts.TOPIC_COLOURS, "bar_width": charts.BAR_WIDTH,
    })
