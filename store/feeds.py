"""Feed validators (ETag / Last-Modified) per feed URL, for conditional GETs next run."""

from __future__ import annotations

import sqlite_utils

from core.clock import utc_now
from store.retry import write


def feed_validators(db: sqlite_utils.Database) -> dict[str, tuple[str, str]]:
    """Feed URL -> (etag, last_modified) saved by earlier runs."""
    rows = db.execute("SELECT url, etag, last_modified FROM feed_state").fetchall()
    return {url: (etag or "", modified or "") for url, etag, modified in rows}


def save_feed_validators(db: sqlite_utils.Database,
                         validators: dict[str, tuple[str, str]]) -> None:
    """Store `url -> (etag, last_modified)` of the feeds whose every entry was handled."""
    if not validators:
        return
    now = utc_now()
    rows = [{"url": url, "etag": etag, "last_modified": modified, "checked_at": now}
            for url, (etag, modified) in validators.items()]
    write(db, lambda db: db["feed_state"].upsert_all(rows, pk="url"),
          what="saving feed validators")


def forget_feed_validators(db: sqlite_utils.Database, urls: list[str]) -> None:
    """Drop saved validators, so the next run fetches these feeds in full."""
    def body(db: sqlite_utils.Database) -> None:
        for url in urls:
            db.execute("DELETE FROM feed_state WHERE url = ?", [url])

    write(db, body, what="forgetting feed validators")
