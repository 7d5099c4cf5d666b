"""Issue 18, finding 1: a session ends at logout, at expiry, and when its user is removed or
changes password; an old or forged cookie is nobody. Each old cookie then tries to read a
triage note and to write triage, against the real `newsmon serve`."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer

from store import connect
from tests.faults.helpers import cookie, record_finding, rows
from tests.support.datasette import PASSWORDS, Client, make_db, serve, users_env

pytestmark = pytest.mark.e2e

SECRET = "fault-suite-secret-issue-18-sessions"
NOTE = "NOTE-witness-Aigerim-phone-7701"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "newsmon.db"
    make_db(path)
    db = connect(path)
    db["triage"].upsert({"item_id": 1, "status": "follow_up", "note": NOTE,
                         "updated_by": "alice", "updated_at": "2024-05-10T09:00:00Z"},
                        pk="item_id")
    db.close()
    return path


def holding(base: str, jar_of: Client) -> Client:
    """A new client holding the cookies `jar_of` has (a copied or stolen session)."""
    other = Client(base)
    for item in jar_of.jar:
        other.jar.set_cookie(item)
    return other


def got_in(client: Client, db_path: Path) -> list[str]:
    """What the client managed: reading the triage note, writing triage (both must fail)."""
    before = rows(db_path, "SELECT * FROM triage ORDER BY item_id")
    done = []
    if NOTE in client.get("/-/item/1").text:
        done.append("read the note")
    if client.post("/-/triage/1", {"status": "relevant", "note": "forged"}).status != 403:
        done.append("wrote triage")
    if rows(db_path, "SELECT * FROM triage ORDER BY item_id") != before:
        done.append("changed the triage table")
    return done


def serve_with(db_path: Path, **env: str):
    return serve(db_path, anonymous="read", users=env.pop("users", users_env()),
                 extra_env={"NEWSMON_SECRET": SECRET, **env})


def test_logout_revokes_the_session_for_every_copy_of_the_cookie(db_path: Path) -> None:
    with serve_with(db_path) as base:
        alice = Client(base)
        alice.login()
        copy = holding(base, alice)
        assert NOTE in copy.get("/-/item/1").text  # the copy works until logout
        assert alice.post("/-/logout", {}).status == 302
        assert got_in(copy, db_path) == []
        assert copy.get("/-/actor.json").json() == {"actor": None}
        assert alice.cookie("ds_actor") in (None, "")
    assert rows(db_path, "SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL") == [(1,)]
    record_finding(1, "sessions_logout", {"unauthorised": 0, "inputs": 1})


def test_removed_user_or_changed_password_ends_the_session(db_path: Path) -> None:
    accounts = users_env()
    with serve_with(db_path, users=accounts) as base:
        alice = Client(base)
        alice.login()
    new_password = {**PASSWORDS, "alice": "a new password for alice"}
    bob_only = accounts.split(";")[1]
    outcomes = {}
    for label, users in [("restart", accounts), ("removed", bob_only),
                         ("password changed", users_env(new_password))]:
        with serve_with(db_path, users=users) as base:
            outcomes[label] = got_in(holding(base, alice), db_path)
            if label == "restart":  # same users, same secret: the session survives a restart
                assert outcomes[label] == ["read the note", "wrote triage",
                                           "changed the triage table"]
                set_back = connect(db_path)
                set_back["triage"].update(1, {"note": NOTE, "status": "follow_up"})
                set_back.close()
    assert outcomes["removed"] == [] and outcomes["password changed"] == []
    record_finding(1, "sessions_users", {"unauthorised": 0, "inputs": 2})


def test_sessions_expire_on_the_server(db_path: Path) -> None:
    with serve_with(db_path, NEWSMON_SESSION_HOURS="1") as base:
        alice = Client(base)
        login = alice.login()
        set_cookie = " ".join(login.headers.get_all("Set-Cookie") or [])
        assert "Max-Age=3600" in set_cookie and "HttpOnly" in set_cookie
        assert NOTE in alice.get("/-/item/1").text
        db = connect(db_path)
        db.execute("UPDATE sessions SET expires_at = '2020-01-01T00:00:00Z'")
        db.conn.commit()
        db.close()
        assert got_in(alice, db_path) == []
    record_finding(1, "sessions_expiry", {"unauthorised": 0, "inputs": 1})


def test_old_format_and_forged_cookies_are_nobody(db_path: Path) -> None:
    signer = URLSafeSerializer(SECRET, "actor")
    forged = {
        # what Datasette and datasette-auth-passwords issued before: no session, no expiry
        "old cookie": signer.dumps({"a": {"id": "alice"}}),
        "made-up session": signer.dumps({"a": {"id": "alice"}, "s": secrets.token_urlsafe(32)}),
        "wrong secret": URLSafeSerializer("guess", "actor").dumps({"a": {"id": "alice"}}),
        "garbage": '"ds_actor\\x00"',
    }
    with serve_with(db_path) as base:
        for label, value in forged.items():
            client = Client(base)
            client.jar.set_cookie(cookie("ds_actor", value))
            assert got_in(client, db_path) == [], label
    record_finding(1, "sessions_forged", {"unauthorised": 0, "inputs": len(forged)})
