"""An item's evidence trail, oldest first: the versions kept and every re-check."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

VERSION_SQL = """
SELECT id AS snapshot_id, version, reason, fetched_at AS at, url, final_url, status,
       body_sha256, body_size, text_sha256, title, diff, flagged, classification
FROM snapshots WHERE item_id = ?
"""
RECHECK_SQL = """
SELECT id AS recheck_id, checked_at AS at, outcome, http_status, final_url, detail,
       similarity, snapshot_id, body_sha256, diff
FROM rechecks WHERE item_id = ?
"""


def history(db: sqlite_utils.Database, item_id: int) -> list[dict[str, Any]]:
    """Versions (kind "version") and re-checks (kind "recheck") of `item_id`, by time.

    For the item page: each entry has `kind` and `at` (ISO 8601 UTC); versions carry their
    hashes and the diff from the version before, re-checks their outcome and detail.
    """
    versions = {row["snapshot_id"]: row for row in db.query(VERSION_SQL, [item_id])}
    keyed: list[tuple[tuple[str, int, int], dict[str, Any]]] = []
    for row in db.query(RECHECK_SQL, [item_id]):
        # Timestamps have seconds only: a re-check and the version it stored sort as a pair.
        keyed.append(((row["at"] or "", row["recheck_id"], 1), {"kind": "recheck", **row}))
        made = versions.pop(row["snapshot_id"], None) if row["snapshot_id"] else None
        if made is not None:
            keyed.append(((row["at"] or "", row["recheck_id"], 0), version_entry(made)))
    for row in versions.values():
        keyed.append(((row["at"] or "", 0, row["version"]), version_entry(row)))
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def version_entry(row: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "version", **row,
            "classification": json.loads(row["classification"] or "{}")}
