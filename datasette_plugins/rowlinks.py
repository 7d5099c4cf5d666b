"""Datasette's row pages list, for each table pointing at the row, how many rows point at it.

For an item that told anonymous readers how many triage decisions, triage-log entries and
digests it has: information the allow-list (`access.PUBLIC_TABLES`) keeps from them. Datasette
0.65 counts every referencing table whatever the visitor may see; this narrows the list to
the public tables for anonymous visitors (the session gate marks who is anonymous).
"""

from __future__ import annotations

import contextvars
from typing import Any

from datasette_plugins.access import PUBLIC_TABLES

#: True while the current request comes from a visitor who is not logged in.
ANONYMOUS: contextvars.ContextVar[bool] = contextvars.ContextVar("newsmon_anonymous",
                                                                 default=True)


def public_links(links: list[dict[str, Any]], anonymous: bool) -> list[dict[str, Any]]:
    """The referencing tables a visitor may learn about (all of them when logged in)."""
    if not anonymous:
        return links
    return [link for link in links if str(link.get("other_table")) in PUBLIC_TABLES]


def install() -> None:
    """Wrap RowView.foreign_key_tables once per process (idempotent)."""
    from datasette.views.row import RowView

    original = RowView.foreign_key_tables
    if getattr(original, "_newsmon", False):
        return

    async def foreign_key_tables(self: Any, database: str, table: str,
                                 pk_values: Any) -> list[dict[str, Any]]:
        links = await original(self, database, table, pk_values)
        return public_links(links, ANONYMOUS.get())

    foreign_key_tables._newsmon = True  # type: ignore[attr-defined]
    RowView.foreign_key_tables = foreign_key_tables
