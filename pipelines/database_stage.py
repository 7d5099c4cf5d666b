"""Base for the stages that write the database: one connection per spider run."""

from __future__ import annotations

from typing import Self

import sqlite_utils
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from store import connect


class DatabaseStage:
    """Opens `NEWSMON_DB` when the spider opens and closes it when the spider closes."""

    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.db: sqlite_utils.Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        db_path = crawler.settings.get("NEWSMON_DB")
        if not db_path:
            raise NotConfigured("NEWSMON_DB is not set")
        return cls(crawler, db_path)

    def open_spider(self) -> None:
        self.db = connect(self.db_path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()
