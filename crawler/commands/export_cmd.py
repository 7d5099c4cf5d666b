"""`newsmon export-warc`: kept snapshots as a WARC file a court or archive can open."""

from __future__ import annotations

import click

from crawler.context import AppContext
from evidence.warc import ExportFilters, export_warc


@click.command("export-warc")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--item", "item_ids", type=int, multiple=True, help="Only this item id (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Only items with this topic (repeatable).")
@click.option("--source", "sources", multiple=True, help="Only this source name (repeatable).")
@click.option("--since", help="Only snapshots fetched on or after this date (YYYY-MM-DD).")
@click.pass_obj
def export_warc_cmd(app: AppContext, out: str, item_ids: tuple[int, ...],
                    topics: tuple[str, ...], sources: tuple[str, ...], since: str | None
                    ) -> None:
    """Write the kept snapshots (original status, headers and bytes) to OUT.warc.gz."""
    filters = ExportFilters(list(item_ids), list(topics), list(sources), since)
    db = app.open_db()
    count = export_warc(db, out, filters)
    if count <= 1:
        click.echo(f"no snapshots match; {out} holds only the warcinfo record", err=True)
    else:
        click.echo(f"wrote {count} records to {out}")
