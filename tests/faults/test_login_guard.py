"""Issue 18, finding 2: every way to guess passwords goes through the one throttled, CSRF-checked
login form: HTTP Basic is not accepted, the password tool is closed to visitors, parallel guesses
and X-Forwarded-For do not get round the count, and hashing never stalls other visitors."""

from __future__ import annotations

import base64
import threading
import time
from pathlib import Path

import pytest
from datasette_auth_passwords.utils import hash_password

from datasette_plugins.hashing import PasswordHasher
from tests.faults.helpers import record_finding, rows
from tests.support.datasette import PASSWORDS, Client, make_db, serve

pytestmark = pytest.mark.e2e

NOTE = "NOTE-only-for-monitors-405"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("login") / "newsmon.db"
    make_db(path)
    from store import connect

    db = connect(path)
    db["triage"].upsert({"item_id": 1, "status": "follow_up", "note": NOTE,
                         "updated_by": "alice", "updated_at": "2024-05-10T09:00:00Z"},
                        pk="item_id")
    db.close()
    return path


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


MALFORMED_AUTHORIZATION = [
    "Basic !!!", "Basic " + base64.b64encode(b"\xff\xfe:\x80").decode(), "Basic", "Basic ",
    "basic YWxpY2U6eA==", "Basic " + "A" * 20001, "Bearer x", "Basic YWxpY2U=",
    "Basic " + base64.b64encode("алиса:пароль".encode()).decode(), "Digest username=alice",
]


def test_http_basic_is_not_a_way_in(db_path: Path) -> None:
    right = basic("alice", PASSWORDS["alice"])
    before = rows(db_path, "SELECT * FROM triage")
    with serve(db_path, extra_env={"NEWSMON_LOGIN_MAX_FAILURES": "3"}) as base:
        client = Client(base)
        item = client.request("/-/item/1", headers=right)
        assert item.status == 302 and NOTE not in item.text  # sent to the login page
        for csrf in (False, True):
            assert client.post("/-/triage/1", {"status": "relevant"}, csrf=csrf,
                               headers=right).status == 403
        statuses = {h: client.request("/-/item/1", headers={"Authorization": h}).status
                    for h in MALFORMED_AUTHORIZATION}
        assert all(status < 500 for status in statuses.values()), statuses
        for _ in range(3):  # the form locks after 3 failures ...
            client.post("/-/login", {"username": "alice", "password": "wrong"})
        assert client.post("/-/login", {"username": "alice", "password": "x"}).status == 429
        # ... and Basic with the right password is still nobody
        assert NOTE not in client.request("/-/item/1", headers=right).text
    assert rows(db_path, "SELECT * FROM triage") == before
    record_finding(2, "login_basic", {"inputs": 3 + len(MALFORMED_AUTHORIZATION) + 1,
                                   "unauthorised": 0, "tracebacks": 0})


def test_password_tool_is_for_logged_in_users_only(db_path: Path) -> None:
    with serve(db_path, anonymous="read") as base:
        visitor = Client(base)
        assert visitor.get("/-/password-tool").status == 403
        posted = visitor.post("/-/password-tool", {"password": "hash me"})
        assert posted.status == 403 and "pbkdf2" not in posted.text
        alice = Client(base)
        alice.login()
        made = alice.post("/-/password-tool", {"password": "hash me"})
        assert made.status == 200 and "pbkdf2_sha256$" in made.text
    record_finding(2, "login_password_tool", {"inputs": 2, "unauthorised": 0})


def login_statuses(base: str, count: int, headers: dict[str, str] | None = None
                   ) -> list[int]:
    """`count` wrong logins at once from one client; their statuses."""
    client = Client(base)
    client.csrftoken()
    statuses: list[int] = []

    def attempt(n: int) -> None:
        extra = {"X-Forwarded-For": f"203.0.113.{n}"} if headers is None else headers
        reply = client.post("/-/login", {"username": "alice", "password": f"guess {n}"},
                            headers=extra)
        statuses.append(reply.status)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_parallel_guesses_and_forwarded_for_do_not_get_past_the_throttle(db_path: Path
                                                                          ) -> None:
    env = {"NEWSMON_LOGIN_MAX_FAILURES": "3"}
    with serve(db_path, extra_env=env) as base:
        statuses = login_statuses(base, 12)  # each with another X-Forwarded-For
        assert statuses.count(200) <= 3, statuses  # 200: a password was checked
        assert set(statuses) <= {200, 429, 503}, statuses
        after = Client(base).post("/-/login", {"username": "alice",
                                               "password": PASSWORDS["alice"]},
                                  headers={"X-Forwarded-For": "198.51.100.7"})
        assert after.status == 429 and "ds_actor" not in str(after.headers)
    # Control: from a proxy the operator trusts, X-Forwarded-For does name the client.
    trusted = {**env, "NEWSMON_TRUSTED_PROXIES": "127.0.0.1"}
    with serve(db_path, extra_env=trusted) as base:
        assert login_statuses(base, 4, headers=None).count(200) == 4
    record_finding(2, "login_throttle", {"inputs": 13, "checked_of_12_parallel":
                                      statuses.count(200), "unauthorised": 0})


def test_password_checks_do_not_stall_other_visitors(db_path: Path, tmp_path: Path) -> None:
    # A deliberately slow hash (seconds per check) makes a stall on the event loop visible.
    slow = f"alice:{hash_password(PASSWORDS['alice'], iterations=2_400_000)}"
    order: list[str] = []
    with serve(db_path, users=slow) as base:
        guessing = [threading.Thread(target=lambda: order.append(
            f"login {Client(base).post('/-/login', {'username': 'alice', 'password': 'x'}).status}"
        )) for _ in range(2)]
        for thread in guessing:
            thread.start()
        time.sleep(0.5)  # let both checks start hashing (sequencing, not a measurement)
        page = Client(base).get("/-/login")
        order.append(f"page {page.status}")
        for thread in guessing:
            thread.join()
    assert order[0] == "page 200", order  # the page came back while the hashes ran
    assert sorted(order[1:]) == ["login 200", "login 200"], order
    record_finding(2, "login_event_loop", {"inputs": 2, "order": order})


def test_the_hasher_bounds_how_many_checks_run_or_wait() -> None:
    import asyncio

    hasher = PasswordHasher(threads=1)
    slow = hash_password("x", iterations=300_000)

    async def many() -> list[bool | None]:
        return await asyncio.gather(*(hasher.verify("y", slow) for _ in range(12)))

    results = asyncio.run(many())
    assert results.count(None) == 12 - hasher.limit  # refused at once, not queued
    assert results.count(False) == hasher.limit
