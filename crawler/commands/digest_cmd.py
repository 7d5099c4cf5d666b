"""`newsmon digest`: email each due coordinator the flagged items not yet sent to them."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from alerts import (
    DigestOptions,
    DigestReport,
    SubscriptionError,
    options_from_env,
    resolve_subscriptions,
    send_digests,
)
from alerts.transport import EmlTransport, SmtpSettings, SmtpTransport, TransportConfigError
from alerts.transport import sender_from_env as smtp_sender
from crawler.context import AppContext
from crawler.errors import ConfigError
from crawler.lock import AlreadyRunning, run_lock

logger = logging.getLogger(__name__)

EXIT_LOCKED = 75  # EX_TEMPFAIL, as `newsmon crawl`: cron may simply try again later
F = TypeVar("F", bound=Callable[..., object])


def digest_options(command: F) -> F:
    """--subscriptions and --base-url, declared once for `newsmon digest` and `newsmon run`."""
    command = click.option(
        "--base-url", default=None, show_default="$NEWSMON_BASE_URL",
        help="Datasette URL the messages link items to (<URL>/-/item/<id>).")(command)
    return click.option(
        "--subscriptions", "subscriptions_path", type=click.Path(dir_okay=False),
        default=None, show_default="$NEWSMON_SUBSCRIPTIONS or ./subscriptions.toml",
        help="Subscriptions file; without one, the subscriptions table is used.")(command)


def digest_lock_name(db_path: str) -> str:
    """Digests lock apart from crawls: a long crawl must not make the 07:00 digest skip a day."""
    return f"{db_path}.digest"


def _transport(dry_run: str | None) -> EmlTransport | SmtpTransport:
    try:
        if dry_run:
            return EmlTransport(dry_run, smtp_sender())
        return SmtpTransport(SmtpSettings.from_env())
    except TransportConfigError as exc:
        raise ConfigError(str(exc)) from None


def _digest_locked(app: AppContext, subscriptions_path: str | None, dry_run: str | None,
                   options: DigestOptions) -> DigestReport:
    """Read the subscriptions, then send; without any subscription no SMTP settings are needed."""
    db = app.open_db()
    try:
        try:
            subs = resolve_subscriptions(db, subscriptions_path)
        except SubscriptionError as exc:
            raise ConfigError(str(exc)) from None
        if not subs:
            logger.info("no subscriptions: nothing to send")
            return DigestReport()
        with _transport(dry_run) as transport:
            return send_digests(db, subs, transport, options)
    finally:
        db.close()


def run_digest_job(app: AppContext, subscriptions_path: str | None, base_url: str | None,
                   dry_run: str | None = None) -> tuple[int, str]:
    """The digest as `newsmon digest` and `newsmon run` do it: (exit code, summary line)."""
    try:
        options = options_from_env(base_url, record=dry_run is None)
    except TransportConfigError as exc:
        raise ConfigError(str(exc)) from None
    try:
        with run_lock(digest_lock_name(app.db_path), "digest"):
            report = _digest_locked(app, subscriptions_path, dry_run, options)
    except AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        return EXIT_LOCKED, "digest: another digest is in progress"
    if dry_run:
        for _, _, path in report.sent:
            click.echo(path)
    for failure in report.failures:
        click.echo(f"newsmon digest: {failure} (nothing recorded; the next run retries)",
                   err=True)
    if app.verbose or report.failures:
        click.echo(report.summary(), err=bool(report.failures))
    return (1 if report.failures else 0), report.summary()


@click.command("digest")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Write the messages as .eml files in DIR; record nothing.")
@digest_options
@click.pass_obj
def digest_cmd(app: AppContext, dry_run: str | None, subscriptions_path: str | None,
               base_url: str | None) -> None:
    """Email each due coordinator their new flagged items and removed/edited notices.

    Exit 1 if a send failed (nothing recorded for it; the next run retries).
    """
    sys.exit(run_digest_job(app, subscriptions_path, base_url, dry_run)[0])
