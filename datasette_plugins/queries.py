"""The queue's query builder: filters from the URL -> SQL for the page, counts, bulk and export.

Parameters only, never user input in the SQL text: each filter adds one fixed clause from
FILTERS and its value travels as a named parameter. A future grouping (one row per story)
adds a builder beside `queue_sql`; the filters stay the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core.domain import TRIAGE_STATUSES
from datasette_plugins import places
from store import search

WHEN = "coalesce(i.published, i.fetched_at)"
# Each filter adds one fixed clause; the value always travels as a named parameter.
FILTERS = {
    "topic": "i.id IN (SELECT item_id FROM item_topics WHERE topic = :topic)",
    "source": "i.source = :source",
    "lang": "i.lang = :lang",
    "region": "i.id IN (SELECT item_id FROM item_entities WHERE kind = 'place' "
              "AND value IN (SELECT value FROM json_each(:region)))",
    "place": "i.id IN (SELECT item_id FROM item_entities WHERE kind = 'place' "
             "AND value = :place)",
    "person": "i.id IN (SELECT item_id FROM item_entities WHERE kind = 'person' "
              "AND value = :person)",
    # Not "status": a bulk form's `status` is the status to set, not a filter.
    "triage": "coalesce((SELECT t.status FROM triage t WHERE t.item_id = i.id), 'new') = :triage",
    "assignee": "EXISTS (SELECT 1 FROM triage t WHERE t.item_id = i.id "
                "AND t.assigned_to = :assignee)",
    "date_from": f"{WHEN} >= :date_from",
    "date_to": f"{WHEN} < :date_to",
    "q": f"i.id IN ({search.MATCH_SQL})",
    # Learning (issue 17): the second-opinion model and the rules disagree (any or one topic).
    "model": "i.id IN (SELECT item_id FROM model_disagreements "
             "WHERE :model IN ('disagree', topic))",
}
# A search matching many flagged items walks the queue's order and checks each item against
# the matches (the unary + keeps SQLite from driving the query from the match list); a
# search matching few starts from its matches and sorts them. DENSITY_SQL decides.
DENSE = 2000
DENSE_CLAUSE = f"+i.id IN ({search.MATCH_SQL})"
DENSITY_SQL = f"SELECT count(*) AS n FROM ({search.MATCH_SQL} LIMIT {DENSE + 1})"
FILTER_KEYS = tuple(FILTERS)
UNTRIAGED = "NOT EXISTS (SELECT 1 FROM triage t WHERE t.item_id = i.id AND t.status != 'new')"
PAGE_SIZE = 50
COUNT_CAP = 1000  # the queue says "more than 1,000" instead of counting every match
BULK_LIMIT = 5000  # a bulk change over more items is refused: narrow the filters
EXPORT_LIMIT = 20_000
NOTHING = "0"  # a clause that matches no row (a search with no searchable word)


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class QueueFilter:
    """The queue's filters as given in the query string or a bulk form."""

    values: dict[str, str] = field(default_factory=dict)
    untriaged: bool = True
    groups: tuple[tuple[str, ...], ...] = ()
    dense: bool = False  # the search matches more than DENSE flagged items

    @classmethod
    def from_args(cls, args: Any, untriaged: bool = True,
                  groups: tuple[tuple[str, ...], ...] = ()) -> QueueFilter:
        """Keep the known, valid, non-empty filter values from a MultiParams/dict."""
        values = {k: (args.get(k) or "").strip() for k in FILTER_KEYS}
        values = {k: v for k, v in values.items() if v}
        for key in ("date_from", "date_to"):
            if key in values and _iso_date(values[key]) is None:
                del values[key]
        if values.get("triage") not in (None, *TRIAGE_STATUSES):
            del values["triage"]
        return cls(values, untriaged and "triage" not in values, groups)

    def terms(self) -> list[search.Term]:
        """The search box's words, as the index matches them (also used to highlight)."""
        return search.parse(self.values.get("q", ""), self.groups)

    def search_expression(self) -> str | None:
        """The FTS5 expression for the search box, flagged items only (the queue's items)."""
        expression = search.match_expression(self.terms())
        return search.flagged_only(expression) if expression else None

    def where(self) -> tuple[str, dict[str, Any]]:
        """WHERE clause and parameters for items `i`."""
        # Learning (issue 17): with the model filter, unflagged items the model would flag
        # too; otherwise the queue holds flagged items.
        clauses = [] if "model" in self.values else ["i.flagged = 1"]
        params: dict[str, Any] = {}
        for key, value in self.values.items():
            clause, param = FILTERS[key], value
            if key == "q":
                param = self.search_expression()
                clause = (DENSE_CLAUSE if self.dense else clause) if param else NOTHING
            elif key == "region":
                param = json.dumps(places.members(value), ensure_ascii=False)
            elif key == "date_to":
                param = (_iso_date(value) + timedelta(days=1)).isoformat()
            clauses.append(clause)
            if clause != NOTHING:
                params[key] = param
        if self.untriaged:
            clauses.append(UNTRIAGED)
        return " AND ".join(clauses), params

    def query_string(self, **extra: str) -> dict[str, str]:
        """The filters as URL parameters (a saved filter is this URL)."""
        shown = dict(self.values)
        if not self.untriaged and "triage" not in shown:
            shown["show"] = "all"
        return {**shown, **{k: v for k, v in extra.items() if v}}


