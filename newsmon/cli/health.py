"""`newsmon sources`: each source's health, and discovery of its feeds on demand."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from newsmon.cli.group import cli
from newsmon.cli.options import sources_option
from newsmon.context import AppContext
from newsmon.errors import ConfigError
from newsmon.jobs import sources as sources_job
from sites.sources import SourcesError, get_source, load_sources


@cli.command("sources")
@sources_option
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.option("--discover", "discover_name", metavar="NAME", default=None,
              help="Look on NAME's site for its feeds and sitemaps, remember and print them.")
@click.pass_obj
def sources_cmd(app: AppContext, sources_path: str | None, as_json: bool,
                discover_name: str | None) -> None:
    """Each source's health and discovery notes; exit 1 when a source needs attention.

    With --discover NAME: the feeds and sitemaps found on NAME's site (exit 1: no feed found).
    """
    sources = load_sources(sources_path)
    if discover_name:
        discover_source(app, sources, discover_name, as_json)
        return
    db = app.connect(create=False)
    try:
        rows = sources_job.source_health(db, sources)
    finally:
        db.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        click.echo(format_sources(rows))
        for row in rows:
            for note in row["notes"]:
                click.echo(f"{row['source']}: {note}")
    sys.exit(1 if any(row["warning"] for row in rows) else 0)


def discover_source(app: AppContext, sources: list, name: str, as_json: bool) -> None:
    """`newsmon sources --discover NAME`: run discovery, print what it found."""
    try:
        source = get_source(sources, name)
    except SourcesError as exc:
        raise ConfigError(str(exc)) from None
    found = [r for r in sources_job.run_discovery(app, source) if r["kind"] in ("feed", "sitemap")]
    if as_json:
        for row in found:
            click.echo(json.dumps({**row, "url": source.url(row["path"])}, ensure_ascii=False))
    else:
        click.echo(sources_job.format_discovered(source, found))
    sys.exit(0 if any(r["kind"] == "feed" and r["verified"] for r in found) else 1)


SOURCE_COLUMNS = (("source", 18), ("enabled", 7), ("last_run", 20), ("last_success", 20),
                  ("items_7d", 8), ("last_found", 10), ("last_failed", 11), ("warning", 0))


def format_sources(rows: list[dict[str, Any]]) -> str:
    """Fixed-width table: one line per source, warnings last so they are never cut."""
    def cell(value: Any, width: int) -> str:
        text = "" if value is None else ("yes" if value is True else "no" if value is False
                                         else str(value))
        return text.ljust(width)[: width or None] if width else text

    lines = ["  ".join(cell(name, width) for name, width in SOURCE_COLUMNS).rstrip()]
    lines += ["  ".join(cell(row.get(name), width) for name, width in SOURCE_COLUMNS).rstrip()
              for row in rows]
    return "\n".join(lines)
