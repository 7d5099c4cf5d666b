"""Snapshots: what a page was at a moment, kept as versions of an item (`snapshots` table)."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crawler.items import ArticleItem
from evidence.blobs import put_blob, text_sha256
from store.retry import write

CLASSIFICATION_KEYS = ("topics", "scores", "flagged", "articles", "places", "persons", "lang")


@dataclass(frozen=True)
class Capture:
    """One fetched response as evidence: the raw bytes and where, when and how they came."""

    url: str  # the item's canonical URL
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str  # ISO 8601 UTC
    encoding: str = ""


@dataclass(frozen=True)
class SnapshotResult:
    snapshot_id: int
    version: int
    created: bool  # False when the latest version already had this text and body


def unified_diff(old: str, new: str, old_label: str = "before", new_label: str = "after") -> str:
    """Line diff of two texts (the form a lawyer can read: - removed, + added)."""
    lines = difflib.unified_diff(
        (old or "").splitlines(), (new or "").splitlines(), old_label, new_label, lineterm=""
    )
    return "\n".join(lines)


def latest_snapshot(db: sqlite_utils.Database, item_id: int) -> dict[str, Any] | None:
    """The newest version of `item_id`, or None if it was never snapshotted."""
    rows = list(db.query(
        "SELECT * FROM snapshots WHERE item_id = ? ORDER BY version DESC LIMIT 1", [item_id]
    ))
    return rows[0] if rows else None


def take_snapshot(
    db: sqlite_utils.Database, item_id: int, capture: Capture, *, title: str, text: str,
    reason: str, classification: dict[str, Any] | None = None, diff: str | None = None,
) -> SnapshotResult:
    """Keep `capture` as the next version of `item_id`, unless the latest has the same text.

    `diff` defaults to the unified diff of the previous version's text; recheck passes its
    own, computed with one extractor on both sides.
    """
    classification = classification or {}
    text_hash = text_sha256(text)

    def body(db: sqlite_utils.Database) -> SnapshotResult:
        previous = latest_snapshot(db, item_id)
        if previous and previous["text_sha256"] == text_hash:
            # A version is a distinct text; a new ad or timestamp in the HTML is not an edit.
            return SnapshotResult(previous["id"], previous["version"], False)
        version = previous["version"] + 1 if previous else 1
        row = {
            "item_id": item_id, "version": version, "reason": reason,
            "fetched_at": capture.fetched_at, "url": capture.url,
            "final_url": capture.final_url, "status": capture.status,
            "headers": json.dumps(capture.headers, ensure_ascii=False, sort_keys=True),
            "encoding": capture.encoding, "body_sha256": put_blob(db, capture.body),
            "body_size": len(capture.body), "text_sha256": text_hash, "title": title,
            "text": text, "diff": diff if diff is not None or not previous else unified_diff(
                previous["text"], text, f"version {previous['version']}",
                f"version {version}"),
            "flagged": int(bool(classification.get("flagged"))),
            "classification": json.dumps(
                {k: classification[k] for k in CLASSIFICATION_KEYS if k in classification},
                ensure_ascii=False, sort_keys=True),
        }
        snapshot_id = db["snapshots"].insert(row).last_pk
        if version > 1:
            db["items"].update(item_id, {"recheck_status": "edited"})
        return SnapshotResult(snapshot_id, version, True)

    return write(db, body, what=f"keeping a snapshot of item {item_id}")


def snapshot_item(
    db: sqlite_utils.Database, item_id: int, item: ArticleItem, reason: str
) -> SnapshotResult:
    """Snapshot a crawled ArticleItem (the pipeline's and the tests' entry point)."""
    capture = Capture(
        url=item.url, final_url=item.fetched_url or item.url, status=item.status,
        headers=dict(item.headers), body=item.body, fetched_at=item.fetched_at,
        encoding=item.encoding,
    )
    return take_snapshot(db, item_id, capture, title=item.title, text=item.text, reason=reason,
                         classification=item.classification)
