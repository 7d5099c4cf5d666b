"""`newsmon sources`: the health of every configured source, as a table."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from crawler.health import source_health
from crawler.sources import SourcesError, load_sources

COLUMNS = (("source", 18), ("enabled", 7), ("last_run", 20), ("last_success", 20),
           ("items_7d", 8), ("last_found", 10), ("last_failed", 11), ("warning", 0))


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else ("yes" if value is True else "no" if value is False
                                     else str(value))
    return text.ljust(width)[: width or None] if width else text


def format_table(rows: list[dict[str, Any]]) -> str:
    """Fixed-width table: one line per source, warnings last so they are never cut."""
    lines = ["  ".join(_cell(name, width) for name, width in COLUMNS).rstrip()]
    for row in rows:
        lines.append("  ".join(_cell(row.get(name), width) for name, width in COLUMNS).rstrip())
    return "\n".join(lines)


@click.command("sources")
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False), default=None,
              help="Sources file (default: $NEWSMON_SOURCES, ./sources.toml, project copy).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_context
def sources_cmd(ctx: click.Context, sources_path: str | None, as_json: bool) -> None:
    """Show each source's health: last run, items in 7 days, failures, warnings."""
    db_path = getattr(ctx.obj, "db_path", None) or os.environ.get("NEWSMON_DB") or "newsmon.db"
    try:
        sources = load_sources(sources_path)
    except SourcesError as exc:
        raise click.ClickException(str(exc)) from None
    rows = source_health(db_path, sources)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        click.echo(format_table(rows))
