"""Who may see and write what: users from the environment, anonymous modes, permissions.

Triage notes can name victims and sources, so the default for anonymous visitors is to
see nothing but the login page; `NEWSMON_ANONYMOUS=read` opens items, never notes.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ANONYMOUS_MODES = ("none", "read")
# The only tables (and views) anonymous readers may open. An allow-list, so a table added
# later (triage notes, coordinators' addresses, ...) is private until someone decides otherwise.
PUBLIC_TABLES = frozenset({"items", "items_fts", "item_topics", "item_entities", "crawl_runs",
                           "crawl_errors", "source_runs", "snapshots", "rechecks",
                           "item_versions", "changed_or_removed"})
SENSITIVE_SQL = re.compile(
    r"\b(triage|triage_log|digest_log|digest_notices|subscriptions|digest_state|note"
    r"|assigned_to|sessions)\b", re.I)
# Everything Datasette checks before showing data; in mode "none" all are denied.
READ_ACTIONS = frozenset({
    "view-instance", "view-database", "view-database-download", "view-table",
    "view-query", "execute-sql",
})
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
#: What `newsmon passwd` (datasette-auth-passwords' hash_password) writes.
PASSWORD_HASH = re.compile(r"^pbkdf2_sha256\$(\d{1,8})\$[^$\s]{1,200}\$[A-Za-z0-9+/=]{20,200}$")


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
        hashed = PASSWORD_HASH.match(password_hash)
        if not sep or not USERNAME.match(name) or not hashed or not int(hashed.group(1)):
            raise UsersError(f"{origin}: entry {number} is not 'name:pbkdf2_sha256$...' "
                             "(make one with `newsmon passwd --user NAME`)")
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


@dataclass(frozen=True)
class LoginSettings:
    """How logins are guarded; from NEWSMON_* variables, checked by `newsmon serve` first."""

    max_failures: int = 10
    window: float = 600.0
    session_hours: float = 12.0
    hash_threads: int = 2
    trusted_proxies: tuple[str, ...] = ()


def _number(environ: Mapping[str, str], name: str, default: float, maximum: float,
            whole: bool = False) -> float:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = math.nan
    if not (0 < value <= maximum):
        kind = "whole number" if whole else "number"
        raise UsersError(f"{name} must be a {kind} above 0 and at most {maximum:g}, "
                         f"not {raw[:40]!r}")
    return value


def trusted_proxies(environ: Mapping[str, str]) -> tuple[str, ...]:
    """NEWSMON_TRUSTED_PROXIES: addresses or networks whose X-Forwarded-For is believed."""
    raw = environ.get("NEWSMON_TRUSTED_PROXIES") or ""
    proxies = tuple(p.strip() for p in raw.split(",") if p.strip())
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise UsersError(f"NEWSMON_TRUSTED_PROXIES: {proxy[:60]!r} is not an IP address "
                             "or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return proxies


def login_settings(environ: Mapping[str, str] | None = None) -> LoginSettings:
    """NEWSMON_LOGIN_MAX_FAILURES, _LOGIN_WINDOW, _SESSION_HOURS, _LOGIN_THREADS, proxies."""
    env = os.environ if environ is None else environ
    return LoginSettings(
        max_failures=int(_number(env, "NEWSMON_LOGIN_MAX_FAILURES", 10, 1_000_000, True)),
        window=_number(env, "NEWSMON_LOGIN_WINDOW", 600.0, 366 * 86400.0),
        session_hours=_number(env, "NEWSMON_SESSION_HOURS", 12.0, 24 * 366.0),
        hash_threads=int(_number(env, "NEWSMON_LOGIN_THREADS", 2, 64, True)),
        trusted_proxies=trusted_proxies(env),
    )


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
