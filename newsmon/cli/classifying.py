"""Commands that classify: classify (JSON lines, no database) and reclassify (stored items)."""

from __future__ import annotations

import json
import sys
from typing import IO

import click

from newsmon.cli.group import cli
from newsmon.cli.options import sources_option
from newsmon.context import AppContext
from newsmon.jobs import classify as classify_job
from newsmon.lock import run_lock
from sites.sources import load_sources


@cli.command("classify")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def classify_cmd(file: IO[str]) -> None:
    """Classify JSON lines {"title", "text", "lang"?, "url"?} from FILE or stdin."""
    classify_job.checked_rules()
    failed = 0
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        result = classify_job.classify_line(line)
        if "error" in result:
            failed += 1
            result = {"line": number, **result}
            click.echo(f"line {number}: {result['error']}", err=True)
        click.echo(json.dumps(result, ensure_ascii=False))
    sys.exit(1 if failed else 0)


@cli.command("reclassify")
@sources_option
@click.option("--regroup-stories", is_flag=True,
              help="Re-group every item into stories from scratch (monitors' splits and "
                   "merges are kept); by default only items whose entities changed.")
@click.pass_obj
def reclassify_cmd(app: AppContext, sources_path: str | None, regroup_stories: bool) -> None:
    """Re-run language detection and classification on all stored items (keeps triage)."""
    sources = load_sources(sources_path)
    with run_lock(app.db_path, "reclassify"):
        db = app.connect(create=False)
        try:
            report = classify_job.reclassify(db, sources, regroup_all=regroup_stories)
        finally:
            db.close()
    click.echo(f"reclassified {report.items} items in {report.seconds:.1f} s "
               f"({report.rate:.0f} items/s)")
    if report.newly_flagged:
        click.echo(f"{report.newly_flagged} item(s) newly flagged: no page was kept when they "
                   "were first seen; the next `newsmon recheck` keeps them as they are now")
