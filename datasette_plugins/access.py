"""Who may see and write what: users from the environment, anonymous modes, permissions.

Triage notes can name victims and sources, so the default for anonymous visitors is to
see nothing but the login page; `NEWSMON_ANONYMOUS=read` opens items, never notes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ANONYMOUS_MODES = ("none", "read")
# The only tables (and views) anonymous readers may open. An allow-list, so a table added
# later (triage notes, coordinators' addresses, ...) is private until someone decides otherwise.
PUBLIC_TABLES = frozenset({"items", "items_fts", "item_topics", "item_entities", "crawl_runs",
                           "crawl_errors", "source_runs", "snapshots", "rechecks",
                           "item_versions", "changed_or_removed"})
SENSITIVE_SQL = re.compile(
    r"\b(triage|triage_log|digest_log|digest_notices|subscriptions|digest_state|note"
    r"|assigned_to)\b", re.I)
# Everything Datasette checks before showing data; in mode "none" all are denied.
READ_ACTIONS = frozenset({
    "view-instance", "view-database", "view-database-download", "view-table",
    "view-query", "execute-sql",
})
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class UsersError(ValueError):
    """NEWSMON_USERS or NEWSMON_USERS_FILE is malformed."""


def anonymous_mode(environ: dict[str, str] | None = None) -> str:
    """`NEWSMON_ANONYMOUS` (none|read); anything else is a configuration error."""
    environ = os.environ if environ is None else environ
    mode = (environ.get("NEWSMON_ANONYMOUS") or "none").strip().lower()
    if mode not in ANONYMOUS_MODES:
        raise UsersError(f"NEWSMON_ANONYMOUS must be one of {ANONYMOUS_MODES}, not {mode!r}")
    return mode


def parse_users(text: str, origin: str) -> dict[str, str]:
    """Parse "name:hash" entries separated by ';' or newlines ('#' starts a comment)."""
    users: dict[str, str] = {}
    for number, raw in enumerate(re.split(r"[;\n]", text), start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        name, sep, password_hash = entry.partition(":")
        name, password_hash = name.strip(), password_hash.strip()
        if not sep or not USERNAME.match(name) or not password_hash.startswith("pbkdf2_"):
            raise UsersError(f"{origin}: entry {number} is not 'name:pbkdf2_sha256$...'")
        users[name] = password_hash
    return users


def load_users(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Users and password hashes from NEWSMON_USERS and the file NEWSMON_USERS_FILE."""
    environ = os.environ if environ is None else environ
    users = parse_users(environ.get("NEWSMON_USERS", ""), "NEWSMON_USERS")
    users_file = environ.get("NEWSMON_USERS_FILE")
    if users_file:
        try:
            text = Path(users_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsersError(f"NEWSMON_USERS_FILE {users_file}: {exc.strerror}") from exc
        users.update(parse_users(text, users_file))
    return users


def hash_env_name(index: int) -> str:
    """Environment variable the plugin config points at, so /-/metadata never shows a hash."""
    return f"NEWSMON_PASSWORD_HASH_{index}"


def auth_passwords_config(users: dict[str, str]) -> dict[str, dict[str, str]]:
    """datasette-auth-passwords config: `<name>_password_hash` as `$env` references."""
    return {f"{name}_password_hash": {"$env": hash_env_name(i)} for i, name in enumerate(users)}


def export_hashes(users: dict[str, str]) -> None:
    """Put the hashes where `auth_passwords_config` points (this process only)."""
    for i, password_hash in enumerate(users.values()):
        os.environ[hash_env_name(i)] = password_hash


def anonymous_decision(mode: str, action: str, resource: object, sql: str | None) -> bool | None:
    """False to deny an anonymous visitor `action`; None to leave it to Datasette."""
    if action not in READ_ACTIONS:
        return None
    if mode == "none":
        return False
    if action in ("execute-sql", "view-database-download"):
        return False
    if action == "view-table" and isinstance(resource, tuple):
        return None if str(resource[1]).lower() in PUBLIC_TABLES else False
    if action == "view-query" and sql is not None and SENSITIVE_SQL.search(sql):
        return False
    return None
