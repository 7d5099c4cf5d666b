"""SQLite storage through sqlite-utils (ground floor): every table, its migrations, and the one
way to open the database."""

from store.db import StoreError, connect, default_db_path
from store.items import known_articles, save_item
from store.runs import finish_run, record_error, record_source_run, start_run

__all__ = ["StoreError", "connect", "default_db_path", "finish_run", "known_articles",
           "record_error", "record_source_run", "save_item", "start_run"]
