"""The `newsmon` group: global options, logging, and the one place errors become exit codes.

Every configuration error of any floor (sources, rules, subscriptions, users, SMTP, database)
ends here as one line on stderr and exit 2, a held lock as exit 75, an unreachable scale-out
queue as exit 3 (README, "Exit codes").
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from typing import Any

import click

from crawler.scaleout.wire import QueueUnavailable
from newsmon.context import AppContext
from newsmon.errors import EXIT_ALL_FAILED, EXIT_CONFIG, EXIT_FAILURES, EXIT_LOCKED
from newsmon.lock import AlreadyRunning
from newsmon.logs import configure_logging
from store import default_db_path

#: Command name -> the module that defines it. A command imports only what it needs (the
#: crawler, trafilatura, scikit-learn...), so `newsmon digest` starts in half the time.
COMMAND_MODULES = {
    "classify": "classifying", "reclassify": "classifying",
    "crawl": "crawling", "run": "crawling", "demo": "crawling",
    "digest": "alerting", "sources": "health",
    "recheck": "evidence", "verify": "evidence", "export-warc": "evidence",
    "ingest": "ingesting",
    "rules": "learning", "learn": "learning", "triage": "learning",
    "serve": "serving", "passwd": "serving",
}


def config_errors() -> tuple[type[Exception], ...]:
    """Every floor's configuration error; imported when one is raised, not at start-up."""
    from alerts import SubscriptionError
    from alerts.transport import TransportConfigError
    from classifiers import RulesError
    from crawler.scaleout.wire import QueueMisconfigured
    from datasette_plugins.access import UsersError
    from newsmon.errors import ConfigError
    from sites.sources import SourcesError
    from store import StoreError

    return (ConfigError, QueueMisconfigured, SourcesError, RulesError, SubscriptionError,
            UsersError, TransportConfigError, StoreError)


class NewsmonGroup(click.Group):
    """Turns the jobs' expected failures into one line and an exit code, never a traceback.

    Commands are loaded on first use (`COMMAND_MODULES`), the lazy group of click's docs.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            # The module registers its commands on this group as it is imported.
            importlib.import_module(f"newsmon.cli.{COMMAND_MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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
        except Exception as exc:
            if not isinstance(exc, config_errors()):
                raise
            click.echo(f"newsmon: {exc}", err=True)
            ctx.exit(EXIT_CONFIG)


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
