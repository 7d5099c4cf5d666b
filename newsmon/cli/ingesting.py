"""The scale-out writer: `newsmon ingest` stores what crawler processes pushed to Redis."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from newsmon.cli.group import cli
from newsmon.context import AppContext
from newsmon.errors import ConfigError
from newsmon.jobs import ingest as ingest_job


@cli.command("ingest")
@click.option("--redis-url", default=None, show_default="$NEWSMON_REDIS_URL",
              help="The Redis the crawler processes push to.")
@click.option("--follow", is_flag=True,
              help="Keep running (a service); by default stop once the queue stays empty.")
@click.option("--wait", default=ingest_job.DEFAULT_WAIT, show_default=True,
              type=click.FloatRange(0.1, 60), help="Seconds of empty queue before stopping.")
@click.option("--batch", default=ingest_job.DEFAULT_BATCH, show_default=True,
              type=click.IntRange(1, 10_000), help="Messages written per transaction.")
@click.option("--stale-after", default=ingest_job.DEFAULT_STALE, show_default=True,
              type=click.IntRange(60), metavar="SECONDS",
              help="Close a run whose crawler has been silent this long without ending.")
@click.option("--snapshot-all", is_flag=True,
              help="Keep evidence snapshots of every item, not only flagged ones.")
@click.pass_obj
def ingest_cmd(app: AppContext, redis_url: str | None, follow: bool, wait: float, batch: int,
               stale_after: int, snapshot_all: bool) -> None:
    """Store the items and failures crawler processes pushed to Redis (scale-out writer).

    The only process that writes the database in the scale-out mode; killing it loses and
    duplicates nothing. Exit 0 all written, 1 some messages not written (recorded),
    3 Redis unreachable, 75 another ingest is running.
    """
    redis_url = redis_url or os.environ.get("NEWSMON_REDIS_URL")
    if not redis_url:
        raise ConfigError("newsmon ingest: no Redis to read: set NEWSMON_REDIS_URL or "
                          "pass --redis-url")
    snapshot_all = snapshot_all or os.environ.get("NEWSMON_SNAPSHOT_ALL", "").lower() in (
        "1", "true", "yes")
    stopping = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.set())  # stop between batches
    try:
        report = ingest_job.ingest(app, redis_url, follow=follow, batch=batch, wait=wait,
                                   stale_after=stale_after, snapshot_all=snapshot_all,
                                   stop=stopping.is_set)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for line in report.failure_lines():
        click.echo(line, err=True)
    if app.verbose:
        click.echo(report.summary())
    sys.exit(report.exit_code)
