"""What a coordinator is owed: is their digest due, and which flagged items are pending for them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

import sqlite_utils

from alerts.contents import DigestItem
from alerts.subscriptions import Subscription

#: Triage decisions that keep an item out of every digest.
EXCLUDED_STATUSES = ("not_relevant", "duplicate")
#: At most this many items per message; the rest stay pending for the next digest.
MAX_ITEMS = 100


def period_start(frequency: str, now: datetime, hour: int) -> datetime | None:
    """Start of the current daily/weekly period (at `hour`, weeks from Monday); None: immediate.

    Anchoring on a wall-clock hour rather than "24 h since the last send" keeps a 07:00 cron
    job from skipping a day because yesterday's send finished a few seconds later.
    """
    if frequency == "immediate":
        return None
    start = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if start > now:
        start -= timedelta(days=1)
    if frequency == "weekly":
        start -= timedelta(days=start.weekday())
    return start


def is_due(frequency: str, last_digest_at: str | None, now: datetime, tz: tzinfo,
           hour: int) -> bool:
    """Immediate: always; daily/weekly: no digest yet in the current period."""
    start = period_start(frequency, now.astimezone(tz), hour)
    if start is None or not last_digest_at:
        return True
    return datetime.fromisoformat(last_digest_at) < start


def last_digest_at(db: sqlite_utils.Database, recipient: str) -> str | None:
    """When the recipient's last digest went out (or was found empty), ISO 8601 UTC."""
    row = db.execute(
        "SELECT last_digest_at FROM digest_state WHERE recipient = ?", [recipient]
    ).fetchone()
    return row[0] if row else None


def _in_list(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.extend(v.casefold() for v in values)
    return f"casefold({column}) IN ({', '.join('?' * len(values))})"


def _entity_filter(kind: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.append(kind)
    inner = _in_list("e.value", values, params)
    return ("EXISTS (SELECT 1 FROM item_entities e WHERE e.item_id = i.id "
            f"AND e.kind = ? AND {inner})")


def match_clauses(sub: Subscription, params: list[Any]) -> list[str]:
    """WHERE clauses on items `i`: flagged, not triaged out, one of `sub`'s topics, its filters.

    Shared by new items and removed/edited notices, so both follow the same subscription.
    """
    params.extend([*EXCLUDED_STATUSES, *sub.topics])
    where = [
        "i.flagged = 1",
        "NOT EXISTS (SELECT 1 FROM triage t WHERE t.item_id = i.id AND t.status IN (?, ?))",
        "EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id "
        f"AND it.topic IN ({', '.join('?' * len(sub.topics))}))",
    ]
    if sub.sources:
        where.append(_in_list("i.source", sub.sources, params))
    if sub.languages:
        where.append(_in_list("i.lang", sub.languages, params))
    if sub.regions:
        where.append(_entity_filter("place", sub.regions, params))
    if sub.persons:
        where.append(_entity_filter("person", sub.persons, params))
    return where


def pending_sql(sub: Subscription) -> tuple[str, list[Any]]:
    """The query for the ids of flagged items this subscription matches and has not received."""
    params: list[Any] = [sub.email]
    where = ["NOT EXISTS (SELECT 1 FROM digest_log d WHERE d.item_id = i.id AND d.recipient = ?)",
             *match_clauses(sub, params)]
    sql = ("SELECT i.id FROM items i WHERE " + " AND ".join(where)
           + " ORDER BY coalesce(i.published, i.first_seen) DESC, i.id DESC LIMIT ?")
    return sql, [*params, MAX_ITEMS]


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def register_casefold(db: sqlite_utils.Database) -> None:
    """SQLite's lower() folds ASCII only; filters must match "Актобе" and "актобе" alike."""
    db.register_function(_casefold, deterministic=True, replace=True, name="casefold")


def item_link(base_url: str | None, item_id: int) -> str | None:
    """The item's page in Datasette, when the base URL is known."""
    return f"{base_url.rstrip('/')}/-/item/{item_id}" if base_url else None


def best_snippet(evidence_json: str | None) -> str:
    """The first evidence snippet (rules list their strongest first), else the first match."""
    try:
        evidence = json.loads(evidence_json or "[]")
    except json.JSONDecodeError:
        return ""
    for key in ("snippet", "match"):
        for entry in evidence:
            if isinstance(entry, dict) and entry.get(key):
                return str(entry[key])
    return ""


def load_item(db: sqlite_utils.Database, item_id: int, sub: Subscription,
              base_url: str | None) -> DigestItem | None:
    """A pending item as the message shows it, filed under its best-scoring subscribed topic."""
    item = db["items"].get(item_id)
    topic_rows = db.execute(
        "SELECT topic, score, evidence FROM item_topics WHERE item_id = ? "
        "ORDER BY score DESC, topic", [item_id],
    ).fetchall()
    ours = [row for row in topic_rows if row[0] in sub.topics]
    if not ours:  # reclassified since the query: no longer ours
        return None
    group, _, evidence = ours[0]
    return DigestItem(
        id=item_id, title=item.get("title") or "", url=item.get("url") or "",
        source=item.get("source") or "", lang=item.get("lang") or "",
        published=item.get("published") or item.get("first_seen") or "",
        topics=tuple(row[0] for row in topic_rows), group=group,
        snippet=best_snippet(evidence),
        item_link=item_link(base_url, item_id),
    )


SENT_STORIES_SQL = """
    SELECT DISTINCT i.story_id FROM digest_log d JOIN items i ON i.id = d.item_id
    WHERE d.recipient = ? AND i.story_id IN (SELECT value FROM json_each(?))"""


def with_stories(db: sqlite_utils.Database, recipient: str, items: list[DigestItem]
                 ) -> list[DigestItem]:
    """Each item with its story, marked `update` when that story was sent to `recipient`."""
    if not items:
        return items
    ids = json.dumps([item.id for item in items])
    story = dict(db.execute("SELECT id, story_id FROM items WHERE id IN "
                            "(SELECT value FROM json_each(?))", [ids]).fetchall())
    stories = json.dumps(sorted({s for s in story.values() if s is not None}))
    sent = {row[0] for row in db.execute(SENT_STORIES_SQL, [recipient, stories])}
    titles = dict(db.execute("SELECT id, title FROM items WHERE id IN "
                             "(SELECT value FROM json_each(?))", [stories]).fetchall())
    return [replace(item, story_id=story.get(item.id) or item.id,
                    update=story.get(item.id) in sent,
                    story_title=titles.get(story.get(item.id)) or item.title)
            for item in items]


def pending_items(db: sqlite_utils.Database, sub: Subscription,
                  base_url: str | None) -> list[DigestItem]:
    """The items owed to `sub`, newest first (at most MAX_ITEMS), with their stories."""
    register_casefold(db)
    sql, params = pending_sql(sub)
    ids = [row[0] for row in db.execute(sql, params).fetchall()]
    items = (load_item(db, item_id, sub, base_url) for item_id in ids)
    return with_stories(db, sub.email, [item for item in items if item is not None])
