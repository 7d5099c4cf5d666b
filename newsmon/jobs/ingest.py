"""The single writer of the scale-out mode (`newsmon ingest`): Redis funnel -> one SQLite file.

Reliable queue: a batch is moved to the processing list, written in one transaction, and
acknowledged only after the commit; a writer that starts again first writes what its
predecessor left in the processing list (`crawler.scaleout.queue`). Message ids make that
second write skip what was committed, so a writer killed anywhere loses and duplicates
nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlite_utils

from core.clock import format_utc, now, utc_now
from crawler.scaleout.queue import Funnel, open_redis, redis_errors, safe_url
from crawler.scaleout.state import StateMirror
from crawler.scaleout.wire import QueueUnavailable
from newsmon.context import AppContext
from newsmon.errors import EXIT_ALL_FAILED, EXIT_FAILURES, EXIT_OK
from newsmon.jobs.funnel_writer import FunnelWriter, WriteCounts
from newsmon.lock import run_lock
from store import record_error
from store.feeds import feed_validators

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 200  # messages per transaction
DEFAULT_WAIT = 2.0  # seconds without a message before a draining writer stops
DEFAULT_STALE = 3 * 3600  # a crawler silent this long with no `done` was killed or cut off
KEEP_IDS = timedelta(days=7)  # redelivery happens at the next start; a week is plenty


@dataclass
class IngestReport:
    counts: WriteCounts = field(default_factory=WriteCounts)
    queue_error: str = ""  # Redis unreachable or lost: an outage for the writer
    db_error: str = ""  # the batch stays in the processing list for the next start

    @property
    def exit_code(self) -> int:
        if self.queue_error:
            return EXIT_ALL_FAILED
        return EXIT_FAILURES if self.counts.failures or self.db_error else EXIT_OK

    def failure_lines(self) -> list[str]:
        """What cron mails: the writer's own failures, one line each, grouped."""
        lines = []
        if self.queue_error:
            lines.append(f"newsmon ingest: {self.queue_error}; open runs marked as failed")
        if self.db_error:
            lines.append(f"newsmon ingest: database error, batch kept in Redis for the next "
                         f"start: {self.db_error}")
        failures = self.counts.failures
        for reason in dict.fromkeys(failures):
            count = failures.count(reason)
            lines.append(f"newsmon ingest: {reason}" + (f" (×{count})" if count > 1 else ""))
        return lines[:20]

    def summary(self) -> str:
        c = self.counts
        return (f"newsmon ingest: {sum(c.messages.values())} message(s): {c.items['new']} new, "
                f"{c.items['updated']} updated, {c.items['unchanged']} unchanged, "
                f"{c.items['errors']} crawl error(s) recorded, {len(c.failures)} not written; "
                f"{len(c.runs_closed)} run(s) closed")


def ingest(app: AppContext, redis_url: str, *, follow: bool = False,
           batch: int = DEFAULT_BATCH, wait: float = DEFAULT_WAIT,
           stale_after: float = DEFAULT_STALE, snapshot_all: bool = False,
           stop: Callable[[], bool] | None = None) -> IngestReport:
    """Write the funnel into the database until it stays empty (or `stop()`, with `follow`)."""
    stop = stop or threading.Event().is_set
    with run_lock(app.db_path, "ingest", "ingest"):
        db = app.connect()
        try:
            writer = FunnelWriter(db, app.db_path, snapshot_all)
            report = IngestReport(writer.counts)
            forget_old_ids(db)
            try:
                funnel = Funnel(open_redis(redis_url, socket_timeout=wait + 30))
                drain(funnel, writer, follow=follow, batch=batch, wait=wait,
                      stale_after=stale_after, stop=stop)
            except redis_errors() as exc:
                report.queue_error = (str(exc) if isinstance(exc, QueueUnavailable) else
                                      f"lost Redis at {safe_url(redis_url)}: {exc}")
                fail_open_runs(db, report.queue_error)
            except sqlite3.Error as exc:
                logger.exception("database error while ingesting")
                report.db_error = f"{type(exc).__name__}: {exc}"
            return report
        finally:
            db.close()


def drain(funnel: Funnel, writer: FunnelWriter, *, follow: bool, batch: int, wait: float,
          stale_after: float, stop: Callable[[], bool]) -> None:
    """Leftovers of a killed writer first, then batches until the queue stays empty."""
    mirror = StateMirror(funnel.client)
    leftovers = funnel.leftovers()
    if leftovers:
        logger.info("re-writing %s message(s) an earlier writer took but never acknowledged",
                    len(leftovers))
        write(funnel, writer, mirror, leftovers)
    if not mirror.seeded():  # first start, or Redis restarted without its data
        db = writer.db
        mirror.seed(db.execute("SELECT source, url, fetched_at FROM items"),
                    feed_validators(db))
    while not stop():
        frames = funnel.take(batch, wait)
        if frames:
            write(funnel, writer, mirror, frames)
            continue
        close_stale_runs(writer, stale_after)
        if not follow:
            return


def write(funnel: Funnel, writer: FunnelWriter, mirror: StateMirror, frames: list[bytes]
          ) -> None:
    """One batch: commit, then acknowledge (a crash before the ack re-writes it), then tell
    the crawlers what is now known."""
    writer.write_batch(frames)
    funnel.ack(len(frames))
    changes = writer.changes
    mirror.update(changes.articles, changes.feeds, changes.forgotten)


def close_stale_runs(writer: FunnelWriter, stale_after: float) -> None:
    """Record crawlers that never sent their end (killed, or lost Redis); close their runs."""
    db = writer.db
    cutoff = format_utc(now() - timedelta(seconds=stale_after))
    rows = db.execute(
        "SELECT w.run_key, w.worker, w.source, r.run_id FROM funnel_workers w "
        "JOIN funnel_runs r USING (run_key) WHERE w.ended_at IS NULL AND r.last_at < ?",
        [cutoff]).fetchall()
    if not rows:
        return
    with db.atomic():
        for key, worker, source, run_id in rows:
            writer.fail(run_id, source, "", f"crawler {worker} sent no end of its crawl for "
                        f"{stale_after / 60:.0f} min (killed, or it lost Redis); what it "
                        "pushed is stored")
            db["funnel_workers"].update((key, worker), {"ended_at": utc_now()})
        for key, run_id in {(key, run_id) for key, _, _, run_id in rows}:
            writer.close_if_done(key, run_id)


def fail_open_runs(db: sqlite_utils.Database, reason: str) -> None:
    """The queue is gone: every run still open may have lost messages; say so on each."""
    open_runs = [row[0] for row in db.execute(
        "SELECT r.id FROM crawl_runs r JOIN funnel_runs f ON f.run_id = r.id "
        "WHERE r.status = 'running'").fetchall()]
    with db.atomic():
        for run_id in open_runs:
            record_error(db, run_id, "", "", "ingest", reason)
            errors = db.execute("SELECT count(*) FROM crawl_errors WHERE run_id = ?",
                                [run_id]).fetchone()[0]
            db["crawl_runs"].update(run_id, {"status": "errors", "errors": errors})


def forget_old_ids(db: sqlite_utils.Database) -> None:
    """Message ids and ended crawlers older than KEEP_IDS: never redelivered any more."""
    cutoff = format_utc(now() - KEEP_IDS)
    with db.atomic():
        db.execute("DELETE FROM funnel_messages WHERE at < ?", [cutoff])
        db.execute("DELETE FROM funnel_workers WHERE ended_at < ?", [cutoff])
