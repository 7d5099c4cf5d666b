"""Snapshot stage (after store, priority 950): keep the raw page of flagged items at first sight."""

from __future__ import annotations

import logging
import os

from scrapy.crawler import Crawler

from crawler.items import ArticleItem
from evidence.snapshot import latest_snapshot, snapshot_item
from pipelines.database_stage import DatabaseStage

logger = logging.getLogger(__name__)

TRUE_WORDS = {"1", "true", "yes", "on"}


def snapshot_all_from_env() -> bool:
    """`NEWSMON_SNAPSHOT_ALL=1` in the environment: snapshot every item, not only flagged ones."""
    return os.environ.get("NEWSMON_SNAPSHOT_ALL", "").strip().lower() in TRUE_WORDS


class SnapshotPipeline(DatabaseStage):
    """Snapshots new flagged items, and a new version whenever a watched item's text changes.

    Once an item has a snapshot it stays watched: an edit that removes the words that flagged
    it is exactly the change a monitor needs kept.
    """

    def __init__(self, db_path: str, snapshot_all: bool, crawler: Crawler | None = None) -> None:
        super().__init__(db_path, crawler)
        self.snapshot_all = snapshot_all

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SnapshotPipeline:
        snapshot_all = crawler.settings.getbool("NEWSMON_SNAPSHOT_ALL") or snapshot_all_from_env()
        return cls(crawler.settings.get("NEWSMON_DB"), snapshot_all, crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item_id = item.classification.get("item_id")
        outcome = item.classification.get("store_outcome")
        if item_id is None or outcome is None:
            logger.warning("no item_id/store_outcome on %s: store stage did not run", item.url)
            return item
        reason = self.reason(item_id, outcome, bool(item.classification.get("flagged")))
        if reason:
            result = snapshot_item(self.db, item_id, item, reason)
            if result.created:
                self.inc_stat(f"newsmon/snapshots_{reason}")
                item.classification["snapshot_version"] = result.version
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

    def inc_stat(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
