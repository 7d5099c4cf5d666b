"""Pooling triage decisions between installations: JSON lines out, JSON lines in.

An item is matched by its canonical URL (the same article crawled elsewhere). On import a
decision is added where there is none here; where both sides decided differently, the later
decision wins (`prefer="newer"`), and every decision kept or replaced is reported, so nothing
newer here is ever overwritten without saying so. Notes are shared only when asked for (they
can name victims and sources), and an imported note never replaces a note written here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import sqlite_utils

from core.clock import format_utc, parse_utc
from core.domain import TOPICS, TRIAGE_STATUSES
from learning.dataset import DataError
from learning.feedback import FeedbackError, TopicReport, check
from learning.feedback import record as record_report
from learning.labels import VERDICTS
from sites.urls import canonicalize

PREFER = ("newer", "ours", "theirs")


def export_records(db: sqlite_utils.Database, origin: str, notes: bool = False
                   ) -> Iterator[dict]:
    """One record per item with a decision (triage other than `new`, or topic reports)."""
    rows = db.execute("""
        SELECT i.id, i.url, i.title, t.status, t.note, t.updated_by, t.updated_at
        FROM items i LEFT JOIN triage t ON t.item_id = i.id
        WHERE (t.status IS NOT NULL AND t.status != 'new')
           OR i.id IN (SELECT item_id FROM topic_reports)
        ORDER BY i.id""").fetchall()
    for item_id, url, title, status, note, by, at in rows:
        record: dict = {"url": url, "title": title or "", "origin": origin}
        if status and status != "new":
            record["triage"] = {"status": status, "by": by or "", "at": at or ""}
            if notes and note:
                record["triage"]["note"] = note
        topics = {}
        for topic, verdict, r_note, r_by, r_at in db.execute(
                "SELECT topic, verdict, note, reported_by, reported_at FROM topic_reports "
                "WHERE item_id = ? ORDER BY topic", [item_id]).fetchall():
            topics[topic] = {"verdict": verdict, "by": r_by or "", "at": r_at or ""}
            if notes and r_note:
                topics[topic]["note"] = r_note
        if topics:
            record["topics"] = topics
        yield record


@dataclass(frozen=True)
class Word:
    """One decision of a record: a triage status or a topic verdict, by whom and when."""

    value: str
    by: str
    at: str
    note: str = ""


@dataclass
class Incoming:
    url: str
    origin: str
    triage: Word | None = None
    topics: dict[str, Word] = field(default_factory=dict)


def _word(raw: object, key: str, allowed: Iterable[str], where: str) -> Word:
    if not isinstance(raw, dict) or raw.get(key) not in allowed:
        raise DataError(f"{where}: '{key}' must be one of {', '.join(allowed)}")
    try:
        at = format_utc(parse_utc(str(raw.get("at") or "")))
    except ValueError:
        raise DataError(f"{where}: 'at' must be an ISO 8601 time") from None
    return Word(str(raw[key]), str(raw.get("by") or "unknown"), at, str(raw.get("note") or ""))


def parse_record(line: str, where: str) -> Incoming:
    """One exported line, validated; DataError names the line and the problem."""
    try:
        raw = json.loads(line)
    except ValueError as exc:
        raise DataError(f"{where}: invalid JSON ({exc})") from None
    if not isinstance(raw, dict) or not str(raw.get("url") or "").startswith(("http://",
                                                                              "https://")):
        raise DataError(f"{where}: a record needs an http(s) 'url'")
    incoming = Incoming(canonicalize(raw["url"]), str(raw.get("origin") or "elsewhere"))
    if raw.get("triage") is not None:
        incoming.triage = _word(raw["triage"], "status", TRIAGE_STATUSES, where)
    topics = raw.get("topics") or {}
    if not isinstance(topics, dict) or set(topics) - set(TOPICS):
        raise DataError(f"{where}: 'topics' must map {', '.join(TOPICS)} to verdicts")
    for topic, value in topics.items():
        incoming.topics[topic] = _word(value, "verdict", VERDICTS, f"{where}: {topic}")
    return incoming


def choose(local: Word | None, theirs: Word, prefer: str) -> str:
    """added | same | replaced | kept: what to do with `theirs` given the local decision."""
    if local is None or local.value == "new":
        return "added"
    if local.value == theirs.value:
        return "same"
    if prefer == "theirs" or (prefer == "newer" and theirs.at > local.at):
        return "replaced"
    return "kept"


@dataclass(frozen=True)
class Outcome:
    url: str
    item_id: int | None
    what: str  # triage | <topic> | item
    action: str  # added | same | replaced | kept | unknown | skipped
    detail: str = ""


def find_item(conn: sqlite3.Connection, url: str) -> int | None:
    """The local item with this canonical URL (http/https and www. variants tried too)."""
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    bare = host.removeprefix("www.")
    for candidate in dict.fromkeys([url] + [f"{s}://{h}{slash}{path}" for s in ("https", "http")
                                            for h in (bare, f"www.{bare}")]):
        row = conn.execute("SELECT id FROM items WHERE url = ?", [candidate]).fetchone()
        if row:
            return int(row[0])
    return None


def merge(conn: sqlite3.Connection, incoming: Incoming, prefer: str = "newer",
          dry_run: bool = False) -> list[Outcome]:
    """Apply one record here (unless `dry_run`); what was done with each of its decisions."""
    item_id = find_item(conn, incoming.url)
    if item_id is None:
        return [Outcome(incoming.url, None, "item", "unknown", "no item with this URL here")]
    out = []
    if incoming.triage is not None:
        out.append(_merge_triage(conn, item_id, incoming, prefer, dry_run))
    for topic, word in incoming.topics.items():
        out.append(_merge_topic(conn, item_id, incoming, topic, word, prefer, dry_run))
    return out


def _who(word: Word, origin: str) -> str:
    return f"{word.by}@{origin}"


def _merge_triage(conn: sqlite3.Connection, item_id: int, incoming: Incoming, prefer: str,
                  dry_run: bool) -> Outcome:
    theirs = incoming.triage
    assert theirs is not None
    row = conn.execute("SELECT status, updated_by, updated_at, note FROM triage "
                       "WHERE item_id = ?", [item_id]).fetchone()
    local = Word(row[0], row[1] or "", row[2] or "", row[3] or "") if row else None
    action = choose(local, theirs, prefer)
    detail = _detail(action, local, theirs, incoming.origin)
    if action in ("added", "replaced") and not dry_run:
        note = (local.note if local and local.note else theirs.note)
        values = {"item_id": item_id, "status": theirs.value, "note": note, "assigned_to": "",
                  "updated_by": _who(theirs, incoming.origin), "updated_at": theirs.at}
        with conn:
            conn.execute("""
                INSERT INTO triage (item_id, status, note, assigned_to, updated_by, updated_at)
                VALUES (:item_id, :status, :note, :assigned_to, :updated_by, :updated_at)
                ON CONFLICT(item_id) DO UPDATE SET status = excluded.status,
                  note = excluded.note, updated_by = excluded.updated_by,
                  updated_at = excluded.updated_at""", values)
            conn.execute("""
                INSERT INTO triage_log (item_id, status, note, assigned_to, updated_by,
                  updated_at) VALUES (:item_id, :status, :note, :assigned_to, :updated_by,
                  :updated_at)""", values)
    return Outcome(incoming.url, item_id, "triage", action, detail)


def _merge_topic(conn: sqlite3.Connection, item_id: int, incoming: Incoming, topic: str,
                 theirs: Word, prefer: str, dry_run: bool) -> Outcome:
    row = conn.execute("SELECT verdict, reported_by, reported_at, note FROM topic_reports "
                       "WHERE item_id = ? AND topic = ?", [item_id, topic]).fetchone()
    local = Word(row[0], row[1] or "", row[2] or "", row[3] or "") if row else None
    action = choose(local, theirs, prefer)
    detail = _detail(action, local, theirs, incoming.origin)
    if action in ("added", "replaced"):
        report = TopicReport(item_id, topic, theirs.value,
                             local.note if local and local.note else theirs.note,
                             _who(theirs, incoming.origin), theirs.at)
        try:
            check(conn, report)
        except FeedbackError as exc:
            return Outcome(incoming.url, item_id, topic, "skipped", f"{exc} here")
        if not dry_run:
            record_report(conn, report)
    return Outcome(incoming.url, item_id, topic, action, detail)


def _detail(action: str, local: Word | None, theirs: Word, origin: str) -> str:
    """What was chosen, in words."""
    said = f"{theirs.value} by {_who(theirs, origin)} at {theirs.at}"
    if action in ("added", "same") or local is None:
        return said
    here = f"{local.value} by {local.by} at {local.at}"
    if action == "replaced":
        return f"{said} replaced {here}"
    return f"kept {here} over {said}"
