"""Re-checks: re-fetch watched items on a backing-off schedule and record what became of them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from core.clock import format_utc, parse_utc
from core.clock import now as clock_now
from evidence.blobs import get_blob, put_blob
from evidence.fetch import FetchResult, PoliteFetcher
from evidence.judge import Verdict, judge_http, judge_text
from evidence.snapshot import Capture, latest_snapshot, take_snapshot, unified_diff
from evidence.takedown import DEFAULT_CONFIRM_HOURS, awaiting_confirmation, confirm_removal
from extraction import Article, NoArticle, page_text
from store.retry import write

logger = logging.getLogger(__name__)

DEFAULT_SCHEDULE = (1, 7, 30, 90)  # days after first_seen

#: Items a recheck watches: flagged now, or flagged when a snapshot was taken.
WATCHED_SQL = """
SELECT i.id, i.url, i.source, i.first_seen, i.text,
       (SELECT max(r.checked_at) FROM rechecks r WHERE r.item_id = i.id) AS last_checked,
       (SELECT r.outcome FROM rechecks r WHERE r.item_id = i.id
        ORDER BY r.id DESC LIMIT 1) AS last_outcome,
       EXISTS (SELECT 1 FROM snapshots s WHERE s.item_id = i.id) AS kept
FROM items i
WHERE i.flagged = 1
   OR EXISTS (SELECT 1 FROM snapshots s WHERE s.item_id = i.id AND s.flagged = 1)
ORDER BY i.id
"""


@dataclass(frozen=True)
class RecheckResult:
    item_id: int
    url: str
    outcome: str
    detail: str
    recheck_id: int
    version: int | None = None  # the new version stored, when edited


def parse_schedule(value: str | Iterable[int]) -> tuple[int, ...]:
    """'1,7,30,90' -> (1, 7, 30, 90); ValueError on anything but positive day counts."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    days = sorted({int(str(p).strip()) for p in parts if str(p).strip()})
    if not days or days[0] < 0:
        raise ValueError(f"schedule must be day counts like 1,7,30,90, not {value!r}")
    return tuple(days)


def is_due(first_seen: str | None, last_checked: str | None, schedule: tuple[int, ...],
           now: datetime) -> bool:
    """Due when the latest checkpoint passed (first_seen + N days) has no check after it.

    Missed checkpoints collapse into one check; after the last one the item is left alone.
    """
    if not first_seen:
        return False
    start = parse_utc(first_seen)
    passed = [start + timedelta(days=d) for d in schedule if start + timedelta(days=d) <= now]
    if not passed:
        return False
    return last_checked is None or parse_utc(last_checked) < passed[-1]


def due_items(db: sqlite_utils.Database, schedule: tuple[int, ...], now: datetime | None = None,
              force: bool = False, item_ids: Iterable[int] = (),
              confirm_after: timedelta = timedelta(hours=DEFAULT_CONFIRM_HOURS)
              ) -> list[dict[str, Any]]:
    """The watched items to re-check now (all of them with `force`, or those in `item_ids`)."""
    now = now or clock_now()
    stamp = format_utc(now)
    wanted = set(item_ids)
    rows = list(db.query(WATCHED_SQL))
    if wanted:
        return [r for r in rows if r["id"] in wanted]
    if force:
        return rows
    # No version kept yet (flagged after first sight, or a run killed between storing the item
    # and its snapshot): due at every run until the page is kept.
    # Found missing: due again `confirm_after` later, to confirm (or clear) the takedown.
    return [r for r in rows if not r["kept"]
            or awaiting_confirmation(r["last_outcome"], r["last_checked"], confirm_after, stamp)
            or is_due(r["first_seen"], r["last_checked"], schedule, now)]


@dataclass(frozen=True)
class PageReader:
    """How the crawl read an item's source: its body selector and proxy (from sources.toml)."""

    body_selector: str = ""
    proxy: str = ""


def read_article(reader: PageReader, body: bytes, headers: dict[str, str], url: str,
                 encoding: str | None = None) -> Article | None:
    """The article in a fetched page, read exactly as the crawl reads it; None if there is none."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    try:
        return page_text(body, url, content_type=content_type, encoding=encoding,
                         body_selector=reader.body_selector)
    except NoArticle:
        return None


def baseline_text(db: sqlite_utils.Database, item: dict[str, Any], reader: PageReader) -> str:
    """The kept text, re-read from the latest kept body with the same reader as the new page."""
    snapshot = latest_snapshot(db, item["id"])
    if snapshot is None:
        return item["text"] or ""
    body = get_blob(db, snapshot["body_sha256"])
    article = read_article(reader, body, json.loads(snapshot["headers"] or "{}"),
                           snapshot["final_url"] or item["url"], snapshot["encoding"] or None)
    return article.text if article else (snapshot["text"] or "")


def status_after(db: sqlite_utils.Database, item_id: int, outcome: str) -> str:
    """items.recheck_status: the page now compared with first sight (edited stays edited)."""
    if outcome != "unchanged":
        return outcome
    versions = db.execute(
        "SELECT count(*) FROM snapshots WHERE item_id = ?", [item_id]).fetchone()[0]
    return "edited" if versions > 1 else "unchanged"


def classify_version(title: str, text: str) -> dict[str, Any]:
    """The classifier's view of an edited version (did the edit remove what flagged it?)."""
    try:
        from classifiers import classify

        return classify(title, text)
    except Exception:  # noqa: BLE001 - a classifier problem must not lose the evidence
        logger.exception("could not classify an edited version")
        return {}


