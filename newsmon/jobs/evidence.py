"""Evidence jobs: re-check flagged items, verify kept hashes, export kept pages as WARC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlite_utils

from evidence.fetch import PoliteFetcher
from evidence.recheck import PageReader, RecheckResult, due_items, run_rechecks
from sites.sources import Source


@dataclass(frozen=True)
class RecheckOptions:
    schedule: tuple[int, ...]
    force: bool = False
    all_due: bool = False
    limit: int = 200
    item_ids: tuple[int, ...] = ()
    delay: float = 1.0
    timeout: float = 30.0
    confirm_hours: float = 24.0  # a page found gone is "removed" only on a check this later
    private_hosts: tuple[str, ...] = ()  # NEWSMON_PRIVATE_HOSTS: may resolve to LAN addresses


def readers_for(sources: list[Source]) -> dict[str, PageReader]:
    """How the crawl reads each source's pages (body selector, proxy), by source name."""
    return {s.name: PageReader(s.body_selector, s.proxy) for s in sources}


def recheck(db: sqlite_utils.Database, sources: list[Source], options: RecheckOptions
            ) -> list[RecheckResult]:
    """Re-fetch the due watched items (or the named ones) and record what became of them."""
    confirm_after = timedelta(hours=options.confirm_hours)
    items = due_items(db, options.schedule, force=options.force, item_ids=options.item_ids,
                      confirm_after=confirm_after)
    if not (options.all_due or options.force or options.item_ids):
        items = items[:options.limit]
    fetcher = PoliteFetcher(delay=options.delay, timeout=options.timeout,
                            private_hosts=options.private_hosts)
    return run_rechecks(db, items, fetcher, readers_for(sources), confirm_after)
