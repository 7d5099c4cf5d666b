"""Datasette's own writes (triage, sessions): short immediate transactions, retried while busy.

A crawl or `newsmon reclassify` may hold the write lock for a moment; Datasette's write
connection waits only 5 s. Each attempt here is one `BEGIN IMMEDIATE` transaction on the write
thread; between attempts the request sleeps on the event loop (the write thread stays free), so
a save lands as soon as the lock is free instead of failing with a 500.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from store.db import immediate_transaction
from store.retry import is_busy, pauses

T = TypeVar("T")

#: Seconds a web write keeps trying before the visitor is told to try again (503).
WEB_WRITE_PATIENCE = 60.0


class WriteBusy(Exception):
    """The database stayed locked for WEB_WRITE_PATIENCE seconds; nothing was written."""


def in_immediate(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    """`body(conn)` inside one BEGIN IMMEDIATE transaction on Datasette's write connection."""
    with immediate_transaction(conn):
        return body(conn)


async def write_retrying(database: Any, body: Callable[[sqlite3.Connection], T],
                         patience: float = WEB_WRITE_PATIENCE) -> T:
    """Run `body` on Datasette's write thread in an immediate transaction, retried while busy."""
    waits = pauses(patience)
    while True:
        try:
            return await database.execute_write_fn(lambda conn: in_immediate(conn, body))
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            pause = next(waits, None)
            if pause is None:
                raise WriteBusy(str(exc)) from None
            await asyncio.sleep(pause)
