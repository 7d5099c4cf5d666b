"""Source health for `newsmon sources`: is every outlet still yielding articles?"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from crawler.sources import Source

QUIET_RUNS = 3  # runs without any article found before a source that used to yield is flagged
QUIET_FOR = timedelta(days=1)  # ... or this long since the last run that found articles


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _runs(db: sqlite_utils.Database, source: str) -> list[dict[str, Any]]:
    if "source_runs" not in db.table_names():
        return []
    return list(db.query("SELECT * FROM source_runs WHERE source = ? ORDER BY started_at DESC",
                         [source]))


def _items_since(db: sqlite_utils.Database, source: str, since: datetime) -> int:
    if "items" not in db.table_names():
        return 0
    columns = {c.name for c in db["items"].columns}
    stamp = next((c for c in ("first_seen", "fetched_at") if c in columns), None)
    if not stamp:
        return 0
    sql = f"SELECT count(*) FROM items WHERE source = ? AND {stamp} >= ?"
    return db.execute(sql, [source, since.strftime("%Y-%m-%dT%H:%M:%S")]).fetchone()[0]


def warning(runs: list[dict[str, Any]], now: datetime) -> str:
    """Why a source needs a look, or "" (runs newest first)."""
    if not runs:
        return "never crawled"
    last = runs[0]
    if not last["feeds_fetched"] and last["failed"]:
        failures = json.loads(last["failures_json"] or "{}")
        top = ", ".join(f"{k} ×{v}" for k, v in sorted(failures.items(), key=lambda kv: -kv[1])[:2])
        return f"last run: every feed/listing failed ({top})"
    yielding = [r for r in runs if r["found"]]
    if not yielding:
        return ""  # never yielded: a new source, or a config problem the failures column shows
    quiet = 0
    for run in runs:
        if run["found"]:
            break
        quiet += 1
    if quiet >= QUIET_RUNS:
        return f"no articles found in the last {quiet} runs (it used to yield)"
    last_yield = _parse(yielding[0]["ended_at"])
    if quiet and last_yield and now - last_yield > QUIET_FOR:
        return f"no articles found since {yielding[0]['ended_at']} (it used to yield)"
    return ""


def _last_success(runs: list[dict[str, Any]]) -> str | None:
    return next((r["ended_at"] for r in runs if r["feeds_fetched"]), None)


def source_health(db_path: str, sources: Iterable[Source],
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per source: last run, last successful run, items in 7 days, failures, warning."""
    now = now or datetime.now(UTC)
    rows = []
    try:
        db = sqlite_utils.Database(db_path)
        db.execute("PRAGMA busy_timeout = 30000")
    except sqlite3.Error:
        db = sqlite_utils.Database(memory=True)
    for source in sources:
        runs = _runs(db, source.name)
        last = runs[0] if runs else {}
        rows.append({
            "source": source.name, "title": source.title, "enabled": source.enabled,
            "adapter": source.adapter, "runs": len(runs),
            "last_run": last.get("ended_at"), "last_success": _last_success(runs),
            "last_found": last.get("found"), "last_new": last.get("new"),
            "last_failed": last.get("failed"),
            "last_failures": json.loads(last.get("failures_json") or "{}"),
            "items_7d": _items_since(db, source.name, now - timedelta(days=7)),
            "warning": warning(runs, now) if source.enabled else "",
        })
    return rows
