"""`newsmon triage export` / `import`: decisions as JSON lines, pooled between installations."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from typing import IO

import sqlite_utils

from learning.dataset import DataError
from learning.pool import Outcome, export_records, merge, parse_record
from newsmon.errors import ConfigError


def default_origin() -> str:
    """How this installation signs what it exports (override with --origin)."""
    return socket.gethostname() or "newsmon"


def export_triage(db: sqlite_utils.Database, out: IO[str], origin: str, notes: bool) -> int:
    """Write one JSON line per decided item; how many."""
    count = 0
    for record in export_records(db, origin, notes):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def import_triage(db: sqlite_utils.Database, lines: Iterable[str], name: str, prefer: str,
                  dry_run: bool) -> list[Outcome]:
    """Read every line first (a bad line stops the import before anything is written), then
    merge record by record."""
    records = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                records.append(parse_record(line, f"{name}: line {number}"))
            except DataError as exc:
                raise ConfigError(str(exc)) from None
    outcomes: list[Outcome] = []
    for record in records:
        outcomes.extend(merge(db.conn, record, prefer, dry_run))
    return outcomes
