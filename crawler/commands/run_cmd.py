"""`newsmon run`: crawl, then send the due digests; the one line a crontab needs.

Quiet when all went well (cron mails any output), one summary line with -v, errors on
stderr, and with `NEWSMON_LOG_FILE` set a rotating log of every run. Each half keeps its own
lock: a run that finds a crawl going exits at once with 75 (EX_TEMPFAIL); a crawl may
overlap another run's digest, never another crawl, and digests never overlap each other.
"""

from __future__ import annotations

import dataclasses
import logging
import logging.handlers
import os
import sys

import click

from crawler.commands.crawl_cmd import EXIT_LOCKED, run_crawl_job
from crawler.commands.digest_cmd import digest_options, run_digest_job
from crawler.context import AppContext
from crawler.sources import default_sources_path

logger = logging.getLogger(__name__)

LOG_MAX_BYTES = 5_000_000
LOG_BACKUPS = 5


def attach_log_file(path: str) -> None:
    """Log INFO and up to a rotating file, leaving the console as quiet as it was."""
    root = logging.getLogger()
    console_level = root.getEffectiveLevel()
    for handler in root.handlers:
        if handler.level == logging.NOTSET:  # pin, before the root level goes down to INFO
            handler.setLevel(console_level)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    root.addHandler(file_handler)
    root.setLevel(min(console_level, logging.INFO))


def last_crawl_line(app: AppContext) -> str:
    """The latest crawl run's counts, for the summary line."""
    db = app.open_db()
    row = db.execute(
        "SELECT id, status, items_new, items_updated, items_unchanged, errors "
        "FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    if row is None:
        return "crawl: no run recorded"
    return (f"crawl run {row[0]} {row[1]}: {row[2]} new, {row[3]} updated, {row[4]} unchanged, "
            f"{row[5]} errors")


@click.command("run")
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False),
              default=lambda: str(default_sources_path()),
              show_default="$NEWSMON_SOURCES or sources.toml", help="Sources file (TOML).")
@click.option("--only", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting for the crawl, as with `newsmon crawl`.")
@digest_options
@click.pass_obj
def run_cmd(app: AppContext, sources_path: str, only: tuple[str, ...], settings: tuple[str, ...],
            subscriptions_path: str | None, base_url: str | None) -> None:
    """Crawl the enabled sources, then email the due digests (for cron); 75: already running."""
    if log_file := os.environ.get("NEWSMON_LOG_FILE"):
        attach_log_file(log_file)
    quiet = dataclasses.replace(app, verbose=0)  # -v gets one line, not each half's report
    # Scrapy logs every crawl at INFO; cron mails any output, so only -vv lets that through.
    scrapy_log = () if app.verbose > 1 else ("LOG_LEVEL=WARNING",)
    crawl_code = run_crawl_job(quiet, sources_path, only, settings=(*scrapy_log, *settings))
    if crawl_code == EXIT_LOCKED:
        sys.exit(EXIT_LOCKED)
    crawl_line = last_crawl_line(app)
    digest_code, digest_line = run_digest_job(quiet, subscriptions_path, base_url)
    summary = f"newsmon run: {crawl_line}; {digest_line}"
    logger.info("%s", summary)
    if app.verbose:
        click.echo(summary)
    sys.exit(max(crawl_code, digest_code))
