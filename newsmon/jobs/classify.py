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
from store.retry import write
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


def _reclassified(row: tuple, outlets_kz: set[str]) -> tuple[int, dict[str, Any], bool]:
    """Re-detect and re-classify one stored item: (id, result, flagged now and was not)."""
    item_id, title, text, source, was_flagged = row
    lang = detect_language(f"{title or ''}\n{text or ''}")
    result = classify(title or "", text or "", lang)
    # Relevance from the text, or from the outlet (a Kazakhstan outlet) as the crawl gives it.
    result["kz_relevant"] = bool(result.get("kz_relevant")) or source in outlets_kz
    result["lang"] = lang
    return item_id, result, bool(result["flagged"]) and not was_flagged


def _store_batch(db: sqlite_utils.Database, results: list[tuple[int, dict[str, Any], bool]],
                 regroup: bool) -> int:
    """One short write transaction for a classified batch (retried while the web writes);
    items whose language or entities changed join the stories they now belong to. Returns
    how many were re-grouped."""
    def body(db: sqlite_utils.Database) -> int:
        regrouped = 0
        for item_id, result, _ in results:
            before = _grouping_keys(db, item_id)
            columns = classification_columns(result)
            columns["lang"] = result["lang"]
            db["items"].update(item_id, columns)
            write_classification(db, item_id, result)
            if regroup and _grouping_keys(db, item_id) != before:
                assign_story(db, item_id)
                regrouped += 1
        return regrouped

    return write(db, body, what="storing reclassified items")


def reclassify(db: sqlite_utils.Database, sources: list[Source], batch: int = BATCH,
               regroup_all: bool = False) -> ReclassifyReport:
    """Re-classify every stored item in id batches (memory stays flat); triage is untouched.

    Classifying happens outside any transaction; each batch is then written in one short
    immediate transaction, so triage saves in Datasette wait milliseconds, not a batch.
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
        results = [_reclassified(row, outlets_kz) for row in rows]
        report.regrouped += _store_batch(db, results, regroup=not regroup_all)
        report.newly_flagged += sum(newly for _, _, newly in results)
        report.items += len(rows)
        last_id = rows[-1][0]
    if regroup_all:
        report.regrouped = rebuild_stories(db, batch)
    else:
        report.regrouped += group_new_items(db, batch)
    report.seconds = time.perf_counter() - started
    return report
