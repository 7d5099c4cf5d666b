"""Per-server state the hooks share: which database is ours, the anonymous mode, the users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datasette_plugins import METADATA_DB_KEY
from datasette_plugins.access import (
    anonymous_mode,
    auth_passwords_config,
    export_hashes,
    load_users,
)

INTERNAL_DATABASES = ("_internal", "_memory")


@dataclass(frozen=True)
class NewsmonState:
    db_name: str
    mode: str
    plugin_metadata: dict[str, Any]
    # Login names, for the assignee list.
    users: tuple[str, ...] = ()


def get_state(datasette: Any) -> NewsmonState:
    """Build once per Datasette instance: read users and mode from the environment."""
    existing = getattr(datasette, "_newsmon_state", None)
    if existing is not None:
        return existing
    names = [n for n in datasette.databases if n not in INTERNAL_DATABASES]
    db_name = names[0] if names else METADATA_DB_KEY
    users = load_users()
    export_hashes(users)
    metadata: dict[str, Any] = {
        "plugins": {"datasette-auth-passwords": auth_passwords_config(users)}
    }
    local = getattr(datasette, "_metadata_local", None) or {}
    ours = (local.get("databases") or {}).get(METADATA_DB_KEY)
    if ours and db_name != METADATA_DB_KEY:
        # metadata.yml describes "newsmon"; lend it to whatever the file is called.
        metadata["databases"] = {db_name: ours}
    state = NewsmonState(db_name, anonymous_mode(), metadata, tuple(sorted(users)))
    datasette._newsmon_state = state
    return state
