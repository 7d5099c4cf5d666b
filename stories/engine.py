"""Assign stored items to stories as they arrive; catch up on older items; rebuild from scratch.

Cost per new item is bounded by the index, not the store: BANDS look-ups in `story_bands`,
one bounded look-up per person in `story_keys`, and a score for each candidate found. A
monitor's decisions (`stories.decisions`) bind every path: two stories with a pair of items
decided "apart" are never joined automatically, and pairs decided "together" are re-joined
after a rebuild.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date
from typing import Any

import sqlite_utils

from store import stories as table
from store.db import write_transaction
from stories.link import WINDOW_DAYS, Features, Link, best_link
from stories.signature import band_keys, minhash, pack, similarity
from stories.text import shingles, surname_stems

logger = logging.getLogger(__name__)

BATCH = 500
#: A surname carried by more reports than this within the window is not decisive.
COMMON_NAME = 30
EPOCH = date(1970, 1, 1).toordinal()
CLEAR_INDEX = ("DELETE FROM story_items", "DELETE FROM story_bands", "DELETE FROM story_keys")


def day_number(stamp: str | None) -> int:
    """Days since 1970-01-01 of an ISO date/time (0 when missing or unreadable)."""
    try:
        return date.fromisoformat((stamp or "")[:10]).toordinal() - EPOCH
    except ValueError:
        return 0


def make_features(item_id: int, lang: str, when: str | None, title: str, text: str,
                  entities: dict[str, list[str]]) -> tuple[Features, list[int]]:
    """Features and LSH band keys of one report (pure: no database)."""
    body = text or title or ""
    hashvalues = minhash(shingles(body))
    features = Features(
        item_id=item_id, lang=lang or "", day=day_number(when),
        persons=frozenset(entities.get("person", ())),
        names=frozenset(surname_stems(f"{title or ''}\n{body}")),
        places=frozenset(entities.get("place", ())),
        articles=frozenset(entities.get("article", ())),
        signature=pack(hashvalues))
    return features, band_keys(hashvalues, lang or "")


def stored_features(db: sqlite_utils.Database, item_id: int) -> tuple[Features, list[int]]:
    """Features of a stored item, from its row and its classifier entities."""
    row = db.execute("SELECT lang, coalesce(published, first_seen, fetched_at), title, text "
                     "FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        raise KeyError(item_id)
    entities: dict[str, list[str]] = {}
    for kind, value in db.execute("SELECT kind, value FROM item_entities WHERE item_id = ?",
                                  [item_id]):
        entities.setdefault(kind, []).append(value)
    return make_features(item_id, *row, entities)


def _as_features(row: dict[str, Any]) -> Features:
    return Features(item_id=row["item_id"], lang=row["lang"] or "", day=row["day"] or 0,
                    persons=frozenset(row["persons"]), names=frozenset(row["names"]),
                    places=frozenset(row["places"]), articles=frozenset(row["articles"]),
                    signature=row["signature"] or b"")


def _index(db: sqlite_utils.Database, features: Features, keys: list[int]) -> None:
    row = {"item_id": features.item_id, "lang": features.lang, "day": features.day,
           "signature": features.signature,
           **{k: json.dumps(sorted(getattr(features, k)), ensure_ascii=False)
              for k in ("persons", "names", "places", "articles")}}
    table.save_index(db, row, keys, features.entity_keys())


def without_common_names(db: sqlite_utils.Database, features: Features) -> Features:
    """A surname that many reports around the same days carry (the president's, say) tells
    nothing about which event a report is about: it does not count for linking."""
    names = [f"name:{n}" for n in sorted(features.names)]
    common = table.common_keys(db, names, features.day, WINDOW_DAYS, COMMON_NAME)
    if not common:
        return features
    return replace(features, names=frozenset(n for n in features.names
                                             if f"name:{n}" not in common))


def links_for(db: sqlite_utils.Database, features: Features, keys: list[int]
              ) -> list[tuple[int, Link]]:
    """(candidate item, link) for every indexed report that tells the same event."""
    features = without_common_names(db, features)
    candidates = table.band_candidates(db, keys, features.item_id)
    candidates |= table.key_candidates(db, features.entity_keys(), features.day, WINDOW_DAYS,
                                       features.item_id)
    found = []
    for row in table.index_rows(db, candidates):
        other = _as_features(row)
        sim = similarity(features.signature, other.signature) if other.lang == features.lang \
            else 0.0
        link = best_link(features, other, sim)
        if link is not None:
            found.append((other.item_id, link))
    return found


def assign(db: sqlite_utils.Database, item_id: int,
           prepared: tuple[Features, list[int]] | None = None) -> int:
    """Index one stored item and join it to the stories it belongs to; its story id."""
    features, keys = prepared or stored_features(db, item_id)
    _index(db, features, keys)
    links = links_for(db, features, keys)
    story = table.story_of(db, item_id)
    by_story: dict[int, tuple[int, Link]] = {}
    for other_id, link in links:
        other_story = table.stories_of(db, [other_id]).get(other_id)
        best = by_story.get(other_story)
        if other_story is not None and (best is None or link.score > best[1].score):
            by_story[other_story] = (other_id, link)
    for other_id, link in sorted(by_story.values(), key=lambda pair: -pair[1].score):
        current = table.stories_of(db, [other_id]).get(other_id)
        if current is None or current == story:
            continue
        if table.decisions_between(db, story, current, "apart"):
            continue  # a monitor split these: leave them apart
        story = table.join_stories(db, story, current)
        table.record_link(db, item_id, other_id, {
            "kind": link.kind, "score": link.score, "explanation": link.explanation(),
            "shared": link.shared, "days": link.days})
    return story


def catch_up(db: sqlite_utils.Database, batch: int = BATCH) -> int:
    """Group the stored items the index has not seen (older databases, other writers)."""
    done, last = 0, 0
    while ids := table.unindexed_ids(db, last, batch):
        with write_transaction(db):
            for item_id in ids:
                assign(db, item_id)
        done += len(ids)
        last = ids[-1]
    if done:
        logger.info("stories: grouped %s stored item(s)", done)
    return done


def rebuild(db: sqlite_utils.Database, batch: int = BATCH) -> int:
    """Re-group every item from its current text and entities, keeping monitors' decisions."""
    with write_transaction(db):
        table.clear_grouping(db)
        for statement in CLEAR_INDEX:
            db.execute(statement)
    done = catch_up(db, batch)
    with write_transaction(db):
        for item_a, item_b in table.together_pairs(db):
            stories = table.stories_of(db, [item_a, item_b])
            if len(stories) == 2 and stories[item_a] != stories[item_b]:
                table.join_stories(db, stories[item_a], stories[item_b])
    return done
