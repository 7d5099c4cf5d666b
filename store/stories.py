"""The story tables (created in `store.migrations`): the grouping index, story ids, decisions.

Plain rows in and out; the grouping logic that decides what to write is in `stories/`.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from core.clock import utc_now

#: At most this many same-person candidates per key and side in time: a name in the news
#: every day must not make each new report read all of them.
KEY_CANDIDATES = 25


def _entity_keys(persons: str | None, names: str | None) -> list[str]:
    return ([f"person:{p}" for p in json.loads(persons or "[]")]
            + [f"name:{n}" for n in json.loads(names or "[]")])


def _unindex(db: sqlite_utils.Database, item_id: int) -> None:
    """Remove an item's band and people keys by primary key (they are stored in its row)."""
    old = db.execute("SELECT day, persons, names, bands FROM story_items WHERE item_id = ?",
                     [item_id]).fetchone()
    if old is None:
        return
    day, persons, names, bands = old
    keys = array("q", bands or b"")
    db.conn.executemany("DELETE FROM story_bands WHERE band_key = ? AND item_id = ?",
                        [(key, item_id) for key in keys])
    db.conn.executemany("DELETE FROM story_keys WHERE key = ? AND day = ? AND item_id = ?",
                        [(key, day, item_id) for key in _entity_keys(persons, names)])


def save_index(db: sqlite_utils.Database, row: dict[str, Any], band_keys: Sequence[int],
               entity_keys: Sequence[str]) -> None:
    """Replace one item's index rows: its features, its LSH band keys, its people keys."""
    item_id = row["item_id"]
    _unindex(db, item_id)
    db["story_items"].upsert({**row, "bands": array("q", band_keys).tobytes(),
                              "indexed_at": utc_now()}, pk="item_id")
    db.conn.executemany("INSERT OR IGNORE INTO story_bands (band_key, item_id) VALUES (?, ?)",
                        [(key, item_id) for key in band_keys])
    db.conn.executemany("INSERT OR IGNORE INTO story_keys (key, day, item_id) VALUES (?, ?, ?)",
                        [(key, row["day"], item_id) for key in entity_keys])


def band_candidates(db: sqlite_utils.Database, band_keys: Sequence[int], item_id: int
                    ) -> set[int]:
    """Items sharing an LSH band key with `item_id` (one index look-up per band)."""
    found: set[int] = set()
    for key in band_keys:
        found.update(r[0] for r in db.execute(
            "SELECT item_id FROM story_bands WHERE band_key = ? AND item_id != ?",
            [key, item_id]))
    return found


KEY_AFTER = ("SELECT item_id FROM story_keys WHERE key = ? AND day BETWEEN ? AND ? "
             "AND item_id != ? ORDER BY day LIMIT ?")
KEY_BEFORE = ("SELECT item_id FROM story_keys WHERE key = ? AND day BETWEEN ? AND ? "
              "AND item_id != ? ORDER BY day DESC LIMIT ?")


def key_candidates(db: sqlite_utils.Database, keys: Sequence[str], day: int, window: int,
                   item_id: int, limit: int = KEY_CANDIDATES) -> set[int]:
    """Items naming the same people within `window` days: the nearest `limit` on each side,
    read in index order (a name in the news every day costs `limit` rows, not all of them)."""
    found: set[int] = set()
    for key in keys:
        for sql, low, high in ((KEY_AFTER, day, day + window),
                               (KEY_BEFORE, day - window, day)):
            found.update(r[0] for r in db.execute(sql, [key, low, high, item_id, limit]))
    return found


def common_keys(db: sqlite_utils.Database, keys: Sequence[str], day: int, window: int,
                threshold: int) -> set[str]:
    """The keys more than `threshold` items carry within `window` days (counted up to it)."""
    common = set()
    for key in keys:
        count = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM story_keys WHERE key = ? AND day BETWEEN ? "
            "AND ? LIMIT ?)", [key, day - window, day + window, threshold + 1]).fetchone()[0]
        if count > threshold:
            common.add(key)
    return common


