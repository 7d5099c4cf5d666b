"""Per-server state the hooks share: which database is ours, the anonymous mode, the users,
and the login machinery (throttle, hashing threads, sessions)."""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from datasette_plugins import METADATA_DB_KEY, METADATA_PATH
from datasette_plugins.access import anonymous_mode, load_users, login_settings

INTERNAL_DATABASES = ("_internal", "_memory")
# `newsmon serve` names the metadata file it passed to Datasette in this variable.
METADATA_ENV = "NEWSMON_METADATA"


@dataclass(frozen=True)
class NewsmonState:
    db_name: str
    mode: str
    plugin_metadata: dict[str, Any]
    users: dict[str, str]
    throttle: Any  # throttle.LoginThrottle
    hasher: Any  # login.PasswordHasher
    sessions: Any  # sessions.Sessions
    decoy: str  # a password hash no password matches


_STATES: weakref.WeakKeyDictionary[Any, NewsmonState] = weakref.WeakKeyDictionary()


def served_database_metadata() -> dict[str, Any] | None:
    """The "newsmon" database section of the metadata file being served (read from the file:
    asking Datasette would run our own get_metadata hook again)."""
    path = Path(os.environ.get(METADATA_ENV) or METADATA_PATH)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    databases = loaded.get("databases") if isinstance(loaded, dict) else None
    return (databases or {}).get(METADATA_DB_KEY) if isinstance(databases, dict) else None


def get_state(datasette: Any) -> NewsmonState:
    """Build once per Datasette instance: read users, modes and limits from the environment."""
    existing = _STATES.get(datasette)
    if existing is not None:
        return existing
    from datasette_plugins.hashing import PasswordHasher, decoy_hash
    from datasette_plugins.sessions import Sessions
    from datasette_plugins.throttle import LoginThrottle

    names = [n for n in datasette.databases if n not in INTERNAL_DATABASES]
    db_name = names[0] if names else METADATA_DB_KEY
    users = load_users()
    limits = login_settings()
    # datasette-auth-passwords gets no accounts: its login (password checked on the event
    # loop) and its HTTP Basic auth (no throttle, no CSRF) can never succeed.
    metadata: dict[str, Any] = {"plugins": {"datasette-auth-passwords": {}}}
    ours = served_database_metadata()
    if ours and db_name != METADATA_DB_KEY:
        # metadata.yml describes "newsmon"; lend it to whatever the file is called.
        metadata["databases"] = {db_name: ours}
    state = NewsmonState(
        db_name, anonymous_mode(), metadata, users,
        throttle=LoginThrottle(limits.max_failures, limits.window),
        hasher=PasswordHasher(limits.hash_threads),
        sessions=Sessions(datasette, db_name, users, limits.session_hours),
        decoy=decoy_hash(users),
    )
    _STATES[datasette] = state
    return state
