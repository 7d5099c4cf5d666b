"""Writes funnel messages into the database: the store and evidence stages, runs, failures.

One batch is one SQLite transaction. Each message is written inside its own savepoint, so
one that cannot be written is rolled back alone and its reason recorded in `crawl_errors`
instead; its id goes into `funnel_messages` in the same transaction as its rows, so a batch
read again after a crash skips what was committed.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from scrapy.settings import Settings

from core.clock import utc_now
from crawler.scaleout.wire import BadMessage, Message, decode, message_item
from evidence.pipeline import SnapshotPipeline
from pipelines.store import StorePipeline
from pipelines.stories import StoryPipeline
from store import finish_run, record_error, record_source_run
from store.feeds import forget_feed_validators, save_feed_validators

logger = logging.getLogger(__name__)

OUTCOMES = ("new", "updated", "unchanged")
ADDED_COLUMNS = ("feeds_fetched", "feeds_not_modified", "found", "new", "updated",
                 "unchanged", "skipped", "failed")


@dataclass
class WriteCounts:
    """What the writer did: messages by kind, items by outcome, its own failures (lines)."""

    messages: Counter[str] = field(default_factory=Counter)
    items: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    runs_closed: list[int] = field(default_factory=list)


@dataclass
class StateChanges:
    """What a committed batch changed of the crawlers' memory (`crawler.scaleout.state`)."""

    articles: list[tuple[str, str, str | None]] = field(default_factory=list)
    feeds: dict[str, tuple[str, str]] = field(default_factory=dict)
    forgotten: list[str] = field(default_factory=list)


