"""What every subcommand gets from the global options (`click.pass_obj`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlite_utils

from store import connect


@dataclass
class AppContext:
    db_path: str
    verbose: int = 0

    def connect(self, create: bool = True) -> sqlite_utils.Database:
        """The database, migrated; `create=False` for commands that only read an existing one."""
        return connect(self.db_path, create=create)

    @property
    def log_level(self) -> int:
        return {0: logging.WARNING, 1: logging.INFO}.get(self.verbose, logging.DEBUG)
