"""Base for the stages that write the database: one connection per spider run."""

from __future__ import annotations

import sqlite_utils
from scrapy.crawler import Crawler

from store import open_db


class DatabaseStage:
    """Opens `NEWSMON_DB` when the spider opens and closes it when the spider closes."""

    def __init__(self, db_path: str, crawler: Crawler | None = None) -> None:
        self.db_path = db_path
        self.crawler = crawler
        self.db: sqlite_utils.Database | None = None

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()
