"""Classification jobs: JSON lines in and out (`classify`), and the stored items (`reclassify`)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from classifiers import RulesError, classify, detect_language, load_rules
from newsmon.errors import ConfigError
from sites.sources import Source
from store.items import classification_columns, write_classification
from stories import assign as assign_story
from stories import catch_up as group_new_items
from stories import rebuild as rebuild_stories

BATCH = 500


def checked_rules() -> None:
    """Load the rule files once up front: a broken rule is a configuration error (exit 2)."""
    try:
        load_rules()
    except RulesError as exc:
        raise ConfigError(str(exc)) from None


def classify_line(line: str) -> dict[str, Any]:
    """The classify() contract for one input line, or {"error": ...} for a line that isn't one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(record, dict):
        return {"error": "expected a JSON object with title and text"}
    title, text, lang = record.get("title") or "", record.get("text") or "", record.get("lang")
    if not isinstance(title, str) or not isinstance(text, str):
        return {"error": "title and text must be strings"}
    if lang is not None and not isinstance(lang, str):
        return {"error": "lang must be a string"}
    result = classify(title, text, lang or None)
    if isinstance(record.get("url"), str) and record["url"]:
        result = {"url": record["url"], **result}
    return result


@dataclass
class ReclassifyReport:
    items: int = 0
    newly_flagged: int = 0
    regrouped: int = 0  # items whose language or entities changed, re-grouped into stories
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


def _grouping_keys(db: sqlite_utils.Database, item_id: int) -> tuple:
    """What the story grouping reads of an item besides its text: language and entities."""
    lang = db.execute("SELECT lang FROM items WHERE id = ?", [item_id]).fetchone()[0]
    entities = db.execute("SELECT kind, value FROM item_entities WHERE item_id = ? "
                          "ORDER BY kind, value", [item_id]).fetchall()
    return lang, entities


def _reclassify_one(db: sqlite_utils.Database, row: tuple, outlets_kz: set[str]
                    ) -> tuple[bool, bool]:
    """Re-detect and re-classify one stored item: (flagged now and was not, grouping changed)."""
    item_id, title, text, source, was_flagged = row
    before = _grouping_keys(db, item_id)
    lang = detect_language(f"{title or ''}\n{text or ''}")
    result = classify(title or "", text or "", lang)
    # Relevance from the text, or from the outlet (a Kazakhstan outlet) as the crawl gives it.
    result["kz_relevant"] = bool(result.get("kz_relevant")) or source in outlets_kz
    columns = classification_columns(result)
    columns["lang"] = lang
    db["items"].update(item_id, columns)
    write_classification(db, item_id, result)
    return bool(result["flagged"]) and not was_flagged, _grouping_keys(db, item_id) != before


def reclassify(db: sqlite_utils.Database, sources: list[Source], batch: int = BATCH,
               regroup_all: bool = False) -> ReclassifyReport:
    """Re-classify every stored item in id batches (memory stays flat); triage is untouched.

    Items whose language or entities changed are re-grouped into stories (they may join
    more reports); `regroup_all` re-groups every item from scratch instead. Monitors' splits
    and merges hold either way.
    """
    checked_rules()
    outlets_kz = {s.name for s in sources if s.country == "KZ"}
    report = ReclassifyReport()
    started = time.perf_counter()
    last_id = 0
    while True:
        rows = db.execute(
            "SELECT id, title, text, source, flagged FROM items WHERE id > ? ORDER BY id "
            "LIMIT ?", [last_id, batch]).fetchall()
        if not rows:
            break
        with db.atomic():
            for row in rows:
                newly_flagged, regroup = _reclassify_one(db, row, outlets_kz)
                report.newly_flagged += newly_flagged
                if regroup and not regroup_all:
                    assign_story(db, row[0])
                    report.regrouped += 1
        report.items += len(rows)
        last_id = rows[-1][0]
    if regroup_all:
        report.regrouped = rebuild_stories(db, batch)
    else:
        report.regrouped += group_new_items(db, batch)
    report.seconds = time.perf_counter() - started
    return report
