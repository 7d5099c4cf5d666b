"""The rules report: per-rule and per-topic precision and the reported misses, from the store.

One function for `newsmon rules report` and the Datasette Rules page, so both show the same
figures. Reads only the database and the rule files (no rule compilation); candidate terms,
which need the compiled rules, are added by `learning.candidates`.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from core.clock import utc_now
from core.domain import TOPICS
from learning.catalogue import rule_catalogue
from learning.labels import MISSED, flag_verdict
from learning.precision import Firing, rule_stats, topic_stats

FIRINGS_SQL = """
    SELECT t.item_id, t.topic, t.evidence, tr.status, r.verdict,
           coalesce(i.published, i.fetched_at) AS seen
    FROM item_topics t JOIN items i ON i.id = t.item_id
    LEFT JOIN triage tr ON tr.item_id = t.item_id
    LEFT JOIN topic_reports r ON r.item_id = t.item_id AND r.topic = t.topic"""
MISSED_SQL = """
    SELECT r.item_id, r.topic, r.note, r.reported_by, r.reported_at, i.title, i.url, i.lang,
           EXISTS (SELECT 1 FROM item_topics t WHERE t.item_id = r.item_id
                   AND t.topic = r.topic) AS flagged_now,
           coalesce(i.score_torture, 0), coalesce(i.score_art405, 0),
           coalesce(i.score_detention, 0)
    FROM topic_reports r JOIN items i ON i.id = r.item_id
    WHERE r.verdict = :missed ORDER BY r.reported_at DESC, r.item_id"""


def firings(db: sqlite_utils.Database) -> list[Firing]:
    """Every stored flag with its evidence, the item's triage and its topic report."""
    return [Firing(*row) for row in db.execute(FIRINGS_SQL).fetchall()]


def missed_reports(db: sqlite_utils.Database) -> list[dict]:
    """Items monitors reported missed, with whether a rule flags the topic now."""
    out = []
    for row in db.execute(MISSED_SQL, {"missed": MISSED}).fetchall():
        item_id, topic, note, by, at, title, url, lang, flagged_now, *scores = row
        score = dict(zip(TOPICS, scores, strict=True)).get(topic, 0.0)
        out.append({"item_id": item_id, "topic": topic, "title": title, "url": url,
                    "lang": lang, "reported_by": by, "reported_at": at, "note": note or "",
                    "flagged_now": bool(flagged_now), "score": round(float(score), 2)})
    return out


def build_report(db: sqlite_utils.Database, rules_dir: str | Path | None = None) -> dict:
    """The report as `newsmon rules report --json` prints it (candidate terms not included)."""
    fired = firings(db)
    missed = missed_reports(db)
    rules = rule_stats(fired, rule_catalogue(rules_dir))
    topics = topic_stats(TOPICS, fired, [(m["topic"], m["flagged_now"]) for m in missed])
    return {
        "generated_at": utc_now(),
        "rules": [r.as_dict() for r in rules],
        "topics": [t.as_dict() for t in topics],
        "missed": missed,
    }



def latest_model(db: sqlite_utils.Database) -> dict | None:
    """The last `newsmon learn` run: when, on how many items, its cross-validated figures."""
    row = db.execute("SELECT id, trained_at, items, figures FROM model_runs "
                     "ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return {"run": row[0], "trained_at": row[1], "items": row[2],
            "figures": json.loads(row[3] or "{}")}


def open_suggestions(db: sqlite_utils.Database) -> list[dict]:
    """Suggestions waiting for a monitor, best first."""
    rows = db.execute("SELECT id, kind, topic, summary, effect, net, created_at "
                      "FROM rule_suggestions WHERE status = 'open' ORDER BY net DESC, id")
    return [{"id": i, "kind": k, "topic": t, "summary": s, "effect": json.loads(e or "{}"),
             "net": n, "created_at": c} for i, k, t, s, e, n, c in rows.fetchall()]


RULE_ITEMS_SQL = """
    SELECT i.id, i.title, i.source, i.lang, coalesce(i.published, i.fetched_at) AS seen,
           t.topic, t.score, tr.status, r.verdict
    FROM item_topics t JOIN items i ON i.id = t.item_id
    LEFT JOIN triage tr ON tr.item_id = t.item_id
    LEFT JOIN topic_reports r ON r.item_id = t.item_id AND r.topic = t.topic
    WHERE EXISTS (SELECT 1 FROM json_each(t.evidence) e
                  WHERE json_extract(e.value, '$.rule') = :rule)
    ORDER BY seen DESC, i.id DESC LIMIT :limit OFFSET :offset"""


def rule_items(db: sqlite_utils.Database, rule: str, limit: int = 100, offset: int = 0
               ) -> list[dict]:
    """The items a rule gave evidence for, newest first, with what monitors said."""
    cursor = db.execute(RULE_ITEMS_SQL, {"rule": rule, "limit": limit, "offset": offset})
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        entry = dict(zip(names, row, strict=True))
        entry["decision"] = flag_verdict(entry["status"], entry["verdict"])
        out.append(entry)
    return out
