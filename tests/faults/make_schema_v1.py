"""Make tests/faults/fixtures/schema_v1.db: a database as the first release (m001-m005) left it.

Run once (`python -m tests.faults.make_schema_v1`) and commit the file: later migrations must
carry it forward without loss (tests/faults/test_data_safety.py). Uses the migration functions
by name so the fixture keeps the first release's schema even after MIGRATIONS grows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from store.migrations import (
    m001_items,
    m002_items_fts,
    m003_triage,
    m004_crawl_log,
    m005_digest_log,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema_v1.db"
V1 = (m001_items, m002_items_fts, m003_triage, m004_crawl_log, m005_digest_log)

ITEMS = [
    {"id": 1, "url": "https://rus.azattyq.org/a/pytki/33000001.html", "source": "azattyq-ru",
     "title": "Полицейских обвиняют в пытках в Актобе", "lang": "ru", "flagged": 1,
     "text": "Адвокат заявил, что сотрудники полиции применяли пытки к задержанному.",
     "topics": ["torture"], "scores": {"torture": 0.92}},
    {"id": 2, "url": "https://www.azattyq.org/a/ustaldy/33000002.html", "source": "azattyq-kk",
     "title": "Алматыда белсенді ұсталды", "lang": "kk", "flagged": 1,
     "text": "Полиция белсендіні ұстады. Ол 405-бап бойынша айыпталып отыр.",
     "topics": ["detention", "art405"], "scores": {"detention": 0.81, "art405": 0.7}},
    {"id": 3, "url": "https://vlast.kz/novosti/3-pogoda.html", "source": "vlast-ru",
     "title": "Погода в Астане", "lang": "ru", "flagged": 0, "text": "Завтра солнечно.",
     "topics": [], "scores": {}},
]


def build(path: Path = FIXTURE) -> None:
    """Write the fixture (replacing any old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    stamp = datetime(2024, 5, 1, tzinfo=UTC).isoformat()
    for fn in V1:
        fn(db)
        db["_migrations"].insert({"name": fn.__name__, "applied_at": stamp})
    for item in ITEMS:
        scores = item["scores"]
        db["items"].insert({
            "id": item["id"], "url": item["url"], "source": item["source"],
            "title": item["title"], "text": item["text"], "lang": item["lang"],
            "published": "2024-05-06T09:00:00Z", "authors": json.dumps(["Staff"]),
            "fetched_at": stamp, "first_seen": stamp, "fetched_url": item["url"],
            "content_hash": f"hash{item['id']}", "flagged": item["flagged"],
            "topics": json.dumps(item["topics"]), "kz_relevant": 1,
            **{f"score_{t}": scores.get(t, 0.0) for t in ("torture", "art405", "detention")}})
        for topic in item["topics"]:
            db["item_topics"].insert({"item_id": item["id"], "topic": topic,
                                      "score": scores[topic], "evidence": json.dumps(
                                          [{"topic": topic, "rule": f"v1.{topic}",
                                            "match": "x", "snippet": "x"}])})
    db["item_entities"].insert_all([
        {"item_id": 1, "kind": "place", "value": "Aktobe"},
        {"item_id": 1, "kind": "person", "value": "Roman Reikhert"},
        {"item_id": 2, "kind": "article", "value": "405"}])
    db["triage"].insert({"item_id": 1, "status": "relevant", "note": "call the lawyer",
                         "assigned_to": "alice", "updated_by": "alice", "updated_at": stamp})
    db["triage"].insert({"item_id": 3, "status": "not_relevant", "note": "",
                         "assigned_to": "", "updated_by": "bob", "updated_at": stamp})
    db["crawl_runs"].insert({"id": 1, "started_at": stamp, "ended_at": stamp, "status": "errors",
                             "command": "crawl", "sources": json.dumps(["azattyq-ru"]),
                             "items_new": 3, "items_updated": 0, "items_unchanged": 0,
                             "errors": 1})
    db["crawl_errors"].insert({"id": 1, "run_id": 1, "source": "azattyq-ru",
                               "url": "https://rus.azattyq.org/a/x/1.html", "stage": "fetch",
                               "reason": "HTTP 404", "at": stamp})
    db["digest_log"].insert({"id": 1, "recipient": "alice@example.org", "item_id": 1,
                             "sent_at": stamp, "message_id": "<v1@newsmon>"})
    db.conn.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    build()
    print(f"wrote {FIXTURE}")
