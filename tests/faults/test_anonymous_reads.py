"""Issue 18, finding 4: in read mode an anonymous visitor learns nothing about triage, the
triage log or digests (not even how many rows an item has there), and malformed numbers,
headers and cookies get a 4xx, never a 500, whoever sends them."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path
from urllib.parse import quote

import pytest

from store import connect
from tests.faults.helpers import record_finding
from tests.support.datasette import Client, make_db, serve

pytestmark = pytest.mark.e2e

PRIVATE_TABLES = ("triage", "triage_log", "digest_log", "digest_notices", "sessions")
BAD_NUMBERS = ["²", "١٢", "𝟙", "Ⅷ", "-1", "1.5", "1e9", "0x10", " 1", "abc", "%00",
               "99999999999999999999999999", "9223372036854775808", "1" * 400]
NUMBER_URLS = ["/?offset={}", "/-/queue?offset={}", "/-/queue?page={}", "/-/item/{}",
               "/-/dashboard?offset={}", "/newsmon/items/{}", "/newsmon/items/{}.json",
               "/newsmon/items?_size={}", "/newsmon/items.json?_next={}",
               "/newsmon/items?id={}", "/newsmon/rechecks/{}", "/-/queue?since={}&until={}"]
BAD_HEADERS = [
    {"Authorization": "Basic !!!"},
    {"Authorization": "Basic " + base64.b64encode(b"\xff:\xfe").decode()},
    {"Cookie": 'ds_actor="unterminated'}, {"Cookie": "ds_actor=" + "x" * 6000},
    {"Cookie": "a=b; ds_actor=\x7f;;; =;"}, {"Cookie": 'ds_csrftoken="x\\'},
    {"Cookie": "ds_messages=not-signed"}, {"X-Forwarded-For": "not an address"},
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("anon") / "newsmon.db"
    make_db(path)
    db = connect(path)
    db["triage"].upsert({"item_id": 1, "status": "follow_up", "note": "n",
                         "updated_by": "alice", "updated_at": "2024-05-10T09:00:00Z"},
                        pk="item_id")
    db["triage_log"].insert({"item_id": 1, "status": "follow_up", "note": "n",
                             "updated_by": "alice", "updated_at": "2024-05-10T09:00:00Z"})
    db["digest_log"].insert({"recipient": "c@example.org", "item_id": 1, "message_id": "m",
                             "sent_at": "2024-05-10T09:00:00Z"})
    db.close()
    return path


@pytest.fixture(scope="module")
def base(db_path: Path):
    with serve(db_path, anonymous="read") as url:
        yield url


def linked_tables(client: Client, item_id: int) -> set[str]:
    """The tables an item's row page (JSON and HTML) says point at it."""
    data = client.get(f"/newsmon/items/{item_id}.json?_extras=foreign_key_tables").json()
    tables = {t["other_table"] for t in data.get("foreign_key_tables", [])}
    html = client.get(f"/newsmon/items/{item_id}").text
    return tables | {t for t in PRIVATE_TABLES if f"/newsmon/{t}?" in html}


def test_anonymous_row_pages_show_no_private_table_counts(base: str) -> None:
    visitor = linked_tables(Client(base), 1)
    assert visitor and not visitor & set(PRIVATE_TABLES), visitor
    alice = Client(base)
    alice.login()
    assert {"triage", "triage_log", "digest_log"} <= linked_tables(alice, 1)  # control
    record_finding(4, "anonymous_row_links", {"inputs": 2, "unauthorised": 0,
                                           "visitor_sees": sorted(visitor)})


def test_malformed_input_is_a_client_error_never_a_server_error(base: str) -> None:
    errors: dict[str, int] = {}
    tried = 0
    for who in ("visitor", "alice"):
        client = Client(base)
        if who == "alice":
            client.login()
        for template in NUMBER_URLS:
            for value in BAD_NUMBERS:
                path = template.replace("{}", quote(value, safe=""))
                tried += 1
                if (status := client.get(path).status) >= 500:
                    errors[f"{who} GET {path}"] = status
        for headers in BAD_HEADERS:
            tried += 1
            if (status := client.request("/-/item/1", headers=headers).status) >= 500:
                errors[f"{who} {json.dumps(headers)[:60]}"] = status
        for value in BAD_NUMBERS:
            for path, form in [(f"/-/triage/{quote(value, safe='')}", {"status": "relevant"}),
                               ("/-/triage-bulk", {"status": "relevant", "item_id": value})]:
                tried += 1
                if (status := client.post(path, form).status) >= 500:
                    errors[f"{who} POST {path} {value!r}"] = status
    assert errors == {}
    record_finding(4, "malformed_requests", {"inputs": tried, "tracebacks": len(errors)})


def test_an_oversized_form_is_refused_not_buffered(base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(b"POST /-/login HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n\r\nusername=a")
        status_line = sock.makefile("rb").readline()
    assert status_line.split()[1] == b"413"  # answered before a byte more was read
    assert Client(base).post("/-/login", {"username": "alice", "password": "x"}).status == 200


def test_bad_ids_in_newsmon_urls_are_400(base: str) -> None:
    client = Client(base)
    for value in ("²", "9223372036854775808", "-1"):
        assert client.get(f"/-/queue?offset={quote(value)}").status == 400
        assert client.get(f"/-/item/{quote(value)}").status in (400, 404)
    assert client.get("/-/queue?offset=0").status == 200
