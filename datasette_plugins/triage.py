"""Triage writes: validate a change, upsert `triage` and append to `triage_log` together; undo.

Every change is a *batch* (one item or a bulk selection) whose log rows remember the state
they replaced, so `undo_batch` can put it back in one action, itself logged as a batch.
Runs inside Datasette's write thread (`execute_write_fn`) on a plain sqlite3 connection;
every statement is parameterised.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from core.clock import utc_now
from core.domain import TRIAGE_STATUSES

MAX_NOTE = 10_000
MAX_ASSIGNEE = 100


class TriageError(ValueError):
    """A triage form that cannot be applied (unknown status, too long, no items)."""


@dataclass(frozen=True)
class TriageChange:
    status: str
    note: str
    assigned_to: str
    updated_by: str

    @classmethod
    def from_form(cls, form: Any, actor_id: str) -> TriageChange:
        """Build from POSTed form fields; raise TriageError on bad input."""
        status = (form.get("status") or "").strip()
        note = (form.get("note") or "").strip()
        assigned_to = (form.get("assigned_to") or "").strip()
        if status not in TRIAGE_STATUSES:
            raise TriageError(f"status must be one of: {', '.join(TRIAGE_STATUSES)}")
        if len(note) > MAX_NOTE or len(assigned_to) > MAX_ASSIGNEE:
            raise TriageError("note or assignee is too long")
        return cls(status, note, assigned_to, actor_id)


@dataclass(frozen=True)
class UndoResult:
    batch: str
    restored: int
    skipped: int  # changed again since the batch: left as they are


UPSERT_SQL = """
    INSERT INTO triage (item_id, status, note, assigned_to, updated_by, updated_at)
    VALUES (:item_id, :status, :note, :assigned_to, :updated_by, :updated_at)
    ON CONFLICT(item_id) DO UPDATE SET status = excluded.status, note = excluded.note,
      assigned_to = excluded.assigned_to, updated_by = excluded.updated_by,
      updated_at = excluded.updated_at"""
LOG_SQL = """
    INSERT INTO triage_log (item_id, status, note, assigned_to, updated_by, updated_at, batch,
                            prev_status, prev_note, prev_assigned_to, reverts)
    VALUES (:item_id, :status, :note, :assigned_to, :updated_by, :updated_at, :batch,
            :prev_status, :prev_note, :prev_assigned_to, :reverts)"""
CURRENT_SQL = "SELECT status, note, assigned_to FROM triage WHERE item_id = ?"
BATCH_SQL = """
    SELECT l.id, l.item_id, l.status, l.note, l.assigned_to, l.prev_status, l.prev_note,
           l.prev_assigned_to,
           (SELECT max(m.id) FROM triage_log m WHERE m.item_id = l.item_id) AS latest
    FROM triage_log l WHERE l.batch = ? ORDER BY l.id"""
UNDONE_SQL = "SELECT 1 FROM triage_log WHERE reverts = ? LIMIT 1"


def new_batch() -> str:
    return secrets.token_hex(6)


def _write(conn: sqlite3.Connection, rows: list[dict]) -> None:
    """Upsert `triage` and log each row, in one transaction."""
    with conn:
        conn.executemany(UPSERT_SQL, rows)
        conn.executemany(LOG_SQL, rows)


def apply_change(conn: sqlite3.Connection, item_ids: list[int], change: TriageChange,
                 batch: str | None = None) -> int:
    """Record `change` for each existing item in one transaction; return how many changed."""
    now = utc_now()
    batch = batch or new_batch()
    placeholders = ",".join("?" for _ in item_ids)
    existing = [
        row[0] for row in
        conn.execute(f"SELECT id FROM items WHERE id IN ({placeholders})", item_ids)
    ] if item_ids else []
    if not existing:
        raise TriageError("no such item")
    rows = []
    for item_id in existing:
        before = conn.execute(CURRENT_SQL, [item_id]).fetchone() or (None, None, None)
        rows.append({
            "item_id": item_id, "status": change.status, "note": change.note,
            "assigned_to": change.assigned_to, "updated_by": change.updated_by,
            "updated_at": now, "batch": batch, "prev_status": before[0],
            "prev_note": before[1], "prev_assigned_to": before[2], "reverts": None,
        })
    _write(conn, rows)
    return len(rows)


def undo_batch(conn: sqlite3.Connection, batch: str, actor_id: str) -> UndoResult:
    """Put back what `batch` replaced, for items not changed since; log it as a new batch."""
    entries = conn.execute(BATCH_SQL, [batch]).fetchall()
    if not entries:
        raise TriageError("no such change")
    if conn.execute(UNDONE_SQL, [batch]).fetchone():
        raise TriageError("this change was already undone")
    now, undo = utc_now(), new_batch()
    rows = []
    for (log_id, item_id, status, note, assigned, prev_status, prev_note, prev_assigned,
         latest) in entries:
        if latest != log_id:
            continue
        rows.append({
            "item_id": item_id, "status": prev_status or "new", "note": prev_note or "",
            "assigned_to": prev_assigned or "", "updated_by": actor_id, "updated_at": now,
            "batch": undo, "prev_status": status, "prev_note": note,
            "prev_assigned_to": assigned, "reverts": batch,
        })
    if rows:
        _write(conn, rows)
    return UndoResult(undo, len(rows), len(entries) - len(rows))
