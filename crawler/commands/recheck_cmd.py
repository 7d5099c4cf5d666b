"""`newsmon recheck`: re-fetch flagged items (1, 7, 30, 90 days after first seen by default) and
record whether each is unchanged, edited, removed or unreachable."""

from __future__ import annotations

from collections import Counter

import click

from crawler import settings as project_settings
from crawler.context import AppContext
from evidence.fetch import PoliteFetcher
from evidence.recheck import DEFAULT_SCHEDULE, due_items, parse_schedule, run_rechecks


def schedule_option(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        return parse_schedule(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("recheck")
@click.option("--schedule", callback=schedule_option, envvar="NEWSMON_RECHECK_SCHEDULE",
              default=",".join(map(str, DEFAULT_SCHEDULE)), show_default=True,
              help="Days after first seen at which an item is re-checked.")
@click.option("--force", is_flag=True, help="Re-check every watched item now, due or not.")
@click.option("--all-due", is_flag=True, help="Re-check all due items (no --limit).")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True,
              help="At most this many items per run (the rest wait for the next run).")
@click.option("--item", "item_ids", type=int, multiple=True,
              help="Re-check this watched item now (repeatable).")
@click.option("--delay", type=click.FloatRange(min=0), envvar="NEWSMON_RECHECK_DELAY",
              default=project_settings.DOWNLOAD_DELAY, show_default=True,
              help="Seconds between requests to the same host.")
@click.option("--timeout", type=click.FloatRange(min=1), default=project_settings.DOWNLOAD_TIMEOUT,
              show_default=True, help="Seconds to wait for a server.")
@click.pass_obj
def recheck_cmd(app: AppContext, schedule: tuple[int, ...], force: bool, all_due: bool,
                limit: int, item_ids: tuple[int, ...], delay: float, timeout: float) -> None:
    """Re-fetch watched (flagged) items that are due and record what became of them."""
    db = app.open_db()
    items = due_items(db, schedule, force=force, item_ids=item_ids)
    if not (all_due or force or item_ids):
        items = items[:limit]
    fetcher = PoliteFetcher(delay=delay, timeout=timeout)
    results = run_rechecks(db, items, fetcher)
    for result in results:
        version = f" (kept as version {result.version})" if result.version else ""
        click.echo(f"{result.outcome:<11} item {result.item_id} {result.url}: "
                   f"{result.detail}{version}")
    counts = Counter(result.outcome for result in results)
    summary = ", ".join(f"{counts[k]} {k}" for k in ("unchanged", "edited", "removed",
                                                      "unreachable") if counts[k])
    click.echo(f"re-checked {len(results)} item(s){': ' + summary if summary else ''}")
