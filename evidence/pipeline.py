"""Snapshot stage (after store, priority 950): keep the raw page of flagged items at first sight."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from crawler.items import ArticleItem
from evidence.snapshot import latest_snapshot, snapshot_item
from pipelines.database_stage import DatabaseStage

logger = logging.getLogger(__name__)


class SnapshotPipeline(DatabaseStage):
    """Snapshots new flagged items, and a new version whenever a watched item's text changes.

    Once an item has a snapshot it stays watched: an edit that removes the words that flagged
    it is exactly the change a monitor needs kept. `NEWSMON_SNAPSHOT_ALL` keeps every item.
    """

    def __init__(self, crawler: Crawler, db_path: str) -> None:
        super().__init__(crawler, db_path)
        self.snapshot_all = crawler.settings.getbool("NEWSMON_SNAPSHOT_ALL")

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.item_id is None or not item.store_outcome:
            logger.warning("no item_id/store_outcome on %s: store stage did not run", item.url)
            return item
        reason = self.reason(item.item_id, item.store_outcome,
                             bool(item.classification.get("flagged")))
        if reason:
            result = snapshot_item(self.db, item.item_id, item, reason)
            if result.created:
                self.crawler.stats.inc_value(f"newsmon/snapshots_{reason}")
                item.snapshot_version = result.version
        return item

    def reason(self, item_id: int, outcome: str, flagged: bool) -> str | None:
        """Why to snapshot this item now (first_seen | updated | backfill), or None."""
        wanted = flagged or self.snapshot_all
        if outcome == "new":
            return "first_seen" if wanted else None
        has_snapshot = latest_snapshot(self.db, item_id) is not None
        if has_snapshot:
            return "updated" if outcome == "updated" else None
        # Stored before snapshots existed, or flagged only now: the first version we can keep.
        return "backfill" if wanted else None