def index_rows(db: sqlite_utils.Database, item_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The stored features of these items (JSON lists decoded)."""
    ids = list(item_ids)
    if not ids:
        return []
    rows = db.execute(
        "SELECT item_id, lang, day, persons, names, places, articles, signature "
        "FROM story_items WHERE item_id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)]).fetchall()
    keys = ("item_id", "lang", "day", "persons", "names", "places", "articles", "signature")
    decoded = []
    for row in rows:
        record = dict(zip(keys, row, strict=True))
        for key in ("persons", "names", "places", "articles"):
            record[key] = json.loads(record[key] or "[]")
        decoded.append(record)
    return decoded


def story_of(db: sqlite_utils.Database, item_id: int) -> int | None:
    row = db.execute("SELECT story_id FROM items WHERE id = ?", [item_id]).fetchone()
    return row[0] if row else None


def stories_of(db: sqlite_utils.Database, item_ids: Iterable[int]) -> dict[int, int]:
    """item id -> story id."""
    ids = list(item_ids)
    if not ids:
        return {}
    return dict(db.execute(
        "SELECT id, story_id FROM items WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)]).fetchall())


def members(db: sqlite_utils.Database, story_id: int) -> list[int]:
    """The item ids of one story, oldest first."""
    return [r[0] for r in db.execute(
        "SELECT id FROM items WHERE story_id = ? ORDER BY id", [story_id])]


def move_items(db: sqlite_utils.Database, item_ids: Sequence[int], story_id: int) -> None:
    db.execute("UPDATE items SET story_id = ? WHERE id IN (SELECT value FROM json_each(?))",
               [story_id, json.dumps(list(item_ids))])


def join_stories(db: sqlite_utils.Database, story_a: int, story_b: int) -> int:
    """Merge two stories under the older id (the smaller); return it."""
    keep, gone = sorted((story_a, story_b))
    if keep != gone:
        db.execute("UPDATE items SET story_id = ? WHERE story_id = ?", [keep, gone])
    return keep


def decisions_between(db: sqlite_utils.Database, story_a: int, story_b: int,
                      decision: str) -> int:
    """How many pairs across two stories a monitor decided `decision` (apart | together)."""
    return db.execute(
        "SELECT count(*) FROM story_decisions d JOIN items a ON a.id = d.item_a "
        "JOIN items b ON b.id = d.item_b WHERE d.decision = ? AND "
        "((a.story_id = ? AND b.story_id = ?) OR (a.story_id = ? AND b.story_id = ?))",
        [decision, story_a, story_b, story_b, story_a]).fetchone()[0]


def decide_pairs(db: sqlite_utils.Database, pairs: Iterable[tuple[int, int]], decision: str,
                 by: str, at: str) -> None:
    """Record a monitor's decision for item pairs; the latest decision on a pair wins."""
    db["story_decisions"].upsert_all(
        [{"item_a": min(a, b), "item_b": max(a, b), "decision": decision, "decided_by": by,
          "decided_at": at} for a, b in pairs if a != b],
        pk=("item_a", "item_b"))


def forget_apart(db: sqlite_utils.Database, items_a: Sequence[int], items_b: Sequence[int]
                 ) -> None:
    """Drop "apart" decisions between two groups of items (a merge overrides them)."""
    pairs = [(min(a, b), max(a, b)) for a in items_a for b in items_b]
    db.conn.executemany("DELETE FROM story_decisions WHERE item_a = ? AND item_b = ? "
                   "AND decision = 'apart'", pairs)


def together_pairs(db: sqlite_utils.Database) -> list[tuple[int, int]]:
    return db.execute(
        "SELECT item_a, item_b FROM story_decisions WHERE decision = 'together' "
        "ORDER BY decided_at, item_a, item_b").fetchall()


def record_link(db: sqlite_utils.Database, item_id: int, other_id: int, link: dict[str, Any]
                ) -> None:
    """Why `item_id` joined the story of `other_id` (kind, score, explanation, shared)."""
    db["story_links"].upsert(
        {"item_id": item_id, "other_id": other_id, "kind": link["kind"],
         "score": link["score"], "explanation": link["explanation"],
         "shared": json.dumps(link.get("shared") or {}, ensure_ascii=False),
         "days": link.get("days", 0), "linked_at": utc_now()},
        pk=("item_id", "other_id"))


def log(db: sqlite_utils.Database, action: str, item_id: int | None, story_id: int,
        other_story_id: int | None, items: int, by: str, at: str, note: str = "") -> None:
    """Append one split/merge to `story_log` (who, when, what), like `triage_log`."""
    db["story_log"].insert({
        "action": action, "item_id": item_id, "story_id": story_id,
        "other_story_id": other_story_id, "items": items, "note": note,
        "updated_by": by, "updated_at": at})


def unindexed_ids(db: sqlite_utils.Database, after: int, limit: int) -> list[int]:
    """Stored items the grouping has not seen yet (older databases, other writers)."""
    return [r[0] for r in db.execute(
        "SELECT i.id FROM items i WHERE i.id > ? AND NOT EXISTS "
        "(SELECT 1 FROM story_items s WHERE s.item_id = i.id) ORDER BY i.id LIMIT ?",
        [after, limit])]


def clear_grouping(db: sqlite_utils.Database) -> None:
    """Before a rebuild: every item its own story, no automatic links (decisions stay)."""
    db.execute("UPDATE items SET story_id = id WHERE story_id IS NOT id")
    db.execute("DELETE FROM story_links")
