"""`newsmon verify`: recompute the hashes of every kept snapshot; exit 1 on any mismatch."""

from __future__ import annotations

import click

from crawler.context import AppContext
from evidence.verify import verify


@click.command("verify")
@click.pass_obj
def verify_cmd(app: AppContext) -> None:
    """Check that every kept raw body and text still matches its SHA-256."""
    db = app.open_db()
    report = verify(db)
    if report.ok:
        click.echo(f"ok: {report.blobs} bodies and {report.snapshots} snapshots match their "
                   "hashes")
        return
    for mismatch in report.mismatches:
        click.echo(f"MISMATCH {mismatch}", err=True)
    click.echo(f"{len(report.mismatches)} mismatch(es) in {report.blobs} bodies and "
               f"{report.snapshots} snapshots", err=True)
    raise click.exceptions.Exit(1)
