"""Real SQLite files: rows to assert on, and items stored the way the crawl stores them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from store import connect, save_item


def rows(db_path: Path | str, sql: str, params: tuple | list = ()) -> list[tuple]:
    """The rows `sql` returns from the database at `db_path` (read as it is: no migration)."""
    db = connect(db_path, create=False, migrate_schema=False)
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.close()


def classification(topics: list[str] | tuple[str, ...] = (), snippet: str = "",
                   **entities: Any) -> dict[str, Any]:
    """A `classify()`-shaped result flagging `topics` (scores 0.9, 0.8, ...) with evidence."""
    topics = list(topics)
    return {"topics": topics, "flagged": bool(topics),
            "scores": {t: round(0.9 - 0.1 * i, 2) for i, t in enumerate(topics)},
            "evidence": [{"topic": t, "rule": f"{t}-test", "match": t,
                          "snippet": snippet or f"{t} evidence"} for t in topics],
            "kz_relevant": True, "places": [], "persons": [], "articles": [],
            **{k: list(v) for k, v in entities.items()}}


def store_item(db_path: Path | str, url: str, title: str = "Заголовок",
               topics: list[str] | tuple[str, ...] = (), *, text: str | None = None,
               snippet: str = "", places: tuple[str, ...] = (), persons: tuple[str, ...] = (),
               articles: tuple[str, ...] = (), **row: Any) -> int:
    """Save one classified article with `save_item` (as the store stage does); its id."""
    record = {"url": url, "source": "site-a", "title": title,
              "text": text if text is not None else f"{title}. {snippet}", "lang": "ru",
              "published": "2024-11-20T10:00:00Z", "authors": [],
              "fetched_at": "2024-11-21T00:00:00Z", "fetched_url": url,
              "content_hash": hashlib.sha256(f"{url}{title}{text}".encode()).hexdigest(), **row}
    db = connect(db_path)
    try:
        item_id, _ = save_item(db, record, classification(
            topics, snippet, places=places, persons=persons, articles=articles))
        return item_id
    finally:
        db.close()


def set_triage(db_path: Path | str, item_id: int, status: str, by: str = "tester") -> None:
    """Record a triage decision directly (the web form is tested elsewhere)."""
    db = connect(db_path)
    try:
        with db.atomic():
            db["triage"].upsert({"item_id": item_id, "status": status, "updated_by": by,
                                 "updated_at": "2024-05-10T09:00:00Z"}, pk="item_id")
    finally:
        db.close()
