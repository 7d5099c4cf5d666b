"""Triage writes: validate a change, then upsert `triage` and append to `triage_log` together.

Runs inside Datasette's write thread (`execute_write_fn`), so it takes a plain sqlite3
connection; every statement is parameterised.
"""

from __future__ import annotations

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


UPSERT_SQL = """
    INSERT INTO triage (item_id, status, note, assigned_to, updated_by, updated_at)
    VALUES (:item_id, :status, :note, :assigned_to, :updated_by, :updated_at)
    ON CONFLICT(item_id) DO UPDATE SET status = excluded.status, note = excluded.note,
      assigned_to = excluded.assigned_to, updated_by = excluded.updated_by,
      updated_at = excluded.updated_at"""
LOG_SQL = """
    INSERT INTO triage_log (item_id, status, note, assigned_to, updated_by, updated_at)
    VALUES (:item_id, :status, :note, :assigned_to, :updated_by, :updated_at)"""


def apply_change(conn: sqlite3.Connection, item_ids: list[int], change: TriageChange) -> int:
    """Record `change` for each existing item in one transaction; return how many changed."""
    now = utc_now()
    placeholders = ",".join("?" for _ in item_ids)
    existing = [
        row[0] for row in
        conn.execute(f"SELECT id FROM items WHERE id IN ({placeholders})", item_ids)
    ] if item_ids else []
    if not existing:
        raise TriageError("no such item")
    rows = [
        {"item_id": item_id, "status": change.status, "note": change.note,
         "assigned_to": change.assigned_to, "updated_by": change.updated_by,
         "updated_at": now}
        for item_id in existing
    ]
    with conn:
        conn.executemany(UPSERT_SQL, rows)
        conn.executemany(LOG_SQL, rows)
    return len(rows)
