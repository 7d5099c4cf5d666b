"""Datasette's own search box on the items table, with the queue's search behaviour.

The folded index `items_search` is not linked to `items` the way Datasette looks for one
(content=items), so Datasette's built-in `_search` filter stays off for the table, and this
`filters_from_request` hook answers `?_search=` instead, with the same words -> FTS5
expression as the queue (store/search.py). Registered `trylast`, so the search box it turns
on is not turned off again by the built-in filter's answer.
"""

from __future__ import annotations

from typing import Any

from datasette.filters import FilterArguments

from datasette_plugins import places
from datasette_plugins.i18n import gettext as _
from datasette_plugins.state import get_state
from store import search

SEARCHABLE = "items"
CLAUSE = (f"rowid IN (SELECT rowid FROM {search.FTS_TABLE} "
          f"WHERE {search.FTS_TABLE} MATCH :newsmon_search)")


def search_filter(request: Any, database: str, table: str, datasette: Any) -> Any:
    """FilterArguments for `?_search=` on our items table; None elsewhere."""
    if table != SEARCHABLE or database != get_state(datasette).db_name:
        return None
    text = (request.args.get("_search") or "").strip()
    context = {"supports_search": True, "search": text}
    if not text:
        return FilterArguments([], extra_context=context)
    terms = search.parse(text, places.search_groups())
    expression = search.match_expression(terms)
    if expression is None:
        return FilterArguments(["0"], {}, [_("search finds no searchable word")], context)
    description = _("search matches “%(text)s” (as %(terms)s)") % {
        "text": text, "terms": expression}
    return FilterArguments([CLAUSE], {"newsmon_search": expression}, [description], context)
