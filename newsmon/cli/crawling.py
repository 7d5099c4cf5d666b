"""Commands that crawl and tell: crawl, run (for cron), digest, sources, demo."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from newsmon.cli.group import cli
from newsmon.cli.options import crawl_options, digest_options
from newsmon.context import AppContext
from newsmon.errors import ConfigError
from newsmon.jobs import crawl as crawl_job
from newsmon.jobs import demo as demo_job
from newsmon.jobs import digest as digest_job
from newsmon.jobs import serve as serve_job
from newsmon.jobs.crawl_report import CrawlReport, format_report

logger = logging.getLogger(__name__)


def report_crawl(app: AppContext, report: CrawlReport, per_source: bool = True
                 ) -> None:
    """Quiet when all went well; else one line per failing source and the run's summary."""
    if app.verbose and per_source:
        click.echo(report.format(), err=bool(report.run["errors"]))
    if report.unrecorded:
        click.echo(f"newsmon: {report.unrecorded} failure(s) could not be recorded (the "
                   "database refused the writes: disk full?); their feeds are read in full "
                   "next run", err=True)
    if report.run["errors"]:
        if not (app.verbose and per_source):
            for line in report.failing_lines(app):
                click.echo(line, err=True)
        what = "every source failed" if report.all_failed else "some pages failed"
        click.echo(f"newsmon: {what}: {report.run['errors']} error(s) {report.recorded_in}",
                   err=True)


@cli.command("crawl")
@crawl_options
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Backfill archives back to this date (YYYY-MM-DD).")
@click.option("--snapshot-all", is_flag=True,
              help="Keep evidence snapshots of every item, not only flagged ones.")
@click.pass_obj
def crawl_cmd(app: AppContext, sources_path: str | None, only: tuple[str, ...], settings,
              since, snapshot_all: bool) -> None:
    """Crawl the enabled sources once (exit codes: README)."""
    overrides: dict[str, Any] = crawl_job.parse_settings(settings)
    if snapshot_all or os.environ.get("NEWSMON_SNAPSHOT_ALL", "").lower() in ("1", "true", "yes"):
        overrides["NEWSMON_SNAPSHOT_ALL"] = True
    report = crawl_job.crawl(app, sources_path, only, since.date() if since else None,
                             overrides)
    report_crawl(app, report)
    sys.exit(report.exit_code)


@cli.command("run")
@crawl_options
@digest_options
@click.pass_obj
def run_cmd(app: AppContext, sources_path: str | None, only: tuple[str, ...], settings,
            subscriptions_path: str | None, base_url: str | None) -> None:
    """Crawl the enabled sources, then email the due digests: the one line cron needs."""
    report = crawl_job.crawl(app, sources_path, only, None,
                             crawl_job.parse_settings(settings), command="run")
    report_crawl(app, report, per_source=False)
    digest = digest_job.digest(app, subscriptions_path, base_url, command="run")
    for warning in digest.warnings:
        click.echo(f"newsmon: warning: {warning}", err=True)
    for failure in digest.failures:
        click.echo(f"newsmon: {failure} (nothing recorded; the next run retries)", err=True)
    run = report.run
    summary = (f"newsmon run: crawl run {run['id']} {run['status']}: {run['items_new']} new, "
               f"{run['items_updated']} updated, {run['items_unchanged']} unchanged, "
               f"{run['errors']} errors; {digest.summary()}")
    logger.info("%s", summary)
    if app.verbose:
        click.echo(summary)
    sys.exit(max(report.exit_code, 1 if digest.failures else 0))


@cli.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("newsmon-demo"), show_default=True,
              help="Directory for the demo database.")
@click.option("--reset", is_flag=True, help="Start afresh even if an earlier demo was triaged.")
@click.option("--serve/--no-serve", default=True, help="Serve Datasette after the summary.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def demo_cmd(ctx: click.Context, out_dir: Path, reset: bool, serve: bool, port: int) -> None:
    """Offline demo: serve sample sites on 127.0.0.1, crawl them, summarise, serve Datasette."""
    if ctx.meta.get("db_given"):
        raise ConfigError("newsmon demo keeps its own database in --out DIR (default "
                          "newsmon-demo/); it never uses --db or NEWSMON_DB: drop them")
    out_dir = demo_folder(out_dir, reset)
    db_path = demo_job.fresh_database(out_dir)
    click.echo(f"Crawling the sample sites into {db_path} ...")
    report = demo_job.crawl_demo(db_path, ctx.obj.verbose)
    click.echo(format_report(report))
    click.echo(demo_job.summary(db_path))
    click.echo(f"\nNext: newsmon --db {db_path} digest --dry-run {out_dir / 'mail'}")
    code = report.exit_code
    if serve:
        code = serve_demo(db_path, port) or code
    sys.exit(code)


def demo_folder(out_dir: Path, reset: bool) -> Path:
    """Where this demo goes: never silently over an earlier demo's triage decisions."""
    decisions = 0 if reset else demo_job.earlier_triage(out_dir)
    if not decisions:
        return out_dir
    question = (f"{out_dir}/newsmon.db holds {decisions} triage decision(s) from an earlier "
                "demo. Start afresh there and lose them?")
    if sys.stdin.isatty() and click.confirm(question, default=False):
        return out_dir
    fresh = demo_job.next_free_dir(out_dir)
    click.echo(f"{out_dir}/newsmon.db holds {decisions} triage decision(s) from an earlier "
               f"demo; kept as they are. This demo uses {fresh}/ (--reset starts afresh).")
    return fresh


def serve_demo(db_path: Path, port: int) -> int:
    """Datasette on the demo database, readable without login, with a demo account."""
    from datasette_auth_passwords.utils import hash_password

    env = serve_job.datasette_env(anonymous="read")
    env.setdefault("NEWSMON_USERS", f"{demo_job.DEMO_USER}:{hash_password(demo_job.DEMO_PASSWORD)}")
    click.echo(f"\nDatasette: http://127.0.0.1:{port}/  (log in as {demo_job.DEMO_USER} / "
               f"{demo_job.DEMO_PASSWORD} to triage; Ctrl-C to stop)")
    args = serve_job.datasette_args(db_path, port=port)
    code = serve_job.run_until_stopped(serve_job.start_datasette(args, env))
    return 0 if code == -15 else code
