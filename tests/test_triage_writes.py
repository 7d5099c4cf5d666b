"""Triage writes through the real server: login, CSRF, audit log, bulk; and anonymous=read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.datasette import Client, make_db, serve

pytestmark = pytest.mark.e2e

NOTE = "Witness asked not to be named — call back Tuesday"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("triage") / "newsmon.db"
    make_db(path)
    return path


@pytest.fixture(scope="module")
def base(db_path: Path):
    with serve(db_path) as url:
        yield url


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def test_write_without_login_is_forbidden(base: str, db_path: Path) -> None:
    client = Client(base)
    for path in ("/-/triage/1", "/-/triage-bulk"):
        reply = client.post(path, {"status": "relevant", "item_id": "1"})
        assert reply.status == 403, path
    assert rows(db_path, "SELECT * FROM triage_log WHERE note = 'x'") == []


def test_write_with_login_and_csrf_is_recorded(base: str, db_path: Path) -> None:
    client = Client(base)
    client.login("alice")
    reply = client.post("/-/triage/2", {"status": "follow_up", "note": NOTE,
                                        "assigned_to": "bob"})
    assert reply.status == 302 and reply.headers["location"] == "/-/item/2"
    reply = client.post("/-/triage/2", {"status": "relevant", "note": NOTE},
                        headers={"Accept": "application/json"})
    assert reply.status == 200 and reply.json() == {"ok": True, "changed": 1,
                                                    "status": "relevant"}
    assert rows(db_path, "SELECT status, note, assigned_to, updated_by FROM triage "
                         "WHERE item_id = 2") == [("relevant", NOTE, "", "alice")]
    log = rows(db_path, "SELECT status, updated_by FROM triage_log WHERE item_id = 2 ORDER BY id")
    assert log == [("follow_up", "alice"), ("relevant", "alice")]
    page = client.get("/-/item/2").text
    assert NOTE in page and "follow_up" in page  # history shows both changes
    assert "Алматыда" not in client.get("/-/queue").text  # triaged items leave the queue
    assert "Алматыда" in client.get("/-/queue?show=all").text


def test_bad_or_missing_csrf_is_forbidden(base: str, db_path: Path) -> None:
    client = Client(base)
    client.login("bob")
    before = rows(db_path, "SELECT count(*) FROM triage_log")
    assert client.post("/-/triage/3", {"status": "relevant"}, csrf=False).status == 403
    reply = client.post("/-/triage/3", [("status", "relevant"), ("csrftoken", "forged")],
                        csrf=False)
    assert reply.status == 403
    assert rows(db_path, "SELECT count(*) FROM triage_log") == before


@pytest.mark.parametrize(("path", "form", "status"), [
    ("/-/triage/3", {"status": "urgent"}, 400),
    ("/-/triage/999", {"status": "relevant"}, 404),
    ("/-/triage-bulk", {"status": "relevant"}, 400),
])
def test_invalid_writes_are_rejected(base: str, path: str, form: dict, status: int) -> None:
    client = Client(base)
    client.login("bob")
    assert client.post(path, form).status == status


def test_bulk_ticked_items(base: str, db_path: Path) -> None:
    client = Client(base)
    client.login("bob")
    reply = client.post("/-/triage-bulk", [("item_id", "1"), ("item_id", "3"),
                                           ("status", "duplicate"), ("note", "same story")])
    assert reply.status == 302
    assert rows(db_path, "SELECT item_id, status, updated_by FROM triage WHERE item_id IN (1, 3) "
                         "ORDER BY item_id") == [(1, "duplicate", "bob"), (3, "duplicate", "bob")]


def test_bulk_whole_filtered_selection(base: str, db_path: Path) -> None:
    client = Client(base)
    client.login("alice")
    reply = client.post("/-/triage-bulk", {"scope": "all", "region": "Aktobe", "show": "all",
                                           "status": "not_relevant", "confirm": "2"})
    assert reply.status == 302 and "region=Aktobe" in reply.headers["location"]
    assert rows(db_path, "SELECT item_id FROM triage WHERE status = 'not_relevant' "
                         "ORDER BY item_id") == [(1,), (4,)]


@pytest.fixture(scope="module")
def read_base(db_path: Path, base: str):
    """A second server on the same file, open to anonymous readers (notes exist by now)."""
    writer = Client(base)
    writer.login("alice")
    writer.post("/-/triage/3", {"status": "follow_up", "note": NOTE, "assigned_to": "bob"})
    with serve(db_path, anonymous="read") as url:
        yield url


@pytest.mark.parametrize("path", [
    "/newsmon/triage", "/newsmon/triage.json", "/newsmon/triage.csv", "/newsmon/triage/3.json",
    "/newsmon/triage_log.json", "/newsmon/digest_log.json", "/newsmon/triage_queue.json",
    "/newsmon/stale_follow_ups.json", "/newsmon/not_received.json?recipient=a",
    "/newsmon.json?sql=select+note+from+triage", "/newsmon.db",
])
def test_anonymous_read_cannot_see_notes(read_base: str, path: str) -> None:
    reply = Client(read_base).get(path)
    assert reply.status == 403, (path, reply.status)
    assert NOTE not in reply.text


@pytest.mark.parametrize("path", ["/", "/-/item/3", "/-/dashboard", "/newsmon/items.json",
                                  "/newsmon/flagged.json", "/newsmon", "/-/metadata.json"])
def test_anonymous_read_sees_items_without_notes(read_base: str, path: str) -> None:
    reply = Client(read_base).get(path)
    assert reply.status == 200, (path, reply.status)
    assert NOTE not in reply.text
    assert 'name="note"' not in reply.text


def test_anonymous_read_cannot_write(read_base: str) -> None:
    client = Client(read_base)
    assert client.post("/-/triage/3", {"status": "relevant"}).status == 403
    assert "Court jails" in client.get("/").text  # anonymous queue lists all flagged items
