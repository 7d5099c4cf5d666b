"""SQLite storage through sqlite-utils: schema migrations, item upserts, crawl runs and errors."""

from store.db import open_db
from store.items import known_urls, save_item
from store.runs import finish_run, record_error, start_run

__all__ = ["open_db", "save_item", "known_urls", "start_run", "finish_run", "record_error"]
