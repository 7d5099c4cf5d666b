"""Records every URL that did not become a stored item, with its stage and reason."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler import signals as newsmon_signals
from store import connect, record_error

logger = logging.getLogger(__name__)


class CrawlRecorder:
    """Scrapy extension writing `crawl_errors` rows for failed fetches, drops and crashes."""

    def __init__(self, crawler: Crawler, db_path: str, run_id: int | None) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.db = None
        self.unwritten: list[tuple[str, str, str, str]] = []  # written again at close

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        db_path = crawler.settings.get("NEWSMON_DB")
        if not db_path:
            raise NotConfigured("NEWSMON_DB is not set")
        ext = cls(crawler, db_path, crawler.settings.getint("NEWSMON_RUN_ID") or None)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.fetch_failed, signal=newsmon_signals.fetch_failed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.db = connect(self.db_path)

    def spider_closed(self, spider: Any) -> None:
        if self.db is not None:
            for row in self.unwritten:  # the database was locked or full when they happened
                self._write(*row)
            self.db.close()

    def _record(self, url: str, stage: str, reason: str) -> None:
        self.crawler.stats.inc_value("newsmon/errors")
        self.crawler.stats.inc_value(f"newsmon/errors/{stage}")
        source = getattr(getattr(self.crawler.spider, "source", None), "name", "")
        if self.db is None:
            self.db = connect(self.db_path)
        if not self._write(source, url, stage, reason):
            self.unwritten.append((source, url, stage, reason))

    def _write(self, source: str, url: str, stage: str, reason: str) -> bool:
        """Write one row (retried while busy); False, logged on one line, if it cannot be."""
        try:
            record_error(self.db, self.run_id, source, url, stage, reason)
            return True
        except sqlite3.Error as exc:
            logger.error("could not record the failure of %s (%s: %s): %s", url[:200], stage,
                         reason[:200], exc)
            return False

    def fetch_failed(self, url: str, stage: str, reason: str, **kwargs: Any) -> None:
        self._record(url, stage, reason)

    def item_dropped(self, item: Any, response: Any, exception: Exception, **kwargs: Any) -> None:
        stage = getattr(exception, "stage", "pipeline")
        reason = getattr(exception, "reason", str(exception))
        self._record(getattr(item, "url", ""), stage, reason)

    def item_error(self, item: Any, response: Any, failure: Any, **kwargs: Any) -> None:
        url = getattr(item, "url", "")
        logger.error("pipeline crashed on %s: %s", url, failure.getErrorMessage())
        crash = f"crash: {failure.type.__name__}: {failure.getErrorMessage()}"
        self._record(url, "pipeline", crash)

    def spider_error(self, failure: Any, response: Any, **kwargs: Any) -> None:
        url = getattr(response, "url", "")
        self._record(url, "parse", f"crash: {failure.type.__name__}: {failure.getErrorMessage()}")
