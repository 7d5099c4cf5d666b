"""A monitor's corrections: split an item out of its story, merge two stories.

Each is recorded twice: as pair decisions in `story_decisions` (the latest per pair wins;
the grouping obeys them through new items, re-crawls, `newsmon reclassify` and rebuilds) and
as a line in `story_log` (who, when, what), like `triage_log`.
"""

from __future__ import annotations

import sqlite_utils

from core.clock import utc_now
from store import stories as table
from store.db import write_transaction


class DecisionError(ValueError):
    """A split or merge that cannot be applied (no such item or story, nothing to do)."""


def split(db: sqlite_utils.Database, item_id: int, by: str, note: str = "") -> int:
    """Take `item_id` out of its story into a story of its own; the id of the rest."""
    story = table.story_of(db, item_id)
    if story is None:
        raise DecisionError("no such item")
    others = [i for i in table.members(db, story) if i != item_id]
    if not others:
        raise DecisionError("the item is already a story of its own")
    now = utc_now()
    rest = min(others)
    with write_transaction(db):
        table.decide_pairs(db, [(item_id, other) for other in others], "apart", by, now)
        table.move_items(db, [item_id], item_id)
        table.move_items(db, others, rest)
        table.log(db, "split", item_id, story, rest, len(others), by, now, note)
    return rest


def merge(db: sqlite_utils.Database, story_a: int, story_b: int, by: str, note: str = "") -> int:
    """Join two stories (given by story id, or any item id in them); the merged story's id."""
    found = table.stories_of(db, [story_a, story_b])
    if len(found) < (1 if story_a == story_b else 2):
        raise DecisionError("no such story")
    first, second = found[story_a], found[story_b]
    if first == second:
        raise DecisionError("these reports are already one story")
    now = utc_now()
    items_a, items_b = table.members(db, first), table.members(db, second)
    items = items_a + items_b
    keep = min(first, second)
    with write_transaction(db):
        table.forget_apart(db, items_a, items_b)
        table.decide_pairs(db, [(keep, item) for item in items], "together", by, now)
        table.join_stories(db, first, second)
        table.log(db, "merge", None, keep, max(first, second), len(items), by, now, note)
    return keep