class _Stats:
    """The part of Scrapy's stats collector the stages use."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


class _StageHost:
    """What the store and evidence stages read of a crawler: settings and stats."""

    def __init__(self, db_path: str, snapshot_all: bool) -> None:
        self.settings = Settings({"NEWSMON_DB": db_path, "NEWSMON_SNAPSHOT_ALL": snapshot_all})
        self.stats = _Stats()


class FunnelWriter:
    """The single writer's per-message logic, over one open database."""

    def __init__(self, db: sqlite_utils.Database, db_path: str, snapshot_all: bool) -> None:
        self.db = db
        host = _StageHost(db_path, snapshot_all)
        # The crawl's own stage classes, so a funnelled item is stored exactly as a local one.
        self.store = StorePipeline.from_crawler(host)  # type: ignore[arg-type]
        self.stories = StoryPipeline.from_crawler(host)  # type: ignore[arg-type]
        self.snapshot = SnapshotPipeline.from_crawler(host)  # type: ignore[arg-type]
        self.store.db = self.stories.db = self.snapshot.db = db
        self.snapshot_all = snapshot_all
        self.counts = WriteCounts()
        self.changes = StateChanges()

    def write_batch(self, frames: list[bytes]) -> None:
        """Write `frames` in one transaction (skipping those written before)."""
        self.changes = StateChanges()
        with self.db.atomic():
            for frame in frames:
                self.write_frame(frame)

    def write_frame(self, frame: bytes) -> None:
        try:
            message = decode(frame)
        except BadMessage as exc:
            self.fail(None, "", "", f"unreadable message ({len(frame)} bytes): {exc}")
            return
        if self.db.execute("SELECT 1 FROM funnel_messages WHERE id = ?",
                           [message.id]).fetchone():
            self.counts.messages["already written"] += 1
            return
        changes = StateChanges()
        try:
            with self.db.atomic():
                getattr(self, f"on_{message.kind}")(message, changes)
            self.changes.articles += changes.articles
            self.changes.feeds.update(changes.feeds)
        except Exception as exc:  # one bad message must not stop the others
            logger.exception("could not write %s message %s", message.kind, message.id)
            run_id = self.run_id(message.run, message.at)
            self.fail(run_id, message.data.get("source", ""), message.data.get("url", ""),
                      f"{message.kind} not written: crash: {type(exc).__name__}: {exc}")
            if origin := message.data.get("origin"):
                self.mark_dirty(message.run, origin)
        self.db["funnel_messages"].insert({"id": message.id, "at": utc_now()})
        self.counts.messages[message.kind] += 1

    def fail(self, run_id: int | None, source: str, url: str, reason: str) -> None:
        """A message the writer could not write: recorded, and reported by `newsmon ingest`."""
        record_error(self.db, run_id, source, url, "ingest", reason)
        self.counts.failures.append(reason)

    # -- runs --------------------------------------------------------------------------------

    def run_id(self, key: str, at: str) -> int:
        """The `crawl_runs` row of run key `key`, opened (or reopened) on first sight."""
        row = self.db.execute("SELECT run_id FROM funnel_runs WHERE run_key = ?",
                              [key]).fetchone()
        if row is None:
            run_id = self.db["crawl_runs"].insert(
                {"started_at": at, "status": "running", "command": "crawl", "sources": "[]",
                 "items_new": 0, "items_updated": 0, "items_unchanged": 0, "errors": 0}
            ).last_pk
            self.db["funnel_runs"].insert({"run_key": key, "run_id": run_id,
                                           "dirty_feeds": "[]", "last_at": at})
            return run_id
        run_id = row[0]
        self.db.execute("UPDATE crawl_runs SET status = 'running', ended_at = NULL "
                        "WHERE id = ? AND status != 'running'", [run_id])
        self.db.execute("UPDATE funnel_runs SET last_at = ? WHERE run_key = ?", [at, key])
        return run_id

    def worker(self, message: Message) -> dict[str, Any]:
        """The `funnel_workers` row of the message's crawler (created on first sight)."""
        pk = (message.run, message.worker)
        table = self.db["funnel_workers"]
        if not self.db.execute("SELECT 1 FROM funnel_workers WHERE run_key = ? AND worker = ?",
                               list(pk)).fetchone():
            table.insert({"run_key": message.run, "worker": message.worker,
                          "source": message.data.get("source", ""), "started_at": message.at,
                          "ended_at": None, "items_new": 0, "items_updated": 0,
                          "items_unchanged": 0})
        return dict(table.get(pk))

    def mark_dirty(self, key: str, feed: str) -> None:
        """A feed with an article not stored: no conditional GET next run, so it is retried."""
        row = self.db.execute("SELECT dirty_feeds FROM funnel_runs WHERE run_key = ?",
                              [key]).fetchone()
        dirty = set(json.loads(row[0] or "[]")) if row else set()
        if row and feed not in dirty:
            self.db.execute("UPDATE funnel_runs SET dirty_feeds = ? WHERE run_key = ?",
                            [json.dumps(sorted(dirty | {feed})), key])
        forget_feed_validators(self.db, [feed])
        self.changes.forgotten.append(feed)

    def close_if_done(self, key: str, run_id: int) -> None:
        """Finish the run once no crawler that started in it is still going."""
        open_workers = self.db.execute(
            "SELECT count(*) FROM funnel_workers WHERE run_key = ? AND ended_at IS NULL",
            [key]).fetchone()[0]
        if open_workers:
            return
        run = self.db["crawl_runs"].get(run_id)
        finish_run(self.db, run_id, {f"items_{o}": run[f"items_{o}"] for o in OUTCOMES})
        self.counts.runs_closed.append(run_id)

    # -- messages ----------------------------------------------------------------------------

    def on_start(self, message: Message, changes: StateChanges) -> None:
        run_id = self.run_id(message.run, message.at)
        self.worker(message)
        run = self.db["crawl_runs"].get(run_id)
        sources = json.loads(run["sources"] or "[]")
        if (source := message.data.get("source")) and source not in sources:
            self.db["crawl_runs"].update(run_id, {"sources": json.dumps(sources + [source])})

    def on_item(self, message: Message, changes: StateChanges) -> None:
        run_id = self.run_id(message.run, message.at)
        self.worker(message)
        item = self.stories.process_item(self.store.process_item(message_item(message)))
        # The writer's --snapshot-all, or the crawler's (`newsmon crawl --snapshot-all`).
        self.snapshot.snapshot_all = self.snapshot_all or bool(message.data.get("snapshot_all"))
        self.snapshot.process_item(item)
        outcome = item.store_outcome
        self.counts.items[outcome] += 1
        self.db.execute(f"UPDATE crawl_runs SET items_{outcome} = items_{outcome} + 1 "
                        "WHERE id = ?", [run_id])
        self.db.execute(f"UPDATE funnel_workers SET items_{outcome} = items_{outcome} + 1 "
                        "WHERE run_key = ? AND worker = ?", [message.run, message.worker])
        changes.articles.append((item.source, item.url, item.fetched_at))

    def on_error(self, message: Message, changes: StateChanges) -> None:
        run_id = self.run_id(message.run, message.at)
        self.worker(message)
        data = message.data
        record_error(self.db, run_id, data.get("source", ""), data.get("url", ""),
                     data.get("stage", ""), data.get("reason", ""))
        self.counts.items["errors"] += 1

    def on_done(self, message: Message, changes: StateChanges) -> None:
        run_id = self.run_id(message.run, message.at)
        worker = self.worker(message)
        self.db["funnel_workers"].update((message.run, message.worker),
                                         {"ended_at": message.at})
        if row := message.data.get("source_run"):
            counts = {o: worker[f"items_{o}"] for o in OUTCOMES}
            self.save_source_run({**row, **counts, "run_id": str(run_id)})
        dirty = set(json.loads(self.db.execute(
            "SELECT dirty_feeds FROM funnel_runs WHERE run_key = ?",
            [message.run]).fetchone()[0] or "[]"))
        feeds = {url: tuple(v) for url, v in (message.data.get("feeds") or {}).items()
                 if url not in dirty}
        save_feed_validators(self.db, feeds)
        changes.feeds.update(feeds)
        self.close_if_done(message.run, run_id)

    def save_source_run(self, row: dict[str, Any]) -> None:
        """One `source_runs` row per run and source, summed over the crawlers of that source."""
        earlier = list(self.db.query("SELECT * FROM source_runs WHERE run_id = ? AND source = ?",
                                     [row["run_id"], row["source"]]))
        if earlier:
            old = earlier[0]
            for column in ADDED_COLUMNS:
                row[column] = int(row.get(column) or 0) + int(old.get(column) or 0)
            failures = Counter(json.loads(old.get("failures_json") or "{}"))
            failures.update(json.loads(row.get("failures_json") or "{}"))
            row["failures_json"] = json.dumps(dict(failures), ensure_ascii=False)
            row["started_at"] = min(filter(None, (row.get("started_at"), old["started_at"])))
        record_source_run(self.db, row)
