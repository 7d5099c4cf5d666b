"""Open the newsmon database: WAL so Datasette reads while a crawl writes, then migrate."""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from store.migrations import migrate

DEFAULT_DB = "newsmon.db"


def default_db_path() -> str:
    """`NEWSMON_DB` from the environment, else ./newsmon.db (the CLI's default)."""
    return os.environ.get("NEWSMON_DB") or DEFAULT_DB


def open_db(path: str | os.PathLike[str], *, migrate_schema: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path`, in WAL mode, schema up to date."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    # A writer and Datasette's readers share the file: wait for locks instead of failing.
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    # WAL + NORMAL is durable across application crashes; only an OS crash can lose the tail.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    if migrate_schema:
        migrate(db)
    return db
