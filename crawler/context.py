"""What every subcommand gets from the global options (`click.pass_obj`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlite_utils

from store import open_db


@dataclass
class AppContext:
    db_path: str
    verbose: int = 0

    def open_db(self) -> sqlite_utils.Database:
        """The database, migrated; every command that reads or writes it goes through here."""
        return open_db(self.db_path)

    def configure_logging(self) -> None:
        """Quiet by default (cron mails only what matters); -v info, -vv debug."""
        logging.basicConfig(level=self.log_level,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Scrapy sets its own loggers to DEBUG; the handler's level is what keeps cron quiet.
        for handler in logging.getLogger().handlers:
            handler.setLevel(self.log_level)

    @property
    def log_level(self) -> int:
        return {0: logging.WARNING, 1: logging.INFO}.get(self.verbose, logging.DEBUG)
