"""Datasette's own search box on the items table, with the queue's search behaviour.

The folded index `items_search` is not linked to `items` the way Datasette looks for one
(content=items), so Datasette's built-in `_search` filter stays off for the table, and this
`filters_from_request` hook answers `?_search=` instead, with the same words -> FTS5
expression as the queue (store/search.py). Registered `trylast`, so the search box it turns
on is not turned off again by the built-in filter's answer.

Speed at a million items: Datasette counts every match and computes its facets over all of
them on each page (seconds for a common word). A plain search (no other filter, default
order) therefore looks at the newest TABLE_CAP matches, which are exactly the rows the first
pages show, and says so when there are more; with a filter or another sort order, all
matches are searched, so a filter never hides an older match.
"""

from __future__ import annotations

from typing import Any

from datasette.filters import FilterArguments

from datasette_plugins import places
from datasette_plugins.i18n import gettext as _
from datasette_plugins.state import get_state
from store import search

SEARCHABLE = "items"
TABLE_CAP = 1000
MATCH = f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH :newsmon_search"
CLAUSE = f"rowid IN ({MATCH})"
CAPPED_CLAUSE = f"rowid IN ({MATCH} ORDER BY rowid DESC LIMIT {TABLE_CAP})"
CAP_CHECK = f"SELECT count(*) FROM ({MATCH} LIMIT {TABLE_CAP + 1})"
# Arguments that only shape the page, not which rows match.
PAGE_ARGS = frozenset({"_search", "_next", "_size", "_facet", "_facet_array", "_facet_date",
                       "_col", "_nocol", "_labels", "_nolabels", "_shape", "_json",
                       "_nocount", "_nofacet", "_nosuggest", "_trace", "_timelimit"})


def plain_search(args: Any) -> bool:
    """True when the request is a search in the table's own order, with no other filter."""
    sort_desc = args.get("_sort_desc")
    for key in args:
        if key in ("_sort_desc",) and sort_desc == "id":
            continue
        if key not in PAGE_ARGS:
            return False
    return True


def search_filter(request: Any, database: str, table: str, datasette: Any) -> Any:
    """FilterArguments for `?_search=` on our items table; None elsewhere."""
    if table != SEARCHABLE or database != get_state(datasette).db_name:
        return None
    text = (request.args.get("_search") or "").strip()
    context = {"supports_search": True, "search": text}
    if not text:
        return FilterArguments([], extra_context=context)
    expression = search.match_expression(search.parse(text, places.search_groups()))
    if expression is None:
        return FilterArguments(["0"], {}, [_("search finds no searchable word")], context)
    params = {"newsmon_search": expression}
    description = _("search matches “%(text)s” (as %(terms)s)") % {
        "text": text, "terms": expression}
    if not plain_search(request.args):
        return FilterArguments([CLAUSE], params, [description], context)

    async def capped() -> FilterArguments:
        db = datasette.get_database(database)
        found = (await db.execute(CAP_CHECK, params)).rows[0][0]
        notes = [description]
        if found > TABLE_CAP:
            notes.append(_("the newest %(n)s matches: add a filter or a word to search "
                           "all of them") % {"n": TABLE_CAP})
        return FilterArguments([CAPPED_CLAUSE], params, notes, context)

    return capped()
