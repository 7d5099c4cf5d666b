"""Crawl runs and their errors: every URL that did not become an item leaves a reason here."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from core.clock import utc_now
from store.retry import write


def start_run(db: sqlite_utils.Database, command: str, sources: list[str]) -> int:
    """Open a `crawl_runs` row; runs left `running` by a killed process are marked `aborted`."""
    def body(db: sqlite_utils.Database) -> int:
        db.execute("UPDATE crawl_runs SET status = 'aborted' WHERE status = 'running'")
        return db["crawl_runs"].insert(
            {"started_at": utc_now(), "status": "running", "command": command,
             "sources": json.dumps(sources), "items_new": 0, "items_updated": 0,
             "items_unchanged": 0, "errors": 0}
        ).last_pk

    return write(db, body, what="starting a run")


def record_error(
    db: sqlite_utils.Database, run_id: int | None, source: str, url: str, stage: str,
    reason: str,
) -> None:
    """Record why `url` did not become a stored item."""
    row = {"run_id": run_id, "source": source, "url": url[:4000], "stage": stage,
           "reason": reason[:2000], "at": utc_now()}
    write(db, lambda db: db["crawl_errors"].insert(row), what="recording an error")


def finish_run(db: sqlite_utils.Database, run_id: int, counts: dict[str, int],
               status: str | None = None) -> dict:
    """Close the run with its counts; status is `ok` or `errors` by the recorded errors
    (or `status` when the caller knows better, e.g. `failed`)."""
    def body(db: sqlite_utils.Database) -> dict:
        errors = db.execute(
            "SELECT count(*) FROM crawl_errors WHERE run_id = ?", [run_id]).fetchone()[0]
        values = {"ended_at": utc_now(), "status": status or ("errors" if errors else "ok"),
                  "errors": errors}
        values.update({k: int(counts.get(k, 0)) for k in
                       ("items_new", "items_updated", "items_unchanged")})
        db["crawl_runs"].update(run_id, values)
        return dict(db["crawl_runs"].get(run_id))

    return write(db, body, what="finishing a run")


def record_source_run(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Write (or complete) one source's `source_runs` row for a run."""
    write(db, lambda db: db["source_runs"].upsert(row, pk=("run_id", "source")),
          what="recording a source run")


def source_runs(db: sqlite_utils.Database, source: str) -> list[dict[str, Any]]:
    """Every recorded run of `source`, newest first."""
    return list(db.query("SELECT * FROM source_runs WHERE source = ? "
                         "ORDER BY started_at DESC, rowid DESC", [source]))
