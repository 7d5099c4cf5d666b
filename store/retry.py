"""Writes that wait their turn: short `BEGIN IMMEDIATE` transactions, retried with back-off.

A deferred transaction (`BEGIN`) that reads first and writes later cannot wait for the write
lock: when another connection committed in between, SQLite answers "database is locked" at
once, whatever the busy timeout. `BEGIN IMMEDIATE` takes the write lock up front, where the
busy timeout applies; what still fails busy (a writer holding the lock longer than the timeout)
is retried with growing pauses until `WRITE_PATIENCE` seconds have passed. The crawl's item
writes, the recorder, the re-check, the digest log and Datasette's triage saves all use it.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import sqlite_utils

from store.db import write_transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds a write keeps retrying a busy database before giving up (and recording why).
WRITE_PATIENCE = 120.0
FIRST_PAUSE = 0.05
MAX_PAUSE = 2.0
BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")
FULL_MESSAGES = ("database or disk is full", "disk i/o error")


def is_busy(exc: BaseException) -> bool:
    """True for the lock errors another writer causes (worth retrying)."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        m in str(exc).lower() for m in BUSY_MESSAGES)


def is_disk_full(exc: BaseException) -> bool:
    """True when SQLite could not write for lack of space (or a failing disk)."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        m in str(exc).lower() for m in FULL_MESSAGES)


def pauses(patience: float | None = None, first: float = FIRST_PAUSE,
           longest: float = MAX_PAUSE) -> Iterator[float]:
    """Growing, jittered pauses whose sum stays within `patience` seconds."""
    patience = WRITE_PATIENCE if patience is None else patience
    spent, pause = 0.0, first
    while spent < patience:
        step = min(pause * random.uniform(0.5, 1.5), patience - spent)
        spent += step
        yield step
        pause = min(pause * 2, longest)


def retry_busy(write: Callable[[], T], patience: float | None = None,
               what: str = "write") -> T:
    """Run `write` (a whole transaction) again while the database is busy."""
    waits = pauses(patience)
    while True:
        try:
            return write()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            pause = next(waits, None)
            if pause is None:
                raise
            logger.info("database busy during %s; retrying in %.2fs", what, pause)
            time.sleep(pause)


def write(db: sqlite_utils.Database, body: Callable[[sqlite_utils.Database], T],
          patience: float | None = None, what: str = "write") -> T:
    """`body(db)` in its own immediate transaction, retried whole while the database is busy.

    Inside an open transaction it runs once as a savepoint: the outer writer owns the retry.
    """
    if db.conn.in_transaction:
        with write_transaction(db):
            return body(db)

    def attempt() -> T:
        with write_transaction(db):
            return body(db)

    return retry_busy(attempt, patience, what)
