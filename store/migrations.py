"""Schema migrations: small functions applied once each, in order, recorded in `_migrations`.

Each feature appends its own functions with `@migration`; a migration must be safe to run
again (``if_not_exists``) because DDL in SQLite may commit early.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from core.clock import utc_now
from core.domain import TOPICS

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = []



def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration; its name is its identity."""
    MIGRATIONS.append(fn)
    return fn


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet applied; return their names."""
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with db.atomic():
            fn(db)
            db["_migrations"].insert(
                {"name": fn.__name__, "applied_at": utc_now()}
            )
        applied.append(fn.__name__)
    return applied


@migration
def m001_items(db: sqlite_utils.Database) -> None:
    columns: dict[str, type] = {
        "id": int, "url": str, "source": str, "title": str, "text": str, "lang": str,
        "published": str, "authors": str, "fetched_at": str, "first_seen": str,
        "fetched_url": str, "content_hash": str, "flagged": int, "topics": str,
        "kz_relevant": int,
    }
    columns.update({f"score_{topic}": float for topic in TOPICS})
    db["items"].create(columns, pk="id", not_null={"url"}, if_not_exists=True)
    db["items"].create_index(["url"], unique=True, if_not_exists=True)
    for cols in (["source"], ["lang"], ["flagged", "published"], ["published"]):
        db["items"].create_index(cols, if_not_exists=True)
    db["item_topics"].create(
        {"item_id": int, "topic": str, "score": float, "evidence": str},
        pk=("item_id", "topic"), foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["item_topics"].create_index(["topic"], if_not_exists=True)
    db["item_entities"].create(
        {"item_id": int, "kind": str, "value": str},
        pk=("item_id", "kind", "value"), foreign_keys=[("item_id", "items", "id")],
        if_not_exists=True,
    )
    db["item_entities"].create_index(["kind", "value"], if_not_exists=True)


@migration
def m002_items_fts(db: sqlite_utils.Database) -> None:
    # Triggers keep the index in step with every insert, update and delete.
    if "items_fts" not in db.table_names():
        db["items"].enable_fts(["title", "text"], create_triggers=True)


@migration
def m003_triage(db: sqlite_utils.Database) -> None:
    db["triage"].create(
        {"item_id": int, "status": str, "note": str, "assigned_to": str,
         "updated_by": str, "updated_at": str},
        pk="item_id", foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["triage"].create_index(["status"], if_not_exists=True)


@migration
def m004_crawl_log(db: sqlite_utils.Database) -> None:
    db["crawl_runs"].create(
        {"id": int, "started_at": str, "ended_at": str, "status": str, "command": str,
         "sources": str, "items_new": int, "items_updated": int, "items_unchanged": int,
         "errors": int},
        pk="id", if_not_exists=True,
    )
    db["crawl_errors"].create(
        {"id": int, "run_id": int, "source": str, "url": str, "stage": str, "reason": str,
         "at": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True,
    )
    db["crawl_errors"].create_index(["run_id"], if_not_exists=True)


@migration
def m005_digest_log(db: sqlite_utils.Database) -> None:
    db["digest_log"].create(
        {"id": int, "recipient": str, "item_id": int, "sent_at": str, "message_id": str},
        pk="id", foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["digest_log"].create_index(["recipient", "item_id"], unique=True, if_not_exists=True)


@migration
def m006_triage_log(db: sqlite_utils.Database) -> None:
    # Append-only audit of every triage change; `triage` keeps only the latest per item.
    db["triage_log"].create(
        {"id": int, "item_id": int, "status": str, "note": str, "assigned_to": str,
         "updated_by": str, "updated_at": str},
        pk="id", foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["triage_log"].create_index(["item_id", "updated_at"], if_not_exists=True)


@migration
def m_evidence_001_snapshots(db: sqlite_utils.Database) -> None:
    # Evidence (issue #8): raw bodies gzip'd once per SHA-256 in `snapshot_blobs`; one
    # `snapshots` row per version of an item; one `rechecks` row per re-fetch.
    db["snapshot_blobs"].create(
        {"sha256": str, "codec": str, "size": int, "stored_size": int, "data": bytes,
         "created_at": str},
        pk="sha256", if_not_exists=True,
    )
    db["snapshots"].create(
        {"id": int, "item_id": int, "version": int, "reason": str, "fetched_at": str,
         "url": str, "final_url": str, "status": int, "headers": str, "encoding": str,
         "body_sha256": str, "body_size": int, "text_sha256": str, "title": str, "text": str,
         "diff": str, "flagged": int, "classification": str},
        pk="id", foreign_keys=[("item_id", "items", "id"), ("body_sha256", "snapshot_blobs")],
        if_not_exists=True,
    )
    db["snapshots"].create_index(["item_id", "version"], unique=True, if_not_exists=True)
    db["rechecks"].create(
        {"id": int, "item_id": int, "checked_at": str, "outcome": str, "http_status": int,
         "final_url": str, "detail": str, "similarity": float, "snapshot_id": int,
         "headers": str, "body_sha256": str, "diff": str},
        pk="id", foreign_keys=[("item_id", "items", "id"), ("snapshot_id", "snapshots", "id"),
                               ("body_sha256", "snapshot_blobs")],
        if_not_exists=True,
    )
    db["rechecks"].create_index(["item_id", "checked_at"], if_not_exists=True)
    db["rechecks"].create_index(["outcome"], if_not_exists=True)
    columns = {c.name for c in db["items"].columns}
    for name in ("recheck_status", "rechecked_at"):
        if name not in columns:
            db["items"].add_column(name, str)
    db["items"].create_index(["recheck_status"], if_not_exists=True)
    db.create_view("item_versions", ITEM_VERSIONS_SQL, replace=True)
    db.create_view("changed_or_removed", CHANGED_OR_REMOVED_SQL, replace=True)


ITEM_VERSIONS_SQL = """
SELECT s.item_id, i.title AS item_title, i.url, s.version, s.reason, s.fetched_at,
       s.final_url, s.status, s.body_sha256, s.body_size, s.text_sha256, s.title,
       length(s.text) AS text_chars, s.diff, s.id AS snapshot_id
