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
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


def _reclassify_one(db: sqlite_utils.Database, row: tuple, outlets_kz: set[str]) -> bool:
    """Re-detect and re-classify one stored item; True if it is flagged now and was not."""
    item_id, title, text, source, was_flagged = row
    lang = detect_language(f"{title or ''}\n{text or ''}")
    result = classify(title or "", text or "", lang)
    # Relevance from the text, or from the outlet (a Kazakhstan outlet) as the crawl gives it.
    result["kz_relevant"] = bool(result.get("kz_relevant")) or source in outlets_kz
    columns = classification_columns(result)
    columns["lang"] = lang
    db["items"].update(item_id, columns)
    write_classification(db, item_id, result)
    return bool(result["flagged"]) and not was_flagged


def reclassify(db: sqlite_utils.Database, sources: list[Source], batch: int = BATCH
               ) -> ReclassifyReport:
    """Re-classify every stored item in id batches (memory stays flat); triage is untouched.

    Stories are then re-grouped from the new entities; monitors' splits and merges hold.
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
                report.newly_flagged += _reclassify_one(db, row, outlets_kz)
        report.items += len(rows)
        last_id = rows[-1][0]
    rebuild_stories(db, batch)
    report.seconds = time.perf_counter() - started
    return report
