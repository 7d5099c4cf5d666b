"""A takedown is a claim monitors act on, so it must hold: "removed" needs a second check later.

The first check that finds a watched page gone (404/410/451, a redirect to the home page, a
page that no longer holds the article) records `missing`; the item is due again
`confirm_after` later, and only a check then that still finds it gone records `removed`, the
outcome digests tell coordinators about. A check that finds the page in between starts over;
an unreachable site (timeout, cut-off body, refused) neither confirms nor clears.
"""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils

from core.clock import parse_utc
from evidence.judge import Verdict

MISSING = "missing"
DEFAULT_CONFIRM_HOURS = 24.0
#: Outcomes that show the page as it was (end a run of `missing` checks).
SEEN = ("unchanged", "edited")


def gone_since(db: sqlite_utils.Database, item_id: int) -> tuple[str | None, bool]:
    """(time of the first `missing` check in the current run of them, already `removed`)."""
    first = None
    for outcome, checked_at in db.execute(
            "SELECT outcome, checked_at FROM rechecks WHERE item_id = ? ORDER BY id DESC",
            [item_id]):
        if outcome in SEEN:
            break
        if outcome == "removed":
            return first, True
        if outcome == MISSING:
            first = checked_at
    return first, False


def confirm_removal(db: sqlite_utils.Database, item_id: int, verdict: Verdict,
                    checked_at: str, confirm_after: timedelta) -> Verdict:
    """`verdict` as it may be recorded now: "removed" only on a later, second sighting."""
    if verdict.outcome != "removed":
        return verdict
    first, confirmed = gone_since(db, item_id)
    if confirmed:
        return verdict
    if first is not None and parse_utc(checked_at) - parse_utc(first) >= confirm_after:
        return Verdict("removed", f"{verdict.detail} (gone since {first})", verdict.similarity)
    due = parse_utc(first or checked_at) + confirm_after
    return Verdict(MISSING, f"{verdict.detail}; checked again after "
                            f"{due.strftime('%Y-%m-%dT%H:%M:%SZ')} before it counts as removed",
                   verdict.similarity)


def awaiting_confirmation(last_outcome: str | None, last_checked: str | None,
                          confirm_after: timedelta, now_stamp: str) -> bool:
    """True when an item found missing is due for the check that confirms or clears it."""
    if last_outcome != MISSING or not last_checked:
        return False
    return parse_utc(now_stamp) - parse_utc(last_checked) >= confirm_after
