"""Write articles: upsert by URL, topics and entities beside them, one transaction per item."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from core.domain import TOPICS
from store.db import write_transaction

ENTITY_KINDS = {"articles": "article", "places": "place", "persons": "person"}


def classification_columns(classification: dict[str, Any]) -> dict[str, Any]:
    """The `items` columns derived from a `classify()` result."""
    scores = classification.get("scores", {})
    columns: dict[str, Any] = {f"score_{t}": float(scores.get(t, 0.0)) for t in TOPICS}
    columns["topics"] = json.dumps(classification.get("topics", []))
    columns["flagged"] = int(bool(classification.get("flagged")))
    columns["kz_relevant"] = int(bool(classification.get("kz_relevant", True)))
    return columns


def write_classification(
    db: sqlite_utils.Database, item_id: int, classification: dict[str, Any]
) -> None:
    """Replace an item's topic and entity rows with those of `classification`."""
    db.execute("DELETE FROM item_topics WHERE item_id = ?", [item_id])
    db.execute("DELETE FROM item_entities WHERE item_id = ?", [item_id])
    evidence = classification.get("evidence", [])
    scores = classification.get("scores", {})
    topic_rows = [
        {"item_id": item_id, "topic": topic, "score": float(scores.get(topic, 0.0)),
         "evidence": json.dumps([e for e in evidence if e.get("topic") == topic],
                                ensure_ascii=False)}
        for topic in classification.get("topics", [])
    ]
    entity_rows = [
        {"item_id": item_id, "kind": kind, "value": value}
        for key, kind in ENTITY_KINDS.items()
        for value in dict.fromkeys(classification.get(key, []))
    ]
    if topic_rows:
        db["item_topics"].insert_all(topic_rows)
    if entity_rows:
        db["item_entities"].insert_all(entity_rows, ignore=True)


def save_item(
    db: sqlite_utils.Database, row: dict[str, Any], classification: dict[str, Any]
) -> tuple[int, str]:
    """Insert or update the article at `row["url"]`; return (item id, new|updated|unchanged).

    An unchanged page (same content hash) only refreshes `fetched_at`, so re-crawls add
    nothing and keep the first version's classification and triage.
    """
    record = dict(row)
    record["authors"] = json.dumps(record.get("authors") or [], ensure_ascii=False)
    record.update(classification_columns(classification))
    with write_transaction(db):
        existing = db.execute(
            "SELECT id, content_hash FROM items WHERE url = ?", [record["url"]]
        ).fetchone()
        if existing and existing[1] == record["content_hash"]:
            db["items"].update(existing[0], {"fetched_at": record["fetched_at"]})
            return existing[0], "unchanged"
        if existing:
            item_id, outcome = existing[0], "updated"
            db["items"].update(item_id, record)
        else:
            record["first_seen"] = record["fetched_at"]
            item_id, outcome = db["items"].insert(record).last_pk, "new"
        write_classification(db, item_id, classification)
    return item_id, outcome


def known_articles(db: sqlite_utils.Database, source: str) -> dict[str, str | None]:
    """URL -> when we last fetched it, for every stored item of `source`.

    The incremental crawl's memory: an article is fetched again only when its feed or sitemap
    says it changed after this moment.
    """
    rows = db.execute("SELECT url, fetched_at FROM items WHERE source = ?", [source])
    return dict(rows.fetchall())
