"""`newsmon crawl`: run the enabled sources once, under the run lock."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from crawler.context import AppContext
from crawler.errors import ConfigError
from crawler.lock import AlreadyRunning, run_lock
from crawler.runner import STAT_KEYS, run_crawl, summarise_stats
from crawler.sources import Source, SourcesError, default_sources_path, load_sources
from store import finish_run, start_run

EXIT_LOCKED = 75  # EX_TEMPFAIL: cron may try again later; nothing is wrong


def select_sources(path: str | Path, only: tuple[str, ...]) -> list[Source]:
    """The enabled sources of `path`, or exactly those named by --only (enabled or not)."""
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        raise ConfigError(str(exc)) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc.strerror}") from exc
    if not only:
        return [s for s in sources if s.enabled]
    names = {s.name: s for s in sources}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ConfigError(f"{path}: no source named {', '.join(unknown)}")
    return [names[n] for n in only]


def crawl_sources(
    app: AppContext, sources: list[Source], since: date | None = None,
    overrides: dict | None = None, command: str = "crawl",
) -> tuple[int, dict]:
    """Crawl into the database as one recorded run; return (exit code, run summary)."""
    db = app.open_db()
    run_id = start_run(db, command, [s.name for s in sources])
    db.close()
    per_source = summarise_stats(
        run_crawl(sources, app.db_path, run_id, since, overrides) if sources else {}
    )
    totals = {key: sum(s[key] for s in per_source.values()) for key in STAT_KEYS}
    db = app.open_db()
    run = finish_run(db, run_id, totals)
    db.close()
    run["per_source"] = per_source
    return (1 if run["errors"] else 0), run


def format_run(run: dict) -> str:
    """One line per source and a total: what cron mails and `-v` prints."""
    lines = [
        f"  {name}: {s['items_new']} new, {s['items_updated']} updated, "
        f"{s['items_unchanged']} unchanged, {s['errors']} errors"
        for name, s in sorted(run["per_source"].items())
    ]
    lines.append(
        f"run {run['id']} {run['status']}: {run['items_new']} new, {run['items_updated']} "
        f"updated, {run['items_unchanged']} unchanged, {run['errors']} errors"
    )
    return "\n".join(lines)


def parse_settings(pairs: tuple[str, ...]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs (Scrapy's own convention) as a settings dict."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"-s expects NAME=VALUE, got {pair!r}")
        settings[name.strip()] = value
    return settings


def run_crawl_job(
    app: AppContext, sources_path: str | Path, only: tuple[str, ...] = (),
    since: date | None = None, settings: tuple[str, ...] = (),
) -> int:
    """The crawl as `newsmon crawl` and `newsmon run` do it; returns the exit code."""
    sources = select_sources(sources_path, only)
    overrides = parse_settings(settings)
    holder = ""
    if redis_url := os.environ.get("NEWSMON_REDIS_URL"):
        # Several `newsmon crawl` workers share one queue and dupefilter (docs/scaling.md);
        # each holds the lock of its own worker name, so workers may share the database.
        from crawler.scaleout import redis_settings

        overrides = {**redis_settings(redis_url), **overrides}
        holder = "worker-" + os.environ.get("NEWSMON_REDIS_WORKER", "1")
    try:
        with run_lock(app.db_path, "crawl", holder):
            code, run = crawl_sources(app, sources, since, overrides)
    except AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        return EXIT_LOCKED
    if app.verbose or code:
        click.echo(format_run(run), err=bool(code))
    if code:
        click.echo(f"some pages failed: see crawl_errors for run {run['id']}", err=True)
    return code


@click.command("crawl")
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False),
              default=lambda: str(default_sources_path()),
              show_default="$NEWSMON_SOURCES or ./sources.toml",
              help="Sources file (TOML).")
@click.option("--only", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Backfill archives back to this date (YYYY-MM-DD).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable).")
@click.option("--snapshot-all", is_flag=True,
              help="Keep evidence snapshots of every item, not only flagged ones.")
@click.pass_obj
def crawl_cmd(app: AppContext, sources_path: str, only: tuple[str, ...], since,
              settings: tuple[str, ...], snapshot_all: bool) -> None:
    """Crawl the enabled sources once; exit 0 ok, 1 failures recorded, 2 bad config."""
    if snapshot_all:
        settings = (*settings, "NEWSMON_SNAPSHOT_ALL=True")
    sys.exit(run_crawl_job(app, sources_path, only, since.date() if since else None, settings))
