"""What discovery found per source, and the other keys an article answers to.

Paths are host-relative, like the sources file's, so a source pointed at a mirror or a local
copy (`Source.with_base_url`) uses what was found on the real host, and the other way round.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from core.clock import utc_now

DISCOVERED_SQL = ("SELECT kind, path, how, title, verified, replaces, found_at, checked_at "
                  "FROM discovered_feeds WHERE source = ? ORDER BY rowid")


def discovered(db: sqlite_utils.Database, source: str) -> list[dict[str, Any]]:
    """Every feed and sitemap found for `source`, in the order they were ranked."""
    return list(db.query(DISCOVERED_SQL, [source]))


def save_discovered(db: sqlite_utils.Database, source: str, rows: list[dict[str, Any]],
                    exact: bool = False) -> None:
    """Upsert found feeds/sitemaps; `found_at` keeps the first sighting, a replacement stays.

    `verified` only ever turns on, unless `exact` (a full check of every candidate) says."""
    now = utc_now()
    known = {(r["kind"], r["path"]): r for r in discovered(db, source)}
    with db.atomic():
        for row in rows:
            old = known.get((row["kind"], row["path"]), {})
            db["discovered_feeds"].upsert({
                "source": source, "kind": row["kind"], "path": row["path"],
                "how": row.get("how") or old.get("how", ""),
                "title": row.get("title") or old.get("title", ""),
                "verified": int(bool(row.get("verified") or (old.get("verified") and not exact))),
                "replaces": row.get("replaces") or old.get("replaces") or "",
                "found_at": old.get("found_at") or now, "checked_at": now,
            }, pk=("source", "kind", "path"))


def forget_discovered(db: sqlite_utils.Database, source: str, paths: list[str]) -> None:
    """Drop found feeds that stopped working, so discovery looks again."""
    with db.atomic():
        for path in paths:
            db.execute("DELETE FROM discovered_feeds WHERE source = ? AND kind = 'feed' "
                       "AND path = ?", [source, path])


def article_aliases(db: sqlite_utils.Database, source: str) -> dict[str, str]:
    """Key -> stored URL, for aliases of articles that really are stored."""
    rows = db.execute(
        "SELECT a.key, a.url FROM article_aliases a JOIN items i ON i.url = a.url "
        "WHERE a.source = ?", [source]).fetchall()
    return dict(rows)


def save_aliases(db: sqlite_utils.Database, source: str, aliases: dict[str, str]) -> None:
    """Remember `key -> url` (e.g. `wp:53106` -> the permalink it redirects or belongs to)."""
    if not aliases:
        return
    now = utc_now()
    with db.atomic():
        db["article_aliases"].upsert_all(
            [{"source": source, "key": key, "url": url, "seen_at": now}
             for key, url in aliases.items()], pk=("source", "key"))
