"""Source health for `newsmon sources`: is every outlet still yielding articles?"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from core.clock import format_utc, now, parse_utc
from sites.sources import Source
from store.runs import source_runs

QUIET_RUNS = 3  # runs without any article found before a source that used to yield is flagged
QUIET_FOR = timedelta(days=1)  # ... or this long since the last run that found articles


def _items_since(db: sqlite_utils.Database, source: str, since: datetime) -> int:
    sql = "SELECT count(*) FROM items WHERE source = ? AND first_seen >= ?"
    return db.execute(sql, [source, format_utc(since)]).fetchone()[0]


def _quiet(run: dict[str, Any]) -> bool:
    """Found nothing, and not because every feed answered 304 Not Modified (that is healthy)."""
    return not run["found"] and not (run.get("feeds_not_modified") or 0)


def warning(runs: list[dict[str, Any]], moment: datetime) -> str:
    """Why a source needs a look, or "" (runs newest first)."""
    if not runs:
        return "never crawled"
    last = runs[0]
    if not last["feeds_fetched"] and last["failed"]:
        failures = json.loads(last["failures_json"] or "{}")
        top = ", ".join(f"{k} ×{v}" for k, v in sorted(failures.items(), key=lambda kv: -kv[1])[:2])
        return f"last run: every feed/listing failed ({top})"
    yielding = [r for r in runs if not _quiet(r)]
    if not any(r["found"] for r in runs):
        return ""  # never yielded: a new source, or a config problem the failures column shows
    quiet = 0
    for run in runs:
        if not _quiet(run):
            break
        quiet += 1
    if quiet >= QUIET_RUNS:
        return f"no articles found in the last {quiet} runs (it used to yield)"
    last_yield = parse_utc(yielding[0]["ended_at"]) if yielding else None
    if quiet and last_yield and moment - last_yield > QUIET_FOR:
        return f"no articles found since {yielding[0]['ended_at']} (it used to yield)"
    return ""


def _last_success(runs: list[dict[str, Any]]) -> str | None:
    return next((r["ended_at"] for r in runs if r["feeds_fetched"]), None)


def source_health(db: sqlite_utils.Database, sources: Iterable[Source],
                  moment: datetime | None = None) -> list[dict[str, Any]]:
    """One row per source: last run, last successful run, items in 7 days, failures, warning."""
    moment = moment or now()
    rows = []
    for source in sources:
        runs = source_runs(db, source.name)
        last = runs[0] if runs else {}
        rows.append({
            "source": source.name, "title": source.title, "enabled": source.enabled,
            "adapter": source.adapter, "runs": len(runs),
            "last_run": last.get("ended_at"), "last_success": _last_success(runs),
            "last_found": last.get("found"), "last_new": last.get("new"),
            "last_failed": last.get("failed"),
            "last_failures": json.loads(last.get("failures_json") or "{}"),
            "items_7d": _items_since(db, source.name, moment - timedelta(days=7)),
            "warning": warning(runs, moment) if source.enabled else "",
        })
    return rows
