"""The one way to open the newsmon database: WAL, a busy timeout, foreign keys, migrations.

Every command, pipeline stage and extension opens it with `connect()` and closes what it
opened. A database that is missing where one must exist, or is not a database at all, is a
`StoreError` with a one-line reason, never an empty file created by mistake or a silent
in-memory stand-in.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from store.migrations import migrate

DEFAULT_DB = "newsmon.db"
BUSY_TIMEOUT_MS = 30_000


class StoreError(RuntimeError):
    """The database cannot be used; the message names the file and the problem."""


def default_db_path() -> str:
    """`NEWSMON_DB` from the environment, else ./newsmon.db (the CLI's default)."""
    return os.environ.get("NEWSMON_DB") or DEFAULT_DB


def connect(
    path: str | os.PathLike[str], *, create: bool = True, migrate_schema: bool = True,
) -> sqlite_utils.Database:
    """Open the database at `path` in WAL mode, schema up to date; the caller closes it.

    With `create=False` a missing file is a StoreError (read-only commands must not leave an
    empty database behind a mistyped `--db`).
    """
    file = Path(path)
    if not create and not file.is_file():
        raise StoreError(f"{file}: no newsmon database here (check --db / NEWSMON_DB)")
    if create:
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite_utils.Database(file)
        # A writer and Datasette's readers share the file: wait for locks instead of failing.
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.enable_wal()
        # WAL + NORMAL is durable across application crashes; only an OS crash loses the tail.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if migrate_schema:
            migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{file}: cannot use the database: {exc}") from None
    return db


@contextmanager
def immediate_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT on a plain connection, rolled back on any error (a failed
    COMMIT included, so the connection is never left inside a half-done transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        if conn.in_transaction:  # a body may end it itself (`with conn:` commits)
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that takes the write lock first (BEGIN IMMEDIATE); a savepoint when one
    is already open.

    In WAL mode a transaction that reads and then writes fails at once ("database is locked",
    no busy wait) when another process wrote in between; taking the lock first makes it wait
    its turn under the busy timeout instead. Several crawler processes share one file.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    with immediate_transaction(db.conn):
        yield db
