"""Who gets which alerts: `subscriptions.toml` validated on load, mirrored into a table.

The file, when it exists, is the truth and replaces the `subscriptions` table on every
digest (so Datasette shows what is in force). Without a file, the digest reads the table,
which can then be edited in Datasette; the demo database ships one sample row.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from alerts.labels import LANGUAGES
from core.domain import TOPICS
from store.retry import write

DEFAULT_PATH = "subscriptions.toml"
FREQUENCIES = ("immediate", "daily", "weekly")
LABEL_LANGUAGES = LANGUAGES  # the digest catalogues: ru, kk, en
FILTERS = ("regions", "persons", "sources", "languages")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")
REQUIRED = ("email", "name", "topics")
OPTIONAL = ("frequency", "label_language", *FILTERS)
DEMO_EMAIL = "coordinator@example.org"


class SubscriptionError(ValueError):
    """A subscription that cannot be used; the message names the file, the entry and why."""


@dataclass(frozen=True)
class Subscription:
    """One coordinator: what they want (topics, filters), how often, labels in which language."""

    email: str
    name: str
    topics: tuple[str, ...]
    frequency: str = "daily"
    label_language: str = "ru"
    regions: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    origin: str = "table"  # the file path, or "table": the footer tells where to change it


def default_subscriptions_path() -> tuple[Path, bool]:
    """The file to read and whether it was named explicitly (a missing named file is an error)."""
    if env := os.environ.get("NEWSMON_SUBSCRIPTIONS"):
        return Path(env), True
    return Path(DEFAULT_PATH), False


def _string_list(entry: dict[str, Any], key: str, err: Any) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise err(f"{key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_entry(entry: Any, where: str, origin: str) -> Subscription:
    """One validated subscription from a TOML table or a table row (lists already decoded)."""

    def err(problem: str) -> SubscriptionError:
        label = entry.get("email") if isinstance(entry, dict) else None
        return SubscriptionError(f"{where}{f' ({label})' if label else ''}: {problem}")

    if not isinstance(entry, dict):
        raise err("expected a table of keys")
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise err(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
    for key in REQUIRED:
        if entry.get(key) in (None, "", []):
            raise err(f"missing {key!r}")
    email, name = entry["email"], entry["name"]
    if not isinstance(email, str) or not EMAIL_RE.match(email):
        raise err(f"'email' is not a plain address: {email!r}")
    if not isinstance(name, str) or "\r" in name or "\n" in name:
        raise err("'name' must be a one-line string")
    topics = _string_list(entry, "topics", err)
    if bad := [t for t in topics if t not in TOPICS]:
        raise err(f"unknown topic(s) {', '.join(bad)}; known: {', '.join(TOPICS)}")
    frequency = entry.get("frequency", "daily")
    if frequency not in FREQUENCIES:
        raise err(f"'frequency' must be one of {', '.join(FREQUENCIES)}, not {frequency!r}")
    label_language = entry.get("label_language", "ru")
    if label_language not in LABEL_LANGUAGES:
        raise err(f"'label_language' must be one of {', '.join(LABEL_LANGUAGES)}, "
                  f"not {label_language!r}")
    filters = {key: _string_list(entry, key, err) for key in FILTERS}
    return Subscription(email=email.strip(), name=name.strip(), topics=topics,
                        frequency=frequency, label_language=label_language, origin=origin,
                        **filters)


def parse_subscriptions(data: dict[str, Any], path: Path) -> list[Subscription]:
    """All `[[subscription]]` entries of a parsed file; duplicates and strays are errors."""
    if extra := sorted(set(data) - {"subscription"}):
        raise SubscriptionError(f"{path}: unknown top-level key(s) {', '.join(extra)}; "
                                "write entries as [[subscription]]")
    entries = data.get("subscription", [])
    if not isinstance(entries, list):
        raise SubscriptionError(f"{path}: 'subscription' must be an array of tables")
    subs: list[Subscription] = []
    for index, entry in enumerate(entries, 1):
        sub = parse_entry(entry, f"{path}: subscription #{index}", str(path))
        if any(s.email.lower() == sub.email.lower() for s in subs):
            raise SubscriptionError(f"{path}: subscription #{index} ({sub.email}): "
                                    "this address is already subscribed above")
        subs.append(sub)
    return subs


def load_subscriptions(path: str | os.PathLike[str]) -> list[Subscription]:
    """The validated subscriptions of a TOML file; SubscriptionError on any problem."""
    file = Path(path)
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise SubscriptionError(f"{file}: cannot read subscriptions file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SubscriptionError(f"{file}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SubscriptionError(f"{file}: not UTF-8 text ({exc.reason} at byte "
                                f"{exc.start})") from None
    return parse_subscriptions(data, file)


def to_row(sub: Subscription) -> dict[str, Any]:
    """The `subscriptions` table row: lists as JSON, so Datasette shows and edits them."""
    row = asdict(sub)
    for key in ("topics", *FILTERS):
        row[key] = json.dumps(list(row[key]), ensure_ascii=False)
    return row


def sync_to_table(db: sqlite_utils.Database, subs: list[Subscription]) -> None:
    """Make the table say exactly what the file says (one transaction)."""
    def body(db: sqlite_utils.Database) -> None:
        db.execute("DELETE FROM subscriptions")
        if subs:
            db["subscriptions"].insert_all([to_row(s) for s in subs])

    write(db, body, what="copying the subscriptions file")


def read_table(db: sqlite_utils.Database) -> list[Subscription]:
    """The subscriptions as stored (hand edits included), validated like the file."""
    subs = []
    for row in db["subscriptions"].rows:
        where = f"table subscriptions, row {row.get('email')!r}"
        entry = {k: v for k, v in row.items() if k in REQUIRED + OPTIONAL and v is not None}
        for key in ("topics", *FILTERS):
            if isinstance(entry.get(key), str):
                try:
                    entry[key] = json.loads(entry[key] or "[]")
                except json.JSONDecodeError:
                    raise SubscriptionError(f"{where}: {key!r} is not a JSON list") from None
        subs.append(parse_entry(entry, where, "table"))
    return subs


def ensure_demo_subscription(db: sqlite_utils.Database, email: str = DEMO_EMAIL) -> None:
    """A sample coordinator on every topic, added once (the demo database ships it)."""
    sub = Subscription(email=email, name="Demo coordinator", topics=TOPICS,
                       frequency="immediate", label_language="en")
    db["subscriptions"].insert(to_row(sub), ignore=True)


def resolve_subscriptions(
    db: sqlite_utils.Database, path: str | os.PathLike[str] | None
) -> list[Subscription]:
    """From the file (synced into the table) when there is one, else from the table."""
    file, explicit = (Path(path), True) if path else default_subscriptions_path()
    if not explicit and not file.exists():
        return read_table(db)
    subs = load_subscriptions(file)
    sync_to_table(db, subs)
    return subs
