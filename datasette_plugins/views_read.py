"""The monitors' pages: the triage queue (landing page) and one item."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import sqlite_utils
from datasette.utils.asgi import NotFound, Response

from datasette_plugins import places, queries, stories
from datasette_plugins.highlight import evidence_matches, highlight, paragraphs
from datasette_plugins.i18n import place_name
from datasette_plugins.pages import guard_read, json_list, place_list, read_filter, render, rows
from datasette_plugins.state import get_state
from evidence.history import history as evidence_history

PLACES_SQL = "SELECT DISTINCT value FROM item_entities WHERE kind = 'place'"


async def filter_options(datasette: Any) -> dict[str, list[str]]:
    """The values each filter's drop-down offers."""
    options = {k: [next(iter(r.values())) for r in await rows(datasette, sql)]
               for k, sql in queries.FACET_SQL.items()}
    found = {places.region(r["value"]) for r in await rows(datasette, PLACES_SQL)}
    options["region"] = sorted(found, key=place_name)
    known = set(get_state(datasette).users)
    options["assignee"] = sorted(known | set(options["assignee"]))
    return options


async def queue_view(datasette: Any, request: Any) -> Response:
    """Flagged items (not yet triaged, by default), newest first, filterable and searchable."""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    flt = await read_filter(datasette, request)
    if not request.actor:  # the model learnt from triage decisions: monitors only
        flt.values.pop("model", None)
    offset_arg = request.args.get("offset") or "0"
    offset = int(offset_arg) if offset_arg.isdigit() else 0
    # Stories (issue #16): one row per story, its newest matching report leading
    # (datasette_plugins/stories.py walks the queue's own order and filters).
    items, has_older = await stories.queue_page(datasette, flt, queries.PAGE_SIZE, offset)
    terms = flt.terms()
    for item in items:
        item["topic_list"] = json_list(item.get("topics"))
        item["place_list"] = place_list(item.get("places"))
        item["title_html"] = highlight(item.get("title"), [], terms)
        item["link"] = item_link(datasette, item["id"], flt)
    total = await stories.count(datasette, flt)
    query = flt.query_string()
    return await render(datasette, request, "newsmon_queue.html", {
        "items": items, "total": min(total, queries.COUNT_CAP),
        "more": total > queries.COUNT_CAP, "filters": flt.values, "untriaged": flt.untriaged,
        "options": await filter_options(datasette), "offset": offset,
        "page_size": queries.PAGE_SIZE, "has_older": has_older,
        "query": query, "query_string": urlencode(query), "bulk_limit": queries.BULK_LIMIT,
        "users": sorted(get_state(datasette).users),
    })


def item_link(datasette: Any, item_id: int, flt: queries.QueueFilter) -> str:
    """The item page, carrying the queue's filters (for highlights, next and previous)."""
    query = urlencode(flt.query_string())
    return datasette.urls.path(f"/-/item/{item_id}") + (f"?{query}" if query else "")


async def evidence_trail(datasette: Any, item_id: int) -> list[dict]:
    """Kept versions and re-checks of the item (newsmon recheck), oldest first."""
    def read(conn: Any) -> list[dict]:
        db = sqlite_utils.Database(conn)
        if "snapshots" not in db.table_names():
            return []
        return evidence_history(db, item_id)

    return await datasette.get_database(get_state(datasette).db_name).execute_fn(read)


async def neighbours(datasette: Any, flt: queries.QueueFilter, item: dict) -> dict[str, str]:
    """Links to the previous (newer) and next (older) item of the same filtered queue."""
    links = {}
    for name, newer in (("prev", True), ("next", False)):
        sql, params = queries.neighbour_sql(flt, item["sort_time"] or "", item["id"], newer)
        found = await rows(datasette, sql, params)
        if found:
            links[name] = item_link(datasette, found[0]["id"], flt)
    return links


async def item_view(datasette: Any, request: Any) -> Response:
    """One item: text with evidence and search hits highlighted, topics, entities, triage."""
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
    flt = await read_filter(datasette, request)
    terms = flt.terms()
    triage, history = None, []
    if request.actor:
        triage = next(iter(await rows(datasette, queries.TRIAGE_SQL, params)), None)
        history = await rows(datasette, queries.HISTORY_SQL, params)
    return await render(datasette, request, "newsmon_item.html", {
        "item": item, "topics": topics, "title_html": highlight(item.get("title"), [], terms),
        "paragraphs": paragraphs(item.get("text"), phrases, terms),
        "entities": await rows(datasette, queries.ENTITIES_SQL, params),
        "triage": triage, "history": history,
        "evidence": await evidence_trail(datasette, int(item["id"])),
        # Stories (issue #16): the other reports of its story, split and merge.
        "story": await stories.item_panel(datasette, int(item["id"]), bool(request.actor)),
        "authors": ", ".join(str(a) for a in json_list(item.get("authors"))),
        "nav": await neighbours(datasette, flt, item), "query": flt.query_string(),
        "queue_link": datasette.urls.path("/-/queue") + "?" + urlencode(flt.query_string()),
        "users": sorted(get_state(datasette).users),
    })
