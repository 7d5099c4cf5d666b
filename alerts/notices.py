"""Which removed/edited re-checks a coordinator is owed, and recording that they were told.

A notice concerns a re-check (table `rechecks`, written by `newsmon recheck`) that found an
item `removed` or `edited`. It is owed when the item matches the subscription as new items do
(flagged, not triaged out, same topics and filters), the coordinator has been told about the
item (an earlier digest, or this one), and `digest_notices` has no row for that re-check and
recipient. Only an item's latest removed/edited re-check counts, and "still removed" on a later
check is not news: a second removal is told only after a check found the page back in between.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from alerts.contents import DigestNotice
from alerts.select import item_link, match_clauses, register_casefold
from alerts.subscriptions import Subscription

#: At most this many notices per message; the rest stay owed for the next digest.
MAX_NOTICES = 50

LATEST_CHANGE = """r.id = (SELECT max(r2.id) FROM rechecks r2 WHERE r2.item_id = r.item_id
    AND r2.outcome IN ('removed', 'edited'))"""
NOT_TOLD = """NOT EXISTS (SELECT 1 FROM digest_notices n
    WHERE n.recipient = ? AND n.recheck_id = r.id)"""
NOT_STILL_REMOVED = """NOT (r.outcome = 'removed' AND EXISTS (
    SELECT 1 FROM digest_notices n WHERE n.recipient = ? AND n.item_id = r.item_id
    AND n.kind = 'removed' AND NOT EXISTS (
        SELECT 1 FROM rechecks b WHERE b.item_id = r.item_id
        AND b.outcome IN ('unchanged', 'edited') AND b.id > n.recheck_id AND b.id < r.id)))"""
KNOWS_ITEM = """(EXISTS (SELECT 1 FROM digest_log d WHERE d.item_id = i.id AND d.recipient = ?)
    OR i.id IN (SELECT value FROM json_each(?)))"""


def notices_sql(sub: Subscription, told_now: Sequence[int]) -> tuple[str, list[Any]]:
    """The query for the re-checks owed to `sub`; `told_now`: item ids in this digest."""
    params: list[Any] = [sub.email, sub.email, sub.email, json.dumps(list(told_now))]
    where = ["r.outcome IN ('removed', 'edited')", LATEST_CHANGE, NOT_TOLD, NOT_STILL_REMOVED,
             KNOWS_ITEM, *match_clauses(sub, params)]
    sql = ("SELECT r.id, r.item_id, r.outcome, r.checked_at, r.detail, i.title, i.url, i.source "
           "FROM rechecks r JOIN items i ON i.id = r.item_id WHERE " + " AND ".join(where)
           + " ORDER BY r.checked_at DESC, r.id DESC LIMIT ?")
    return sql, [*params, MAX_NOTICES]


def pending_notices(db: sqlite_utils.Database, sub: Subscription, told_now: Sequence[int],
                    base_url: str | None) -> list[DigestNotice]:
    """The removed/edited notices owed to `sub` (at most MAX_NOTICES), latest first."""
    register_casefold(db)
    sql, params = notices_sql(sub, told_now)
    return [
        DigestNotice(recheck_id=rid, item_id=item_id, kind=outcome, title=title or "",
                     url=url or "", source=source or "", checked_at=checked_at or "",
                     detail=detail or "", item_link=item_link(base_url, item_id))
        for rid, item_id, outcome, checked_at, detail, title, url, source
        in db.execute(sql, params).fetchall()
    ]


def notice_rows(recipient: str, notices: Sequence[DigestNotice], msg_id: str,
                now: str) -> list[dict[str, Any]]:
    """The `digest_notices` rows of a delivered message (written with its digest_log rows)."""
    return [{"recipient": recipient, "item_id": n.item_id, "kind": n.kind,
             "recheck_id": n.recheck_id, "sent_at": now, "message_id": msg_id}
            for n in notices]
