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
        self.write_error = ""  # why the database refused the last row (locked, disk full)

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
        """Write the rows the database refused during the run (locked or full then)."""
        if self.db is None:
            return
        left = list(self.unwritten)
        while left and self._write(*left[0]):
            left.pop(0)
        if left:
            source = left[0][0]
            logger.error("%d failure(s) of %s could not be recorded (%s); their feeds are "
                         "read in full next run", len(left), source, self.write_error)
            self.crawler.stats.set_value("newsmon/errors_unrecorded", len(left))
            self._write(source, "", "store", f"{len(left)} failure(s) could not be recorded: "
                                             f"{self.write_error}")
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
        """Write one row (retried while busy); False if the database refuses it."""
        try:
            record_error(self.db, self.run_id, source, url, stage, reason)
            return True
        except sqlite3.Error as exc:
            if not self.write_error:  # once per run: a full disk refuses every row after
                logger.error("cannot record failures in the database (%s); kept for the end "
                             "of the run", exc)
            self.write_error = str(exc)
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
