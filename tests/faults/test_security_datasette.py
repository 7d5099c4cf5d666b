"""Security review of `newsmon serve`: no write without login, CSRF, sessions, and what an
anonymous visitor can read on every page and endpoint in both anonymous modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import connect
from tests.faults.helpers import record_figures, rows
from tests.support.datasette import PASSWORDS, XSS_TITLE, Client, make_db, serve

pytestmark = pytest.mark.e2e

SECRET_NOTE = "NOTE-SECRET-witness-Aigerim-phone-7701"
SUBSCRIBER = "coordinator-secret@example.org"
SECRET = "datasette-signing-secret-for-the-fault-suite"
ITEM_TITLE = "Полицейских обвиняют в пытках задержанного в Актобе"

#: Everything a visitor can ask for: pages, JSON/CSV, canned queries, SQL, Datasette's /-/ pages.
PROBES = [
    "/", "/-/queue", "/-/item/1", "/-/item/4", "/-/dashboard", "/.json", "/newsmon",
    "/newsmon.json", "/newsmon/items", "/newsmon/items.json", "/newsmon/items.csv",
    "/newsmon/items/1", "/newsmon/items/1.json", "/newsmon/triage", "/newsmon/triage.json",
    "/newsmon/triage.csv", "/newsmon/triage_log.json", "/newsmon/digest_log.json",
    "/newsmon/subscriptions.json", "/newsmon/subscriptions.csv", "/newsmon/digest_state.json",
    "/newsmon/flagged.json", "/newsmon/triage_queue.json", "/newsmon/stale_follow_ups",
    "/newsmon/stale_follow_ups.json", "/newsmon/not_received.json?recipient=" + SUBSCRIBER,
    "/newsmon.json?sql=select+note+from+triage", "/newsmon.json?sql=select+*+from+%5Btriage%5D",
    "/newsmon.json?sql=select+email+from+subscriptions",
    "/newsmon/items.json?_where=id+in+(select+item_id+from+triage+where+note+like+'%25')",
    "/newsmon/items.json?_search=пытках", "/newsmon.db", "/-/metadata.json", "/-/metadata",
    "/-/actor.json", "/-/databases.json", "/-/versions.json", "/-/plugins.json",
    "/-/settings.json", "/-/config.json", "/-/threads.json", "/-/permissions", "/-/allow-debug",
    "/-/messages", "/-/patterns", "/newsmon/-/query.json?sql=select+1",
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sec") / "newsmon.db"
    make_db(path)
    db = connect(path)
    db["triage"].upsert({"item_id": 1, "status": "follow_up", "note": SECRET_NOTE,
                         "assigned_to": "alice", "updated_by": "alice",
                         "updated_at": "2020-01-01T00:00:00+00:00"}, pk="item_id")
    db["subscriptions"].insert({"email": SUBSCRIBER, "name": "Coordinator",
                                "topics": json.dumps(["torture"]), "frequency": "daily"})
    db.close()
    return path


def sensitive(text: str) -> list[str]:
    markers = [SECRET_NOTE, SUBSCRIBER, "pbkdf2_", SECRET, *PASSWORDS.values()]
    return [m for m in markers if m in text]


@pytest.mark.parametrize("mode", ["none", "read"])
def test_anonymous_visitor_sees_nothing_sensitive_anywhere(db_path, mode):
    exposed: dict[str, int] = {}
    with serve(db_path, anonymous=mode, extra_env={"NEWSMON_SECRET": SECRET}) as base:
        client = Client(base)
        for path in PROBES:
            reply = client.get(path)
            assert not sensitive(reply.text), (mode, path, sensitive(reply.text))
            assert not sensitive(str(reply.headers)), (mode, path)
            if mode == "none" and reply.status == 200:
                assert ITEM_TITLE not in reply.text, f"{path} shows items in mode none"
            if reply.status == 200:
                exposed[path] = reply.status
        sql = client.get("/newsmon.json?sql=select+1")
        assert sql.status in (302, 403), "anonymous visitors may not run SQL"
    record_figures(f"datasette_anonymous_{mode}", {"probes": len(PROBES),
                                                   "answered_200": sorted(exposed)})


def test_no_write_without_login_csrf_and_a_signed_session(db_path):
    with serve(db_path, anonymous="read", extra_env={"NEWSMON_SECRET": SECRET}) as base:
        before = rows(db_path, "SELECT * FROM triage ORDER BY item_id")
        anonymous = Client(base)
        for path, form in [("/-/triage/2", {"status": "relevant", "note": "anon"}),
                           ("/-/triage-bulk", {"status": "duplicate", "scope": "all"})]:
            reply = anonymous.post(path, form)
            assert reply.status == 403, (path, reply.status)
        # A forged, unsigned actor cookie is nobody.
        forged = Client(base)
        forged.jar.set_cookie(_cookie("ds_actor", json.dumps({"a": {"id": "alice"}}), base))
        assert forged.get("/-/actor.json").json() == {"actor": None}
        assert forged.post("/-/triage/2", {"status": "relevant"}).status == 403
        alice = Client(base)
        login = alice.login("alice")
        set_cookie = " ".join(login.headers.get_all("Set-Cookie") or [])
        assert "ds_actor=" in set_cookie and "HttpOnly" in set_cookie
        # Logged in but no CSRF token: refused; wrong password: no session.
        assert alice.post("/-/triage/2", {"status": "relevant"}, csrf=False).status == 403
        assert rows(db_path, "SELECT * FROM triage ORDER BY item_id") == before
        bad = Client(base)
        reply = bad.post("/-/login", {"username": "alice", "password": "wrong"})
        assert reply.status != 302 and not bad.cookie("ds_actor")
        ok = alice.post("/-/triage/2", {"status": "relevant", "note": "checked"})
        assert ok.status == 302, ok.text[:300]
        assert rows(db_path, "SELECT status, note FROM triage WHERE item_id = 2") == [
            ("relevant", "checked")]
        for path in ("/-/item/4", "/-/queue", "/-/dashboard", "/newsmon/items/4",
                     "/newsmon/items", "/newsmon/flagged"):
            page = alice.get(path)
            assert page.status == 200, path
            assert XSS_TITLE not in page.text and "onerror=alert(2)>" not in page.text, path
            assert page.headers.get("X-Frame-Options") == "DENY", path
    assert rows(db_path, "SELECT status, updated_by FROM triage WHERE item_id = 2") == [
        ("relevant", "alice")]
    record_figures("datasette_writes", {"cookie_flags": set_cookie.split(";", 1)[1].strip()})


def _cookie(name: str, value: str, base: str):
    """A cookie for 127.0.0.1 as a browser would hold it."""
    import http.cookiejar

    return http.cookiejar.Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/",
                                 True, False, None, True, None, None, {})
