"""What earlier runs left in the database: known articles and feed validators (ETag etc.)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

import sqlite_utils

from spiders.feeds import FeedEntry, to_utc_iso

logger = logging.getLogger(__name__)

FEED_STATE_TABLE = "feed_state"


def utcnow() -> str:
    """Now, UTC, ISO 8601 with a Z: the form every timestamp newsmon writes takes."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _open(db_path: str) -> sqlite_utils.Database:
    db = sqlite_utils.Database(db_path)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def known_urls(db_path: str | None, source: str) -> dict[str, str | None]:
    """URL -> last fetch time (else published) of every stored item of `source`.

    Read directly (not via `store.known_urls`) because the incremental rule needs `fetched_at`:
    an article is refetched only when its feed/sitemap date is newer than our last fetch.
    """
    if not db_path:
        return {}
    try:
        db = _open(db_path)
        if "items" not in db.table_names():
            return {}
        columns = {c.name for c in db["items"].columns}
        stamp = [c for c in ("fetched_at", "published") if c in columns]
        expr = f"COALESCE({', '.join(stamp)})" if stamp else "NULL"
        rows = db.execute(f"SELECT url, {expr} FROM items WHERE source = ?", [source]).fetchall()
    except sqlite3.Error as exc:
        logger.warning("cannot read known URLs from %s: %s", db_path, exc)
        return {}
    return {url: to_utc_iso(value) for url, value in rows}


class FeedState:
    """ETag / Last-Modified per feed URL, for conditional GETs (`feed_state` table)."""

    def __init__(self, db_path: str | None):
        self.db_path = db_path
        self._cache: dict[str, dict] = {}
        if not db_path:
            return
        try:
            db = _open(db_path)
            if FEED_STATE_TABLE in db.table_names():
                self._cache = {row["url"]: row for row in db[FEED_STATE_TABLE].rows}
        except sqlite3.Error as exc:
            logger.warning("cannot read %s from %s: %s", FEED_STATE_TABLE, db_path, exc)

    def headers(self, url: str) -> dict[str, str]:
        """Conditional request headers for `url` (empty when never fetched)."""
        row = self._cache.get(url) or {}
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        return headers

    def save(self, validators: dict[str, tuple[str, str]]) -> None:
        """Store `url -> (etag, last_modified)` for the feeds that were fully processed."""
        if not self.db_path or not validators:
            return
        db = _open(self.db_path)
        table = db[FEED_STATE_TABLE]
        table.create({"url": str, "etag": str, "last_modified": str, "checked_at": str},
                     pk="url", if_not_exists=True)
        now = utcnow()
        table.upsert_all(
            [{"url": url, "etag": etag, "last_modified": modified, "checked_at": now}
             for url, (etag, modified) in validators.items()], pk="url")


def changed(entry: FeedEntry, known_stamp: str | None) -> bool:
    """True when the feed/sitemap says the article changed after we last fetched it."""
    stamp = to_utc_iso(entry.updated)
    return bool(stamp and known_stamp and stamp > known_stamp)
