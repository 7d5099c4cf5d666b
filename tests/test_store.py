"""The store against a real SQLite file: migrations, upsert by URL, FTS, runs and errors."""

from __future__ import annotations

import json
import re

import pytest

from core.clock import utc_now
from store import StoreError, connect, finish_run, record_error, save_item, start_run
from store.migrations import MIGRATIONS
from store.search import search_ids

CLASSIFIED = {
    "topics": ["torture", "detention"],
    "scores": {"torture": 0.9, "art405": 0.0, "detention": 0.7},
    "flagged": True,
    "evidence": [{"topic": "torture", "rule": "ru.torture.beat", "match": "избили",
                  "snippet": "полицейские избили активиста"},
                 {"topic": "detention", "rule": "ru.det.arrest", "match": "задержан",
                  "snippet": "активист задержан"}],
    "articles": ["146"], "places": ["Aktobe"], "persons": ["Roman Reikhert"],
}


def row(url: str = "https://example.kz/a/1.html", text: str = "полицейские избили активиста",
        content_hash: str = "h1") -> dict:
    return {"url": url, "source": "demo", "title": "Заголовок", "text": text, "lang": "ru",
            "published": "2026-11-20T07:00:00Z", "authors": ["Азаттык"],
            "fetched_at": "2026-11-21T00:00:00+00:00", "fetched_url": url,
            "content_hash": content_hash}


def test_migrations_apply_once_and_enable_wal(db_path):
    db = connect(db_path)
    assert {"items", "item_topics", "item_entities", "triage", "crawl_runs", "crawl_errors",
            "digest_log", "items_search"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    db = connect(db_path)
    assert db["_migrations"].count == len(MIGRATIONS)


def test_upsert_by_url_new_unchanged_updated(db_path):
    db = connect(db_path)
    item_id, outcome = save_item(db, row(), CLASSIFIED)
    assert outcome == "new"
    assert save_item(db, row(), CLASSIFIED) == (item_id, "unchanged")
    changed = row(text="полицейские избили двух активистов", content_hash="h2")
    assert save_item(db, changed, CLASSIFIED) == (item_id, "updated")
    assert db["items"].count == 1
    stored = db["items"].get(item_id)
    assert stored["text"] == "полицейские избили двух активистов"
    assert stored["flagged"] == 1 and json.loads(stored["topics"]) == ["torture", "detention"]
    assert json.loads(stored["authors"]) == ["Азаттык"]


def test_topics_entities_and_evidence_rows(db_path):
    db = connect(db_path)
    item_id, _ = save_item(db, row(), CLASSIFIED)
    topics = {r["topic"]: r for r in db["item_topics"].rows_where("item_id = ?", [item_id])}
    assert set(topics) == {"torture", "detention"}
    assert json.loads(topics["torture"]["evidence"])[0]["match"] == "избили"
    entities = {(r["kind"], r["value"]) for r in db["item_entities"].rows}
    assert entities == {("article", "146"), ("place", "Aktobe"), ("person", "Roman Reikhert")}


def test_full_text_search_finds_cyrillic(db_path):
    db = connect(db_path)
    save_item(db, row(), CLASSIFIED)
    hits = search_ids(db, "избили")
    assert [db["items"].get(h)["title"] for h in hits] == ["Заголовок"]


def test_runs_and_errors(db_path):
    db = connect(db_path)
    run_id = start_run(db, "crawl", ["demo"])
    record_error(db, run_id, "demo", "https://example.kz/broken", "feed", "not XML")
    run = finish_run(db, run_id, {"items_new": 3})
    assert run["status"] == "errors" and run["errors"] == 1 and run["items_new"] == 3
    clean = start_run(db, "crawl", ["demo"])
    assert finish_run(db, clean, {})["status"] == "ok"


def test_killed_run_is_marked_aborted(db_path):
    db = connect(db_path)
    stale = start_run(db, "crawl", ["demo"])  # never finished: the process was killed
    start_run(db, "crawl", ["demo"])
    assert db["crawl_runs"].get(stale)["status"] == "aborted"


def test_a_missing_database_is_an_error_not_a_new_empty_file(tmp_path):
    missing = tmp_path / "typo" / "newsmon.db"
    with pytest.raises(StoreError, match="no newsmon database here"):
        connect(missing, create=False)
    assert not missing.parent.exists()


def test_a_file_that_is_not_a_database_is_an_error(tmp_path):
    junk = tmp_path / "newsmon.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot use the database"):
        connect(junk)


def test_every_component_writes_the_one_timestamp_form(db_path):
    db = connect(db_path)
    run_id = start_run(db, "crawl", ["demo"])
    record_error(db, run_id, "demo", "https://example.kz/x", "feed", "HTTP 404")
    finish_run(db, run_id, {})
    stamps = [*db.execute("SELECT started_at, ended_at FROM crawl_runs").fetchone(),
              db.execute("SELECT at FROM crawl_errors").fetchone()[0],
              db.execute("SELECT applied_at FROM _migrations LIMIT 1").fetchone()[0], utc_now()]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), stamps
