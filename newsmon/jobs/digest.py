"""The digest job: email each due coordinator the flagged items not yet sent to them."""

from __future__ import annotations

import logging

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
from newsmon.context import AppContext
from newsmon.errors import ConfigError
from newsmon.lock import run_lock

logger = logging.getLogger(__name__)

#: Digests lock apart from crawls: a long crawl must not make the 07:00 digest skip a day.
DIGEST_LOCK = "digest"


def _transport(dry_run: str | None) -> EmlTransport | SmtpTransport:
    try:
        if dry_run:
            return EmlTransport(dry_run, smtp_sender())
        return SmtpTransport(SmtpSettings.from_env())
    except TransportConfigError as exc:
        raise ConfigError(str(exc)) from None


def _send(app: AppContext, subscriptions_path: str | None, dry_run: str | None,
          options: DigestOptions) -> DigestReport:
    """Read the subscriptions, then send; without any subscription no SMTP settings are needed."""
    db = app.connect()
    try:
        try:
            subs = resolve_subscriptions(db, subscriptions_path)
        except SubscriptionError as exc:
            raise ConfigError(str(exc)) from None
        if not subs:
            logger.info("no subscriptions: nothing to send")
            return DigestReport()
        with _transport(dry_run) as transport:
            report = send_digests(db, subs, transport, options)
        if getattr(getattr(transport, "settings", None), "plaintext_password", False):
            warning = ("the SMTP password was sent without TLS (NEWSMON_SMTP_SECURITY=none, "
                       "NEWSMON_SMTP_ALLOW_PLAINTEXT=1)")
            logger.warning("%s", warning)
            report.warnings.append(warning)
        return report
    finally:
        db.close()


def digest(app: AppContext, subscriptions_path: str | None, base_url: str | None,
           dry_run: str | None = None, command: str = "digest") -> DigestReport:
    """The digest as `newsmon digest` and `newsmon run` do it; AlreadyRunning if locked."""
    try:
        options = options_from_env(base_url, record=dry_run is None)
    except TransportConfigError as exc:
        raise ConfigError(str(exc)) from None
    with run_lock(app.db_path, command, DIGEST_LOCK):
        return _send(app, subscriptions_path, dry_run, options)
