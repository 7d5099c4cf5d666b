"""The `newsmon` group: global options, logging, and the one place errors become exit codes.

Every configuration error of any floor (sources, rules, subscriptions, users, SMTP, database)
ends here as one line on stderr and exit 2, a held lock as exit 75, an unreachable scale-out
queue as exit 3 (README, "Exit codes").
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import click

from alerts import SubscriptionError
from alerts.transport import TransportConfigError
from classifiers import RulesError
from crawler.scaleout.wire import QueueMisconfigured, QueueUnavailable
from datasette_plugins.access import UsersError
from newsmon.context import AppContext
from newsmon.errors import EXIT_ALL_FAILED, EXIT_CONFIG, EXIT_FAILURES, EXIT_LOCKED, ConfigError
from newsmon.lock import AlreadyRunning
from newsmon.logs import configure_logging
from sites.sources import SourcesError
from store import StoreError, default_db_path

CONFIG_ERRORS = (ConfigError, QueueMisconfigured, SourcesError, RulesError, SubscriptionError,
                 UsersError, TransportConfigError, StoreError)


class NewsmonGroup(click.Group):
    """Turns the jobs' expected failures into one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CONFIG_ERRORS as exc:
            click.echo(f"newsmon: {exc}", err=True)
            ctx.exit(EXIT_CONFIG)
        except AlreadyRunning as exc:
            click.echo(str(exc), err=True)
            ctx.exit(EXIT_LOCKED)
        except QueueUnavailable as exc:  # scale-out mode: no Redis, nothing can be done
            click.echo(f"newsmon {ctx.invoked_subcommand}: {exc}", err=True)
            ctx.exit(EXIT_ALL_FAILED)
        except sqlite3.Error as exc:  # a full disk, a failing disk, a lock held for minutes
            db_path = getattr(ctx.obj, "db_path", "the database")
            click.echo(f"newsmon: cannot use {db_path}: {exc} (nothing more was written; "
                       "the next run retries)", err=True)
            ctx.exit(EXIT_FAILURES)


@click.group(cls=NewsmonGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              show_default="$NEWSMON_DB or ./newsmon.db", help="SQLite database file.")
@click.option("-v", "--verbose", count=True, help="More output (-vv for debug logs).")
@click.version_option(package_name="newsmon")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, verbose: int) -> None:
    """newsmon: crawl news outlets, flag torture, Art. 405 trials and detentions, triage, alert."""
    ctx.obj = AppContext(db_path=db_path or default_db_path(), verbose=verbose)
    ctx.meta["db_given"] = db_path is not None or bool(os.environ.get("NEWSMON_DB"))
    configure_logging(verbose, os.environ.get("NEWSMON_LOG_FILE"))
