"""One digest pass: for each due coordinator, build the message, hand it over, then record it.

Delivery is at-least-once. `digest_log` (new items) and `digest_notices` (removed/edited
notices) are written only after the server accepted the message, so a failure records nothing
and the next run sends the same again. A crash between the server's acceptance and the log
write also means a resend; that message carries the same Message-ID (derived from recipient,
item ids and re-check ids), so it is recognisable as a copy.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.errors import MessageError
from email.message import EmailMessage
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils

from alerts.contents import Digest, DigestItem, DigestNotice
from alerts.message import build_message
from alerts.notices import notice_rows, pending_notices
from alerts.select import is_due, last_digest_at, pending_items
from alerts.subscriptions import Subscription
from alerts.transport import DeliveryError, RecipientRefused, TransportConfigError
from core.clock import format_utc
from core.domain import TOPICS
from store.retry import write

logger = logging.getLogger(__name__)

DEFAULT_TZ = "Asia/Almaty"
DEFAULT_HOUR = 7


class Transport(Protocol):
    sender: str

    def deliver(self, msg: EmailMessage, recipient: str) -> str: ...


@dataclass(frozen=True)
class DigestOptions:
    """When daily/weekly periods start, where item links point, and whether to record sends."""

    base_url: str | None = None
    tz: tzinfo = UTC
    hour: int = DEFAULT_HOUR
    record: bool = True
    now: datetime | None = None  # tests pin the clock


@dataclass
class DigestReport:
    """What a pass did, for the summary line and the exit code."""

    sent: list[tuple[str, int, str]] = field(default_factory=list)  # recipient, items, where
    notices: int = 0  # removed/edited notices in the messages sent
    not_due: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # printed on every run (cron mails them)

    def summary(self) -> str:
        """One line: what cron mails and `-v` prints."""
        items = sum(n for _, n, _ in self.sent)
        return (f"digest: {len(self.sent)} message(s) with {items} item(s) delivered, "
                f"{self.notices} removed/edited notice(s), "
                f"{len(self.empty)} with nothing new, {len(self.not_due)} not due, "
                f"{len(self.failures)} failed")


def options_from_env(base_url: str | None, record: bool,
                     env: Mapping[str, str] = os.environ) -> DigestOptions:
    """NEWSMON_BASE_URL, NEWSMON_TZ (default Asia/Almaty), NEWSMON_DIGEST_HOUR (default 7)."""
    tz_name = env.get("NEWSMON_TZ") or DEFAULT_TZ
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TransportConfigError(f"NEWSMON_TZ: unknown time zone {tz_name!r}") from None
    hour_raw = (env.get("NEWSMON_DIGEST_HOUR") or str(DEFAULT_HOUR)).strip()
    if not re.fullmatch(r"[0-9]{1,2}", hour_raw) or int(hour_raw) > 23:
        raise TransportConfigError(f"NEWSMON_DIGEST_HOUR must be 0-23, not {hour_raw!r}")
    return DigestOptions(base_url=base_url or env.get("NEWSMON_BASE_URL") or None, tz=tz,
                         hour=int(hour_raw), record=record)


def record_sent(db: sqlite_utils.Database, recipient: str, items: list[DigestItem],
                msg_id: str, now: str, notices: list[DigestNotice] | None = None) -> None:
    """After the server accepted: what went to whom, and when (one transaction)."""
    def body(db: sqlite_utils.Database) -> None:
        db["digest_log"].insert_all(
            [{"recipient": recipient, "item_id": item.id, "sent_at": now, "message_id": msg_id}
             for item in items], ignore=True)
        db["digest_notices"].insert_all(notice_rows(recipient, notices or [], msg_id, now),
                                        ignore=True)
        db["digest_state"].upsert(
            {"recipient": recipient, "last_digest_at": now, "last_sent_at": now,
             "last_message_id": msg_id}, pk="recipient")

    write(db, body, what=f"recording the digest to {recipient}")


def record_empty(db: sqlite_utils.Database, recipient: str, now: str) -> None:
    """A due digest with nothing in it still uses up its period."""
    write(db, lambda db: db["digest_state"].upsert(
        {"recipient": recipient, "last_digest_at": now}, pk="recipient"),
        what=f"recording an empty digest for {recipient}")


def digest_one(db: sqlite_utils.Database, sub: Subscription, transport: Transport,
               options: DigestOptions, now: datetime, report: DigestReport) -> None:
    """Send (or skip) one coordinator's digest; RecipientRefused: this coordinator only;
    DeliveryError: stop the whole pass (the server is gone)."""
    stamp = format_utc(now)
    if not is_due(sub.frequency, last_digest_at(db, sub.email), now, options.tz, options.hour):
        report.not_due.append(sub.email)
        return
    items = pending_items(db, sub, options.base_url)
    notices = pending_notices(db, sub, [item.id for item in items], options.base_url)
    if not items and not notices:
        report.empty.append(sub.email)
        if options.record and sub.frequency != "immediate":
            record_empty(db, sub.email, stamp)
        return
    digest = Digest(recipient=sub.email, name=sub.name, label_language=sub.label_language,
                    origin=sub.origin, items=tuple(items), when=now.astimezone(options.tz),
                    notices=tuple(notices))
    try:
        msg = build_message(digest, transport.sender, TOPICS)
    except (ValueError, TypeError, MessageError) as exc:  # e.g. "a..b@x.org": not an address
        raise RecipientRefused(f"{sub.email}: no message can be addressed to it ({exc}); "
                               "fix this subscription") from None
    where = transport.deliver(msg, sub.email)
    if options.record:
        record_sent(db, sub.email, items, str(msg["Message-ID"]), stamp, notices)
    logger.info("digest to %s: %d item(s), %d notice(s), %s, via %s", sub.email, len(items),
                len(notices), msg["Message-ID"], where)
    report.sent.append((sub.email, len(items), where))
    report.notices += len(notices)


def send_digests(db: sqlite_utils.Database, subs: list[Subscription], transport: Transport,
                 options: DigestOptions) -> DigestReport:
    """Every due coordinator's digest; a refused recipient does not hold up the others."""
    now = options.now or datetime.now(UTC)
    report = DigestReport()
    for sub in subs:
        try:
            digest_one(db, sub, transport, options, now, report)
        except RecipientRefused as exc:
            report.failures.append(str(exc))
        except DeliveryError as exc:
            report.failures.append(str(exc))
            break  # the server is unreachable or refuses us: the rest wait for the next run
    return report
