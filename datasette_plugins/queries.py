"""Read-side SQL for the queue, the item page and the dashboard; parameters only, never f-strings
of user input (the only interpolated fragments are fixed clauses chosen from FILTERS)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FILTER_KEYS = ("topic", "source", "lang", "region", "person", "q", "model")
# Each filter adds one fixed clause; the value always travels as a named parameter.
FILTERS = {
    "topic": "i.id IN (SELECT item_id FROM item_topics WHERE topic = :topic)",
    "source": "i.source = :source",
    "lang": "i.lang = :lang",
    "region": "i.id IN (SELECT item_id FROM item_entities WHERE kind = 'place' "
              "AND value = :region)",
    "person": "i.id IN (SELECT item_id FROM item_entities WHERE kind = 'person' "
              "AND value = :person)",
    "q": "i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH :q)",
    # Learning (issue 17): the second-opinion model and the rules disagree (any or one topic).
    "model": "i.id IN (SELECT item_id FROM model_disagreements "
             "WHERE :model IN ('disagree', topic))",
}
UNTRIAGED = "NOT EXISTS (SELECT 1 FROM triage t WHERE t.item_id = i.id AND t.status != 'new')"
WORD = re.compile(r"\w+", re.UNICODE)
PAGE_SIZE = 50
BULK_LIMIT = 500


@dataclass
class QueueFilter:
    """The queue's filters as given in the query string or a bulk form."""

    values: dict[str, str] = field(default_factory=dict)
    untriaged: bool = True

    @classmethod
    def from_args(cls, args: Any, untriaged: bool = True) -> QueueFilter:
        """Keep the known, non-empty filter values from a MultiParams/dict."""
        values = {k: (args.get(k) or "").strip() for k in FILTER_KEYS}
        return cls({k: v for k, v in values.items() if v}, untriaged)

    def where(self) -> tuple[str, dict[str, str]]:
        """WHERE clause and parameters for items `i`."""
        # Learning (issue 17): with the model filter, unflagged items the model would flag too.
        base = FILTERS["model"] if "model" in self.values else "i.flagged = 1"
        clauses = [base] + [FILTERS[k] for k in self.values if k != "model"]
        if self.untriaged:
            clauses.append(UNTRIAGED)
        params = dict(self.values)
        if "q" in params:
            params["q"] = fts_query(params["q"])
        return " AND ".join(clauses), params


def fts_query(text: str) -> str:
    """Words as quoted prefix terms: no FTS syntax errors, and Russian/Kazakh endings match."""
    words = WORD.findall(text)
    return " ".join(f'"{w}"*' for w in words) or '""'


def queue_sql(flt: QueueFilter, limit: int = PAGE_SIZE, offset: int = 0) -> tuple[str, dict]:
    """Flagged items matching `flt`, newest first, with topics, places and triage."""
    where, params = flt.where()
    sql = f"""
        SELECT i.id, i.title, i.source, i.lang, i.published, i.url, i.topics,
          (SELECT group_concat(value, ', ') FROM item_entities e
            WHERE e.item_id = i.id AND e.kind = 'place') AS places,
          (SELECT status FROM triage t WHERE t.item_id = i.id) AS status
        FROM items i WHERE {where}
        ORDER BY coalesce(i.published, i.fetched_at) DESC, i.id DESC
        LIMIT :_limit OFFSET :_offset"""
    return sql, {**params, "_limit": limit, "_offset": offset}


def count_sql(flt: QueueFilter) -> tuple[str, dict]:
    """How many items match `flt`."""
    where, params = flt.where()
    return f"SELECT count(*) FROM items i WHERE {where}", params


def ids_sql(flt: QueueFilter) -> tuple[str, dict]:
    """Ids of the items matching `flt` (for a bulk change), capped at BULK_LIMIT."""
    where, params = flt.where()
    return f"SELECT i.id FROM items i WHERE {where} LIMIT {BULK_LIMIT}", params


FACET_SQL = {
    "topic": "SELECT DISTINCT topic FROM item_topics ORDER BY 1",
    "source": "SELECT DISTINCT source FROM items WHERE flagged = 1 ORDER BY 1",
    "lang": "SELECT DISTINCT lang FROM items WHERE flagged = 1 AND lang IS NOT NULL ORDER BY 1",
    "region": "SELECT DISTINCT value FROM item_entities WHERE kind = 'place' ORDER BY 1",
    "person": "SELECT DISTINCT value FROM item_entities WHERE kind = 'person' ORDER BY 1",
}

ITEM_SQL = "SELECT * FROM items WHERE id = :id"
TOPICS_SQL = (
    "SELECT topic, score, evidence FROM item_topics WHERE item_id = :id ORDER BY score DESC"
)
ENTITIES_SQL = "SELECT kind, value FROM item_entities WHERE item_id = :id ORDER BY kind, value"
TRIAGE_SQL = "SELECT * FROM triage WHERE item_id = :id"
HISTORY_SQL = "SELECT * FROM triage_log WHERE item_id = :id ORDER BY id DESC"

# Changes whenever items, topics or entities are written (new rows get higher rowids, and a
# reclassification re-inserts): a key for caching the dashboard until the data changes.
DASHBOARD_VERSION_SQL = """
    SELECT (SELECT max(id) FROM items), (SELECT max(rowid) FROM item_topics),
           (SELECT max(rowid) FROM item_entities)"""
# The 52 weeks up to the newest flagged item: the range (and the max) walk
# idx_items_queue_order instead of every flagged item.
WEEKLY_SQL = """
    SELECT strftime('%Y-W%W', coalesce(i.published, i.fetched_at)) AS week, t.topic,
           count(DISTINCT i.id) AS n
    FROM items i JOIN item_topics t ON t.item_id = i.id
    WHERE i.flagged = 1 AND coalesce(i.published, i.fetched_at) >= date(
        (SELECT max(coalesce(published, fetched_at)) FROM items WHERE flagged = 1), '-364 days')
      AND week IS NOT NULL
    GROUP BY week, t.topic ORDER BY week"""
# Places first, flagged items second: the planner then uses the (kind, value) index
# (3.4 s -> 0.1 s at a million items, same rows).
REGION_SQL = """
    SELECT e.value AS region, count(DISTINCT e.item_id) AS n
    FROM item_entities e
    WHERE e.kind = 'place' AND e.item_id IN (SELECT id FROM items WHERE flagged = 1)
    GROUP BY e.value ORDER BY n DESC, region LIMIT :_limit"""
