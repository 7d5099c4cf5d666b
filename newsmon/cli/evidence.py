"""Commands that keep evidence: recheck, verify, export-warc."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

import click

from evidence.recheck import DEFAULT_SCHEDULE, parse_schedule
from evidence.takedown import DEFAULT_CONFIRM_HOURS
from newsmon.cli.group import cli
from newsmon.cli.options import sources_option
from newsmon.context import AppContext
from newsmon.envconfig import env_number, env_parsed, private_hosts
from newsmon.jobs import evidence as evidence_job
from newsmon.lock import run_lock
from sites.sources import load_sources


def _schedule(ctx: click.Context, param: click.Parameter, value: str | None
              ) -> tuple[int, ...]:
    """--schedule, else NEWSMON_RECHECK_SCHEDULE (checked like it), else the default."""
    if value is None:
        return env_parsed("NEWSMON_RECHECK_SCHEDULE", parse_schedule, DEFAULT_SCHEDULE)
    try:
        return parse_schedule(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _from_env(name: str, default: float, maximum: float) -> Any:
    """Callback: the option's value, else the variable `name` (one-line error if bad)."""
    def callback(ctx: click.Context, param: click.Parameter, value: float | None) -> float:
        return value if value is not None else env_number(name, default, maximum=maximum)

    return callback


@cli.command("recheck")
@sources_option
@click.option("--schedule", callback=_schedule, default=None,
              show_default="$NEWSMON_RECHECK_SCHEDULE or "
                           + ",".join(map(str, DEFAULT_SCHEDULE)),
              help="Days after first seen at which an item is re-checked.")
@click.option("--force", is_flag=True, help="Re-check every watched item now, due or not.")
@click.option("--all-due", is_flag=True, help="Re-check all due items (no --limit).")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True,
              help="At most this many items per run (the rest wait for the next run).")
@click.option("--item", "item_ids", type=int, multiple=True,
              help="Re-check this watched item now (repeatable).")
@click.option("--delay", type=click.FloatRange(min=0), default=None,
              callback=_from_env("NEWSMON_RECHECK_DELAY", 1.0, 3600),
              show_default="$NEWSMON_RECHECK_DELAY or 1",
              help="Seconds between requests to one host.")
@click.option("--confirm-after", "confirm_hours", type=click.FloatRange(min=0), default=None,
              callback=_from_env("NEWSMON_RECHECK_CONFIRM_HOURS", DEFAULT_CONFIRM_HOURS,
                                 24 * 366),
              show_default=f"$NEWSMON_RECHECK_CONFIRM_HOURS or {DEFAULT_CONFIRM_HOURS:g}",
              help="Hours between the check that finds a page gone and the one that "
                   "confirms it removed (only then do digests tell).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds for a whole answer (not per read).")
@click.pass_obj
def recheck_cmd(app: AppContext, sources_path: str | None, **options: Any) -> None:
    """Re-fetch watched (flagged) items that are due and record what became of them."""
    sources = load_sources(sources_path)
    with run_lock(app.db_path, "recheck"):
        db = app.connect(create=False)
        try:
            results = evidence_job.recheck(db, sources,
                                           evidence_job.RecheckOptions(
                                               **options, private_hosts=private_hosts()))
        finally:
            db.close()
    for result in results:
        version = f" (kept as version {result.version})" if result.version else ""
        click.echo(f"{result.outcome:<11} item {result.item_id} {result.url}: "
                   f"{result.detail}{version}")
    counts = Counter(result.outcome for result in results)
    summary = ", ".join(f"{counts[k]} {k}" for k in ("unchanged", "edited", "missing", "removed",
                                                      "unreachable") if counts[k])
    click.echo(f"re-checked {len(results)} item(s){': ' + summary if summary else ''}")


@cli.command("verify")
@click.pass_obj
def verify_cmd(app: AppContext) -> None:
    """Check that every kept raw body and text still matches its SHA-256 (exit 1 if not)."""
    from evidence.verify import verify

    db = app.connect(create=False)
    try:
        report = verify(db)
    finally:
        db.close()
    if report.ok:
        click.echo(f"ok: {report.blobs} bodies and {report.snapshots} snapshots match their "
                   "hashes")
        return
    for mismatch in report.mismatches:
        click.echo(f"MISMATCH {mismatch}", err=True)
    click.echo(f"{len(report.mismatches)} mismatch(es) in {report.blobs} bodies and "
               f"{report.snapshots} snapshots", err=True)
    sys.exit(1)


@cli.command("export-warc")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--item", "item_ids", type=int, multiple=True, help="Only this item (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Only items with this topic (repeatable).")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--since", help="Only snapshots fetched on or after this date (YYYY-MM-DD).")
@click.pass_obj
def export_warc_cmd(app: AppContext, out: str, item_ids: tuple[int, ...],
                    topics: tuple[str, ...], sources: tuple[str, ...], since: str | None
                    ) -> None:
    """Write the kept snapshots (original status, headers and bytes) to OUT.warc.gz."""
    from evidence.warc import ExportFilters, export_warc

    db = app.connect(create=False)
    try:
        count = export_warc(db, out, ExportFilters(list(item_ids), list(topics), list(sources),
                                                   since))
    finally:
        db.close()
    if count <= 1:
        click.echo(f"no snapshots match; {out} holds only the warcinfo record", err=True)
    else:
        click.echo(f"wrote {count} records to {out}")