COLUMNS = f"""i.id, i.title, i.source, i.lang, i.published, i.fetched_at, i.url, i.topics,
          (SELECT group_concat(value, '|') FROM item_entities e
            WHERE e.item_id = i.id AND e.kind = 'place') AS places,
          (SELECT status FROM triage t WHERE t.item_id = i.id) AS status,
          (SELECT assigned_to FROM triage t WHERE t.item_id = i.id) AS assigned_to,
          {WHEN} AS sort_time"""
ORDER = f"ORDER BY {WHEN} DESC, i.id DESC"


def queue_sql(flt: QueueFilter, limit: int = PAGE_SIZE, offset: int = 0) -> tuple[str, dict]:
    """One page of flagged items matching `flt`, newest first (ask one more than you show)."""
    where, params = flt.where()
    sql = f"SELECT {COLUMNS} FROM items i WHERE {where} {ORDER} LIMIT :_limit OFFSET :_offset"
    return sql, {**params, "_limit": limit, "_offset": offset}


def count_sql(flt: QueueFilter, cap: int = COUNT_CAP) -> tuple[str, dict]:
    """How many items match `flt`, counting at most `cap` + 1."""
    where, params = flt.where()
    sql = f"SELECT count(*) AS n FROM (SELECT 1 FROM items i WHERE {where} LIMIT :_cap)"
    return sql, {**params, "_cap": cap + 1}


def ids_sql(flt: QueueFilter) -> tuple[str, dict]:
    """Ids of the items matching `flt` (for a bulk change), at most BULK_LIMIT + 1."""
    where, params = flt.where()
    return (f"SELECT i.id FROM items i WHERE {where} {ORDER} LIMIT :_cap",
            {**params, "_cap": BULK_LIMIT + 1})


def neighbour_sql(flt: QueueFilter, sort_time: str, item_id: int, newer: bool) -> tuple[str, dict]:
    """The next item after (or before) one in the queue's order, under the same filters."""
    where, params = flt.where()
    if newer:
        step = f"({WHEN} > :_t OR ({WHEN} = :_t AND i.id > :_id))"
        order = f"ORDER BY {WHEN} ASC, i.id ASC"
    else:
        step = f"({WHEN} < :_t OR ({WHEN} = :_t AND i.id < :_id))"
        order = ORDER
    sql = f"SELECT i.id FROM items i WHERE {where} AND {step} {order} LIMIT 1"
    return sql, {**params, "_t": sort_time, "_id": item_id}


def export_sql(flt: QueueFilter) -> tuple[str, dict]:
    """Every matching item (up to EXPORT_LIMIT) with the columns an export carries."""
    return queue_sql(flt, limit=EXPORT_LIMIT)


FACET_SQL = {
    "topic": "SELECT DISTINCT topic FROM item_topics ORDER BY 1",
    "source": "SELECT DISTINCT source FROM items WHERE flagged = 1 ORDER BY 1",
    "lang": "SELECT DISTINCT lang FROM items WHERE flagged = 1 AND lang IS NOT NULL ORDER BY 1",
    "person": "SELECT DISTINCT value FROM item_entities WHERE kind = 'person' ORDER BY 1",
    "assignee": "SELECT DISTINCT assigned_to FROM triage WHERE assigned_to != '' ORDER BY 1",
}

ITEM_SQL = f"SELECT i.*, {WHEN} AS sort_time FROM items i WHERE i.id = :id"
TOPICS_SQL = (
    "SELECT topic, score, evidence FROM item_topics WHERE item_id = :id ORDER BY score DESC"
)
ENTITIES_SQL = "SELECT kind, value FROM item_entities WHERE item_id = :id ORDER BY kind, value"
TRIAGE_SQL = "SELECT * FROM triage WHERE item_id = :id"
HISTORY_SQL = "SELECT * FROM triage_log WHERE item_id = :id ORDER BY id DESC"
