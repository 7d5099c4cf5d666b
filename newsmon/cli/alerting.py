"""`newsmon digest`: the coordinators' emails (the crawl's `run` calls the same job)."""

from __future__ import annotations

import sys

import click

from newsmon.cli.group import cli
from newsmon.cli.options import digest_options
from newsmon.context import AppContext
from newsmon.jobs import digest as digest_job


@cli.command("digest")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Write the messages as .eml files in DIR; record nothing.")
@digest_options
@click.pass_obj
def digest_cmd(app: AppContext, dry_run: str | None, subscriptions_path: str | None,
               base_url: str | None) -> None:
    """Email each due coordinator their new flagged items and removed/edited notices.

    Exit 1 if a send failed (nothing recorded for it; the next run retries).
    """
    report = digest_job.digest(app, subscriptions_path, base_url, dry_run)
    for warning in report.warnings:
        click.echo(f"newsmon digest: warning: {warning}", err=True)
    for _, _, path in report.sent if dry_run else ():
        click.echo(path)
    for failure in report.failures:
        click.echo(f"newsmon digest: {failure} (nothing recorded; the next run retries)",
                   err=True)
    if app.verbose or report.failures:
        click.echo(report.summary(), err=bool(report.failures))
    sys.exit(1 if report.failures else 0)
