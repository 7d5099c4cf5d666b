"""Run the real grouping over labelled reports: classify, store, assign in order of arrival."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from classifiers import classify
from store import save_item
from stories.engine import assign


def group_reports(db: sqlite_utils.Database, reports: Sequence[dict[str, Any]]
                  ) -> dict[str, int]:
    """Store each report as the crawl would and group it; report key -> story id."""
    ids: dict[str, int] = {}
    for report in sorted(reports, key=lambda r: (r["published"], r["key"])):
        result = classify(report["title"], report["text"], report["lang"])
        row = {"url": f"https://{report['source']}.example/{report['key']}",
               "source": report["source"], "title": report["title"], "text": report["text"],
               "lang": report["lang"], "published": report["published"], "authors": [],
               "fetched_at": report["published"], "fetched_url": None,
               "content_hash": hashlib.sha256(report["text"].encode()).hexdigest()}
        item_id, _ = save_item(db, row, result)
        with db.atomic():
            assign(db, item_id)
        ids[report["key"]] = item_id
    stories = dict(db.execute("SELECT id, story_id FROM items").fetchall())
    return {key: stories[item_id] for key, item_id in ids.items()}
