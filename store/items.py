"""Write articles: upsert by URL, topics and entities beside them, one transaction per item.

Each item is one short `BEGIN IMMEDIATE` transaction, retried while another writer holds the
database (`store.retry`). A page whose canonical link names another stored article does not
take over that article's row: it is stored under its own URL and the conflict is reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from core.domain import TOPICS
from store.retry import write

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


@dataclass(frozen=True)
class Saved:
    """What `save_article` did: the row written, new|updated|unchanged, and any conflict."""

    item_id: int
    outcome: str
    url: str  # where it was stored (its own URL when its canonical link named another)
    conflict: str | None = None  # what collided, for crawl_errors


def conflict_kind(existing: tuple, record: dict[str, Any]) -> str | None:
    """How a page and the different article stored at its canonical URL collide, if they do.

    "usurper": this page, fetched elsewhere, names a stored article's URL as its canonical.
    "usurped": the row at this page's own URL was written by another page that named it.
    None: the same article again (same page, or the same text), or nothing stored there.
    """
    _, stored_hash, stored_from = existing
    fetched = record.get("fetched_url") or record["url"]
    if not stored_from or stored_from == fetched or stored_hash == record["content_hash"]:
        return None
    return "usurped" if fetched == record["url"] else "usurper"


def _upsert(db: sqlite_utils.Database, record: dict[str, Any],
            classification: dict[str, Any]) -> tuple[int, str]:
    existing = db.execute(
        "SELECT id, content_hash FROM items WHERE url = ?", [record["url"]]).fetchone()
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


def _resolve_conflict(db: sqlite_utils.Database, existing: tuple, record: dict[str, Any],
                      classification: dict[str, Any], kind: str) -> Saved:
    """Keep both articles, each under a URL of its own, and say what happened."""
    claimed, other_id, other_from = record["url"], existing[0], existing[2]
    if kind == "usurper":
        own = {**record, "url": record.get("fetched_url") or claimed}
        item_id, outcome = _upsert(db, own, classification)
        why = (f"canonical link names {claimed}, another stored article (item {other_id}); "
               f"kept under {own['url']} (item {item_id}) instead")
        return Saved(item_id, outcome, own["url"], why)
    # The row at this page's own URL came from a page that named it: give that one its own URL.
    moved = db.execute("SELECT 1 FROM items WHERE url = ?", [other_from]).fetchone() is None
    if moved:
        db["items"].update(other_id, {"url": other_from})
    item_id, outcome = _upsert(db, dict(record), classification)
    why = (f"item {other_id}, stored here through the canonical link of {other_from}, moved "
           f"to that URL; this page is item {item_id}" if moved else
           f"item {item_id} held the text of {other_from} (stored there too) through its "
           "canonical link; replaced by this page's")
    return Saved(item_id, outcome, claimed, why)


def save_article(
    db: sqlite_utils.Database, row: dict[str, Any], classification: dict[str, Any]
) -> Saved:
    """Insert or update the article at `row["url"]` in one retried transaction.

    An unchanged page (same content hash) only refreshes `fetched_at`, so re-crawls add
    nothing and keep the first version's classification and triage.
    """
    record = dict(row)
    record["authors"] = json.dumps(record.get("authors") or [], ensure_ascii=False)
    record.update(classification_columns(classification))

    def body(db: sqlite_utils.Database) -> Saved:
        existing = db.execute("SELECT id, content_hash, fetched_url FROM items WHERE url = ?",
                              [record["url"]]).fetchone()
        kind = conflict_kind(existing, record) if existing else None
        if kind:
            return _resolve_conflict(db, existing, record, classification, kind)
        return Saved(*_upsert(db, dict(record), classification), record["url"])

    return write(db, body, what=f"storing {record['url']}")


def save_item(
    db: sqlite_utils.Database, row: dict[str, Any], classification: dict[str, Any]
) -> tuple[int, str]:
    """`save_article` as (item id, new|updated|unchanged)."""
    saved = save_article(db, row, classification)
    return saved.item_id, saved.outcome


KNOWN_SQL = """
SELECT coalesce(fetched_url, url), fetched_at FROM items i WHERE source = ?
  AND NOT (flagged = 1 AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.item_id = i.id))
"""


def known_articles(db: sqlite_utils.Database, source: str) -> dict[str, str | None]:
    """Fetched URL -> when we last fetched it, for every stored item of `source`.

    The incremental crawl's memory: an article is fetched again only when its feed or sitemap
    says it changed after this moment. Keyed by the page fetched, not the canonical URL it
    named, so a page that named another article's URL does not hide that article.

    An item flagged but without its evidence snapshot (a run killed between the two writes)
    is left out, so the next run fetches it again and keeps the page.
    """
    rows = db.execute(KNOWN_SQL, [source])
    return dict(rows.fetchall())
