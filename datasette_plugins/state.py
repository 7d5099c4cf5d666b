"""Per-server state the hooks share: which database is ours, the anonymous mode, the users,
and the login machinery (throttle, hashing threads, sessions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datasette_plugins import METADATA_DB_KEY
from datasette_plugins.access import anonymous_mode, load_users, login_settings

INTERNAL_DATABASES = ("_internal", "_memory")


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


def get_state(datasette: Any) -> NewsmonState:
    """Build once per Datasette instance: read users, modes and limits from the environment."""
    existing = getattr(datasette, "_newsmon_state", None)
    if existing is not None:
        return existing
    from datasette_plugins.login import PasswordHasher, decoy_hash
    from datasette_plugins.sessions import Sessions
    from datasette_plugins.throttle import LoginThrottle

    names = [n for n in datasette.databases if n not in INTERNAL_DATABASES]
    db_name = names[0] if names else METADATA_DB_KEY
    users = load_users()
    limits = login_settings()
    # datasette-auth-passwords gets no accounts: its login (password checked on the event
    # loop) and its HTTP Basic auth (no throttle, no CSRF) can never succeed.
    metadata: dict[str, Any] = {"plugins": {"datasette-auth-passwords": {}}}
    local = getattr(datasette, "_metadata_local", None) or {}
    ours = (local.get("databases") or {}).get(METADATA_DB_KEY)
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
    datasette._newsmon_state = state
    return state