FROM snapshots s JOIN items i ON i.id = s.item_id
ORDER BY s.item_id, s.version
"""

CHANGED_OR_REMOVED_SQL = """
SELECT i.id AS item_id, i.title, i.url, i.source, i.first_seen, i.recheck_status,
       i.rechecked_at,
       (SELECT count(*) FROM snapshots s WHERE s.item_id = i.id) AS versions,
       (SELECT r.detail FROM rechecks r WHERE r.item_id = i.id
        ORDER BY r.checked_at DESC, r.id DESC LIMIT 1) AS last_detail,
       (SELECT min(r.checked_at) FROM rechecks r WHERE r.item_id = i.id
        AND r.outcome = 'removed') AS first_removed_at,
       (SELECT min(s.fetched_at) FROM snapshots s WHERE s.item_id = i.id
        AND s.version > 1) AS first_edited_at
FROM items i
WHERE i.recheck_status IN ('edited', 'removed')
   OR EXISTS (SELECT 1 FROM snapshots s WHERE s.item_id = i.id AND s.version > 1)
   OR EXISTS (SELECT 1 FROM rechecks r WHERE r.item_id = i.id AND r.outcome = 'removed')
"""


@migration
def m_alerts_001_subscriptions(db: sqlite_utils.Database) -> None:
    # Alerts (issue #6): mirror of subscriptions.toml (without a file, the list itself, editable
    # in Datasette); list columns hold JSON arrays. digest_state: when each digest last went out.
    db["subscriptions"].create(
        {"email": str, "name": str, "topics": str, "frequency": str, "label_language": str,
         "regions": str, "persons": str, "sources": str, "languages": str, "origin": str},
        pk="email", not_null={"name", "topics"}, if_not_exists=True,
    )
    db["digest_state"].create(
        {"recipient": str, "last_digest_at": str, "last_sent_at": str, "last_message_id": str},
        pk="recipient", if_not_exists=True,
    )


@migration
def m_bench_001_facet_indexes(db: sqlite_utils.Database) -> None:
    # Benchmarks (issue #9): the triage table page facets flagged items by source and lang;
    # covering indexes let SQLite count them without reading each row's text.
    for cols in (["flagged", "source"], ["flagged", "lang"]):
        db["items"].create_index(cols, if_not_exists=True)


@migration
def m_alerts_002_notices(db: sqlite_utils.Database) -> None:
    # Alerts (issue #8): which re-check (removed/edited) each coordinator was told about, so a
    # digest mentions it once; written only after the SMTP server accepted the message.
    db["digest_notices"].create(
        {"id": int, "recipient": str, "item_id": int, "kind": str, "recheck_id": int,
         "sent_at": str, "message_id": str},
        pk="id", foreign_keys=[("item_id", "items", "id"), ("recheck_id", "rechecks", "id")],
        if_not_exists=True,
    )
    db["digest_notices"].create_index(["recipient", "recheck_id"], unique=True,
                                      if_not_exists=True)
    db["digest_notices"].create_index(["recipient", "item_id"], if_not_exists=True)


@migration
def m_bench_002_queue_order_index(db: sqlite_utils.Database) -> None:
    # Benchmarks (issue #9): the triage queue lists flagged items newest first by
    # coalesce(published, fetched_at); this index hands them over in that order, so the page
    # reads 50 rows instead of sorting every flagged item (207 ms -> 0.6 ms at 1M items).
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_items_queue_order ON items "
        "(flagged, coalesce(published, fetched_at) DESC, id DESC)"
    )


@migration
def m007_fts_update_trigger_on_text_only(db: sqlite_utils.Database) -> None:
    # Re-index an article only when its title or text changes: a re-crawl that only touches
    # fetched_at, and a reclassification, no longer rewrite the full-text index.
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute(
        'CREATE TRIGGER items_au AFTER UPDATE OF title, text ON items BEGIN\n'
        '  INSERT INTO items_fts (items_fts, rowid, title, text)'
        " VALUES('delete', old.rowid, old.title, old.text);\n"
        "  INSERT INTO items_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);\n"
        "END"
    )


@migration
def m008_crawl_state(db: sqlite_utils.Database) -> None:
    # What the spiders remember between runs and what each run did per source; created here
    # (not by the components that write them) so every table has one owner.
    db["feed_state"].create({"url": str, "etag": str, "last_modified": str, "checked_at": str},
                            pk="url", if_not_exists=True)
    db["source_runs"].create(
        {"run_id": str, "source": str, "started_at": str, "ended_at": str,
         "feeds_fetched": int, "feeds_not_modified": int, "found": int, "new": int,
         "updated": int, "unchanged": int, "skipped": int, "failed": int,
         "failures_json": str, "finish_reason": str},
        pk=("run_id", "source"), if_not_exists=True)
    columns = {c.name for c in db["source_runs"].columns}
    if "feeds_not_modified" not in columns:
        db["source_runs"].add_column("feeds_not_modified", int)
    db["source_runs"].create_index(["source", "started_at"], if_not_exists=True)


#: Timestamp columns written before one clock form existed: `+00:00`, naive, date-only.
TIMESTAMP_COLUMNS = {
    "items": ("published", "fetched_at", "first_seen", "rechecked_at"),
    "crawl_runs": ("started_at", "ended_at"), "crawl_errors": ("at",),
    "triage": ("updated_at",), "triage_log": ("updated_at",), "digest_log": ("sent_at",),
    "snapshots": ("fetched_at",), "rechecks": ("checked_at",), "snapshot_blobs": ("created_at",),
    "digest_state": ("last_digest_at", "last_sent_at"), "digest_notices": ("sent_at",),
}


@migration
def m009_one_timestamp_form(db: sqlite_utils.Database) -> None:
    # Rewrite every stored timestamp as YYYY-MM-DDTHH:MM:SSZ (UTC) so they sort as text.
    # SQLite's strftime reads Z, +HH:MM and naive (= UTC) forms; unreadable values are kept.
    tables = set(db.table_names())
    for table, columns in TIMESTAMP_COLUMNS.items():
        if table not in tables:
            continue
        present = {c.name for c in db[table].columns}
        for column in (c for c in columns if c in present):
            db.execute(
                f"UPDATE [{table}] SET [{column}] = "
                f"coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', [{column}]), [{column}]) "
                f"WHERE [{column}] IS NOT NULL AND [{column}] NOT GLOB "
                "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'")


@migration
def m_scale_001_funnel(db: sqlite_utils.Database) -> None:
    # The scale-out writer's memory (`newsmon ingest`): the ids of messages already written, so
    # a batch re-read after a crash is not written twice, and the runs and crawler processes
    # behind the messages, so a run closes when its last crawler reports its end.
    db["funnel_messages"].create({"id": str, "at": str}, pk="id", if_not_exists=True)
    db["funnel_messages"].create_index(["at"], if_not_exists=True)
    db["funnel_runs"].create(
        {"run_key": str, "run_id": int, "dirty_feeds": str, "last_at": str},
        pk="run_key", foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True)
    db["funnel_workers"].create(
        {"run_key": str, "worker": str, "source": str, "started_at": str, "ended_at": str,
         "items_new": int, "items_updated": int, "items_unchanged": int},
        pk=("run_key", "worker"), if_not_exists=True)


@migration
def m_sources_001_discovery(db: sqlite_utils.Database) -> None:
    # Sources (issue #14): feeds and sitemaps found on the sites (never written back to the
    # user's sources.toml), a found feed standing in for a configured one that moved
    # (`replaces`), and other URLs an article answers to (a WordPress `?p=ID` short link).
    db["discovered_feeds"].create(
        {"source": str, "kind": str, "path": str, "how": str, "title": str, "verified": int,
         "replaces": str, "found_at": str, "checked_at": str},
        pk=("source", "kind", "path"), not_null={"replaces"}, defaults={"replaces": ""},
        if_not_exists=True)
    db["article_aliases"].create(
        {"source": str, "key": str, "url": str, "seen_at": str},
        pk=("source", "key"), if_not_exists=True)


@migration
def m_search_001_folded_index(db: sqlite_utils.Database) -> None:
    # Monitors' workspace (issue #15): one folded search index (store/search.py) replaces
    # items_fts, so the queue's box and Datasette's table search find the same items.
    from store import search

    for trigger in ("items_ai", "items_ad", "items_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS items_fts")
    search.create_index(db)
    search.rebuild(db)


@migration
def m_triage_002_undo(db: sqlite_utils.Database) -> None:
    # Monitors' workspace (issue #15): every change remembers the state it replaced and the
    # batch it belongs to, so one action can revert a bulk change (itself logged).
    columns = {c.name for c in db["triage_log"].columns}
    for name in ("batch", "prev_status", "prev_note", "prev_assigned_to", "reverts"):
        if name not in columns:
            db["triage_log"].add_column(name, str)
    db["triage_log"].create_index(["batch"], if_not_exists=True)
    db["triage_log"].create_index(["reverts"], if_not_exists=True)


@migration
def m_faults_001_sessions(db: sqlite_utils.Database) -> None:
    # Logins (issue 18): one row per session, so logout and removal revoke on the server.
    # The cookie holds the token; this table only its SHA-256 and a fingerprint of the
    # password hash it was opened with, so reading the database yields no usable session.
    db["sessions"].create(
        {"id": str, "user": str, "created_at": str, "expires_at": str, "revoked_at": str,
         "password_fp": str},
        pk="id", not_null={"user", "expires_at"}, if_not_exists=True,
    )
    db["sessions"].create_index(["user"], if_not_exists=True)


STORIES_VIEW_SQL = """
SELECT i.story_id,
       (SELECT k.title FROM items k WHERE k.id = i.story_id) AS title,
       min(i.first_seen) AS first_seen, max(i.first_seen) AS last_seen,
       min(coalesce(i.published, i.first_seen)) AS first_published,
       max(coalesce(i.published, i.first_seen)) AS last_published,
       count(*) AS items, count(DISTINCT i.source) AS outlet_count,
       group_concat(DISTINCT i.source) AS outlets, group_concat(DISTINCT i.lang) AS languages,
       (SELECT group_concat(DISTINCT t.topic) FROM items j JOIN item_topics t ON t.item_id = j.id
        WHERE j.story_id = i.story_id) AS topics,
       max(i.flagged) AS flagged
