"""`newsmon sources`: is every outlet still yielding articles, and what did discovery find?

Health reads `source_runs`; the notes read `discovered_feeds` ("feed moved: now X" when a
named feed answered 404/410 and a found one stands in for it). `discover` runs the news
spider in report mode against one source: it reads the pages that name feeds and sitemaps,
tries every candidate feed, remembers them in the database and returns what it found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from core.clock import format_utc, now, parse_utc
from sites.sources import Source
from store.discovered import discovered
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
            "notes": discovery_notes(source, discovered(db, source.name)),
        })
    return rows


def discovery_notes(source: Source, found: list[dict[str, Any]]) -> list[str]:
    """"feed moved: now X (was Y)" per replaced feed; the found feeds of a source naming none."""
    notes = []
    for row in found:
        for old in (row["replaces"] or "").split():
            if row["verified"] and old in source.feeds:
                notes.append(f"feed moved: now {source.url(row['path'])} (was {old})")
    if not source.feeds:
        feeds = [source.url(r["path"]) for r in found if r["kind"] == "feed" and r["verified"]
                 and not r["replaces"]]
        if feeds:
            notes.append(f"feeds found by discovery: {', '.join(feeds)}")
    return notes


def run_discovery(app: Any, source: Source, overrides: dict[str, Any] | None = None
                  ) -> list[dict[str, Any]]:
    """Discover `source`'s feeds and sitemaps on its site (one Scrapy process, report mode),
    remember them, and return the `discovered_feeds` rows."""
    from scrapy.crawler import CrawlerProcess

    from newsmon.jobs.runner import crawl_settings
    from spiders.news import NewsSpider

    db = app.connect()
    db.close()
    settings = crawl_settings(app.db_path, 0, {"NEWSMON_SOURCE_HEALTH": False,
                                               **(overrides or {})})
    process = CrawlerProcess(settings, install_root_handler=False)
    process.crawl(NewsSpider, source=source, discover_only=True)
    process.start()
    db = app.connect()
    try:
        return discovered(db, source.name)
    finally:
        db.close()


def format_discovered(source: Source, rows: list[dict[str, Any]]) -> str:
    """One line per found feed or sitemap: kind, whether it parsed, how found, URL, title."""
    lines = [f"{source.name}: {source.base_url}"]
    for row in (r for r in rows if r["kind"] in ("feed", "sitemap")):
        state = ("-" if row["kind"] == "sitemap" else "ok" if row["verified"] else "no feed")
        title = f"  {row['title']}" if row["title"] else ""
        lines.append(f"  {row['kind']:<8} {state:<8} {row['how']:<13} "
                     f"{source.url(row['path'])}{title}")
    if len(lines) == 1:
        lines.append("  nothing found (no feed links, no /feed/, no sitemap in robots.txt)")
    return "\n".join(lines)
