"""Topic reports: a monitor says an item was missed for a topic, or flagged for a wrong one.

Written like triage: the latest word per (item, topic) in `topic_reports` and every change
appended to `topic_reports_log`, in one transaction, on a plain sqlite3 connection (Datasette's
write thread hands one over; jobs pass `db.conn`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from core.clock import utc_now
from core.domain import TOPICS
from learning.labels import MISSED, VERDICTS, WRONG

WITHDRAWN = "withdrawn"
MAX_NOTE = 10_000


class FeedbackError(ValueError):
    """A topic report that cannot be recorded. `kind` names the problem so an interface can
    say it in its own language; the message says it in English."""

    def __init__(self, kind: str, message: str, **params: str) -> None:
        super().__init__(message % params if params else message)
        self.kind, self.params = kind, params


@dataclass(frozen=True)
class TopicReport:
    item_id: int
    topic: str
    verdict: str  # missed | wrong | withdrawn
    note: str
    reported_by: str
    reported_at: str = ""


UPSERT_SQL = """
    INSERT INTO topic_reports (item_id, topic, verdict, note, reported_by, reported_at)
    VALUES (:item_id, :topic, :verdict, :note, :reported_by, :reported_at)
    ON CONFLICT(item_id, topic) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
      reported_by = excluded.reported_by, reported_at = excluded.reported_at"""
LOG_SQL = """
    INSERT INTO topic_reports_log (item_id, topic, verdict, note, reported_by, reported_at)
    VALUES (:item_id, :topic, :verdict, :note, :reported_by, :reported_at)"""


def check(conn: sqlite3.Connection, report: TopicReport) -> None:
    """Raise FeedbackError unless `report` makes sense for the item as it is flagged now."""
    if report.topic not in TOPICS:
        raise FeedbackError("topic", "topic must be one of: %(topics)s",
                            topics=", ".join(TOPICS))
    if report.verdict not in (*VERDICTS, WITHDRAWN):
        raise FeedbackError("verdict", "verdict must be one of: %(verdicts)s",
                            verdicts=", ".join((*VERDICTS, WITHDRAWN)))
    if len(report.note) > MAX_NOTE:
        raise FeedbackError("note", "note is too long")
    if conn.execute("SELECT 1 FROM items WHERE id = ?", [report.item_id]).fetchone() is None:
        raise FeedbackError("item", "no such item")
    flagged = conn.execute("SELECT 1 FROM item_topics WHERE item_id = ? AND topic = ?",
                           [report.item_id, report.topic]).fetchone() is not None
    if report.verdict == MISSED and flagged:
        raise FeedbackError("flagged", "the item is already flagged %(topic)s",
                            topic=report.topic)
    if report.verdict == WRONG and not flagged:
        raise FeedbackError("unflagged", "the item is not flagged %(topic)s",
                            topic=report.topic)


def record(conn: sqlite3.Connection, report: TopicReport) -> None:
    """Check `report`, then store it and log it together (a withdrawal removes the word)."""
    check(conn, report)
    row = {"item_id": report.item_id, "topic": report.topic, "verdict": report.verdict,
           "note": report.note, "reported_by": report.reported_by,
           "reported_at": report.reported_at or utc_now()}
    with conn:
        if report.verdict == WITHDRAWN:
            conn.execute("DELETE FROM topic_reports WHERE item_id = ? AND topic = ?",
                         [report.item_id, report.topic])
        else:
            conn.execute(UPSERT_SQL, row)
        conn.execute(LOG_SQL, row)


def item_reports(conn: sqlite3.Connection, item_id: int) -> list[dict]:
    """The current topic reports of one item."""
    cursor = conn.execute(
        "SELECT topic, verdict, note, reported_by, reported_at FROM topic_reports "
        "WHERE item_id = ? ORDER BY topic", [item_id])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