def recheck_item(db: sqlite_utils.Database, item: dict[str, Any], fetcher: PoliteFetcher,
                 reader: PageReader = PageReader(),
                 confirm_after: timedelta = timedelta(hours=DEFAULT_CONFIRM_HOURS)
                 ) -> RecheckResult:
    """Fetch one item's URL again, judge the answer and record it (one transaction).

    Only a complete answer is judged (the fetcher fails on cut-off bodies and past its total
    deadline); a page found gone is `missing` until a check `confirm_after` later agrees.
    """
    fetched = fetcher.fetch(item["url"], reader.proxy)
    verdict = judge_http(fetched, item["url"])
    article: Article | None = None
    baseline = ""
    if verdict is None:
        article = read_article(reader, fetched.body, fetched.headers, fetched.final_url)
        baseline = baseline_text(db, item, reader)
        verdict = judge_text(baseline, article.text if article else None)
    verdict = confirm_removal(db, item["id"], verdict, fetched.fetched_at, confirm_after)
    return record_recheck(db, item, fetched, verdict, article, baseline)


def record_recheck(db: sqlite_utils.Database, item: dict[str, Any], fetched: FetchResult,
                   verdict: Verdict, article: Article | None, baseline: str
                   ) -> RecheckResult:
    """Write the `rechecks` row, the new version when edited, and the item's status."""
    keep = article is not None and (verdict.outcome == "edited"
                                    or latest_snapshot(db, item["id"]) is None)
    # Classified before the transaction: the write lock is held for writing only.
    classification = classify_version(article.title, article.text) if keep and article else {}

    def body(db: sqlite_utils.Database) -> RecheckResult:
        snapshot_id = version = body_hash = diff = None
        first = latest_snapshot(db, item["id"]) is None
        if keep and article:
            # Edited: a new version. No version yet: the item was flagged after first sight
            # (by `reclassify`), so the page as it is now is the first one we can keep.
            diff = None if first else unified_diff(baseline, article.text, "as kept",
                                                   f"as of {fetched.fetched_at}")
            capture = Capture(item["url"], fetched.final_url, fetched.status or 0,
                              fetched.headers, fetched.body, fetched.fetched_at)
            result = take_snapshot(db, item["id"], capture, title=article.title,
                                   text=article.text, diff=diff, classification=classification,
                                   reason="flagged_later" if first else "recheck")
            snapshot_id, version = result.snapshot_id, result.version
        elif verdict.outcome in ("removed", "missing") and fetched.status is not None:
            body_hash = put_blob(db, fetched.body)  # what the URL showed instead
        recheck_id = db["rechecks"].insert({
            "item_id": item["id"], "checked_at": fetched.fetched_at, "outcome": verdict.outcome,
            "http_status": fetched.status, "final_url": fetched.final_url,
            "detail": verdict.detail, "similarity": verdict.similarity,
            "snapshot_id": snapshot_id, "body_sha256": body_hash, "diff": diff,
            "headers": json.dumps(fetched.headers, ensure_ascii=False, sort_keys=True)
            if fetched.status is not None else None,
        }).last_pk
        db["items"].update(item["id"], {
            "recheck_status": status_after(db, item["id"], verdict.outcome),
            "rechecked_at": fetched.fetched_at,
        })
        return RecheckResult(item["id"], item["url"], verdict.outcome, verdict.detail,
                             recheck_id, version)

    return write(db, body, what=f"recording the re-check of item {item['id']}")


def run_rechecks(db: sqlite_utils.Database, items: list[dict[str, Any]], fetcher: PoliteFetcher,
                 readers: dict[str, PageReader] | None = None,
                 confirm_after: timedelta = timedelta(hours=DEFAULT_CONFIRM_HOURS)
                 ) -> list[RecheckResult]:
    """Re-check `items` one after another (the fetcher spaces requests per host)."""
    results = []
    for item in items:
        reader = (readers or {}).get(item.get("source") or "", PageReader())
        result = recheck_item(db, item, fetcher, reader, confirm_after)
        logger.info("item %s %s: %s", result.item_id, result.outcome, result.detail)
        results.append(result)
    return results