FROM items i GROUP BY i.story_id
"""


@migration
def m_stories_001_story_ids(db: sqlite_utils.Database) -> None:
    # Stories (issue #16): items.story_id (a lone item is its own story, set by a trigger for
    # any writer); the MinHash/entity index the grouping keeps (story_items, story_bands,
    # story_keys); why items were grouped (story_links); the monitors' split/merge decisions
    # (story_decisions, latest per pair) and their log (story_log, append-only, like triage_log).
    if "story_id" not in {c.name for c in db["items"].columns}:
        db["items"].add_column("story_id", int)
    db.execute("UPDATE items SET story_id = id WHERE story_id IS NULL")
    db["items"].create_index(["story_id"], if_not_exists=True)
    # The queue counts stories of flagged items: from this index alone (657 ms -> 23 ms at 1M).
    db["items"].create_index(["flagged", "story_id"], if_not_exists=True)
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS items_story_id AFTER INSERT ON items "
        "WHEN new.story_id IS NULL BEGIN "
        "UPDATE items SET story_id = new.id WHERE id = new.id; END")
    db["story_items"].create(
        {"item_id": int, "lang": str, "day": int, "persons": str, "names": str, "places": str,
         "articles": str, "signature": bytes, "bands": bytes, "indexed_at": str},
        pk="item_id", foreign_keys=[("item_id", "items", "id")], if_not_exists=True)
    db.execute("CREATE TABLE IF NOT EXISTS story_bands (band_key INTEGER NOT NULL, "
               "item_id INTEGER NOT NULL, PRIMARY KEY (band_key, item_id)) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS story_keys (key TEXT NOT NULL, day INTEGER NOT NULL, "
               "item_id INTEGER NOT NULL, PRIMARY KEY (key, day, item_id)) WITHOUT ROWID")
    db["story_links"].create(
        {"item_id": int, "other_id": int, "kind": str, "score": float, "explanation": str,
         "shared": str, "days": int, "linked_at": str},
        pk=("item_id", "other_id"), if_not_exists=True)
    db["story_links"].create_index(["other_id"], if_not_exists=True)
    db["story_decisions"].create(
        {"item_a": int, "item_b": int, "decision": str, "decided_by": str, "decided_at": str},
        pk=("item_a", "item_b"), if_not_exists=True)
    db["story_decisions"].create_index(["item_b"], if_not_exists=True)
    db["story_log"].create(
        {"id": int, "action": str, "item_id": int, "story_id": int, "other_story_id": int,
         "items": int, "note": str, "updated_by": str, "updated_at": str},
        pk="id", if_not_exists=True)
    db["story_log"].create_index(["story_id"], if_not_exists=True)
    db["story_log"].create_index(["item_id"], if_not_exists=True)
    db.create_view("stories", STORIES_VIEW_SQL, replace=True)


@migration
def m_learning_001_feedback_and_model(db: sqlite_utils.Database) -> None:
    # Learning from triage (issue 17). topic_reports: a monitor's word on one topic of one item
    # ("missed": relevant for it, no rule flagged it; "wrong": flagged for it, not about it),
    # latest per (item, topic), with its audit log like triage_log. rule_suggestions: edits
    # to the rule files proposed by `newsmon rules suggest`, kept until accepted or dismissed.
    # model_runs/model_scores: the second-opinion model's runs and its probability per item
    # and topic; it never touches items.flagged or item_topics.
    db["topic_reports"].create(
        {"item_id": int, "topic": str, "verdict": str, "note": str, "reported_by": str,
         "reported_at": str},
        pk=("item_id", "topic"), foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["topic_reports"].create_index(["topic", "verdict"], if_not_exists=True)
    db["topic_reports_log"].create(
        {"id": int, "item_id": int, "topic": str, "verdict": str, "note": str,
         "reported_by": str, "reported_at": str},
        pk="id", foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["topic_reports_log"].create_index(["item_id", "reported_at"], if_not_exists=True)
    db["rule_suggestions"].create(
        {"id": str, "kind": str, "topic": str, "edit": str, "summary": str, "effect": str,
         "net": int, "status": str, "created_at": str, "decided_by": str, "decided_at": str},
        pk="id", if_not_exists=True,
    )
    db["model_runs"].create(
        {"id": int, "trained_at": str, "model_file": str, "sha256": str, "items": int,
         "figures": str},
        pk="id", if_not_exists=True,
    )
    db["model_scores"].create(
        {"item_id": int, "topic": str, "probability": float, "run_id": int},
        pk=("item_id", "topic"), foreign_keys=[("item_id", "items", "id")], if_not_exists=True,
    )
    db["model_scores"].create_index(["probability"], if_not_exists=True)
    db.create_view("model_disagreements", MODEL_DISAGREEMENTS_SQL, replace=True)


#: Items where the model and the rules disagree on a topic: the model says yes (probability
#: at least 0.5) and the rules did not flag it, or the other way round. Two halves so each
#: walks an index (model yes is rare; flagged topics are few) instead of every score.
MODEL_DISAGREEMENTS_SQL = """
SELECT m.item_id, m.topic, m.probability, 0 AS rules_flagged
FROM model_scores m
WHERE m.probability >= 0.5
  AND NOT EXISTS (SELECT 1 FROM item_topics t WHERE t.item_id = m.item_id AND t.topic = m.topic)
UNION ALL
SELECT m.item_id, m.topic, m.probability, 1 AS rules_flagged
FROM item_topics t JOIN model_scores m ON m.item_id = t.item_id AND m.topic = t.topic
WHERE m.probability < 0.5
"""
