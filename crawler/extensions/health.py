"""Per-source run record (`source_runs`): feeds fetched, articles found/new/updated, failures."""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.clock import utc_now
from crawler.signals import fetch_failed
from store import connect, record_source_run

logger = logging.getLogger(__name__)

#: source_runs column -> the stats key the spider or the store stage keeps.
STAT_KEYS = {"feeds_fetched": "newsmon/feeds_fetched",
             "feeds_not_modified": "newsmon/feeds_not_modified",
             "found": "newsmon/articles_found", "new": "newsmon/items_new",
             "updated": "newsmon/items_updated", "unchanged": "newsmon/items_unchanged",
             "skipped": "newsmon/articles_known"}


def reason_class(reason: str) -> str:
    """A failure reason short enough to group by ("HTTP 404", "timeout", "offsite: ...")."""
    return reason.split(" (", 1)[0][:80]


class SourceHealthRecorder:
    """Extension: one `source_runs` row per spider run, written when the spider closes."""

    def __init__(self, crawler: Crawler, db_path: str, run_id: str):
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.failures: Counter[str] = Counter()
        self.started_at = utc_now()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceHealthRecorder:
        db_path = crawler.settings.get("NEWSMON_DB")
        if not db_path or not crawler.settings.getbool("NEWSMON_SOURCE_HEALTH", True):
            raise NotConfigured("no NEWSMON_DB")
        run_id = str(crawler.settings.get("NEWSMON_RUN_ID") or uuid.uuid4().hex[:12])
        recorder = cls(crawler, db_path, run_id)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.fetch_failed, signal=fetch_failed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = utc_now()

    def fetch_failed(self, url: str, stage: str, reason: str) -> None:
        self.failures[f"{stage}: {reason_class(reason)}"] += 1

    def row(self, spider: Spider, reason: str) -> dict:
        """This spider run's `source_runs` row (the scale-out reporter pushes it instead)."""
        source = getattr(getattr(spider, "source", None), "name", spider.name)
        stats = self.crawler.stats
        row = {"run_id": self.run_id, "source": source, "started_at": self.started_at,
               "ended_at": utc_now(), "failed": sum(self.failures.values()),
               "failures_json": json.dumps(dict(self.failures), ensure_ascii=False),
               "finish_reason": reason}
        row.update({col: int(stats.get_value(key, 0) or 0) for col, key in STAT_KEYS.items()})
        return row

    def spider_closed(self, spider: Spider, reason: str) -> None:
        row = self.row(spider, reason)
        source = row["source"]
        db = connect(self.db_path)
        try:
            record_source_run(db, row)
        finally:
            db.close()
        logger.info("source %s: %s", source, row)
