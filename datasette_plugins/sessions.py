"""Server-side sessions: a login is a row in `sessions`, checked on every request.

Datasette's `ds_actor` cookie alone is a signed `{"id": name}` that never expires: logout only
asks the browser to forget it, and a removed user's cookie keeps working. Here the cookie also
carries a random token and an expiry; the token's SHA-256 names a `sessions` row that must be
unexpired, not revoked, for a user who still exists with the password the session was opened
with. Logout revokes the row; removing a user or changing a password ends their sessions;
rotating NEWSMON_SECRET ends everyone's (docs/triage.md).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature

from core.clock import format_utc, now, parse_utc
from datasette_plugins.writes import write_retrying

COOKIE = "ds_actor"
#: Sessions that ended longer ago than this are deleted at the next login (the table stays
#: small; recent ones remain as a record of who was logged in when).
KEEP_EXPIRED = 90 * 86400


def token_id(token: str) -> str:
    """The `sessions.id` of a cookie token: its SHA-256 (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def password_fingerprint(password_hash: str) -> str:
    """Short digest of a password hash: a session opened with an old password stops working."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def base62(number: int) -> str:
    """Datasette's expiry encoding for the cookie's `e` field."""
    from datasette.utils import baseconv

    return baseconv.base62.encode(number)


@dataclass(frozen=True)
class Opened:
    cookie: str  # the signed ds_actor value
    max_age: int  # seconds


class Sessions:
    """Open, check and revoke sessions of one Datasette instance's database."""

    def __init__(self, datasette: Any, db_name: str, users: dict[str, str],
                 lifetime_hours: float) -> None:
        self.datasette = datasette
        self.db_name = db_name
        self.users = users
        self.lifetime = int(lifetime_hours * 3600)

    @property
    def database(self) -> Any:
        return self.datasette.get_database(self.db_name)

    def token_of(self, raw_cookie: str | None) -> str | None:
        """The session token in a ds_actor cookie, if the cookie is ours and signed."""
        return self._decode(raw_cookie)[0]

    def _decode(self, raw_cookie: str | None) -> tuple[str | None, object]:
        """(session token, actor id) of a signed ds_actor cookie; (None, None) otherwise."""
        if not raw_cookie:
            return None, None
        try:
            decoded = self.datasette.unsign(raw_cookie, "actor")
        except (BadSignature, ValueError, TypeError):
            return None, None
        if not isinstance(decoded, dict) or not isinstance(decoded.get("a"), dict):
            return None, None
        token = decoded.get("s")
        if not isinstance(token, str) or not 16 <= len(token) <= 200:
            return None, None
        return token, decoded["a"].get("id")

    async def open(self, user: str) -> Opened:
        """A new session row for `user` and the cookie that carries it."""
        token = secrets.token_urlsafe(32)
        started = now()
        expires = int(time.time()) + self.lifetime
        row = {"id": token_id(token), "user": user, "created_at": format_utc(started),
               "expires_at": format_utc(datetime.fromtimestamp(expires, UTC)),
               "password_fp": password_fingerprint(self.users[user])}
        forget_before = format_utc(datetime.fromtimestamp(time.time() - KEEP_EXPIRED, UTC))

        def insert(conn: Any) -> None:
            conn.execute("INSERT INTO sessions (id, user, created_at, expires_at, password_fp) "
                         "VALUES (:id, :user, :created_at, :expires_at, :password_fp)", row)
            conn.execute("DELETE FROM sessions WHERE expires_at < ?", [forget_before])

        await write_retrying(self.database, insert)
        value = self.datasette.sign({"a": {"id": user}, "s": token, "e": base62(expires)},
                                    "actor")
        return Opened(value, self.lifetime)

    async def user_of(self, raw_cookie: str | None) -> str | None:
        """The user a cookie's session belongs to, if it is valid right now; else None."""
        token, actor_id = self._decode(raw_cookie)
        if token is None:
            return None
        result = await self.database.execute(
            "SELECT user, expires_at, revoked_at, password_fp FROM sessions WHERE id = :id",
            {"id": token_id(token)})
        row = result.first()
        if row is None or row["revoked_at"]:
            return None
        user, password_hash = row["user"], self.users.get(row["user"])
        if actor_id != user or password_hash is None:
            return None  # the cookie names someone else, or the user was removed
        if row["password_fp"] != password_fingerprint(password_hash):
            return None  # opened with a password that has since changed
        try:
            expired = parse_utc(row["expires_at"]) <= now()
        except (TypeError, ValueError):
            return None
        return None if expired else user

    async def revoke(self, raw_cookie: str | None) -> bool:
        """Revoke the cookie's session (logout); True if there was one to revoke."""
        token = self.token_of(raw_cookie)
        if token is None:
            return False
        stamp = format_utc(now())
        changed = await write_retrying(self.database, lambda conn: conn.execute(
            "UPDATE sessions SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL",
            {"at": stamp, "id": token_id(token)}).rowcount)
        return bool(changed)
