"""The workspace through a real `newsmon serve`: one search everywhere, exports, bulk with
confirmation and undo, save and next, the language choice. One server for the module."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.datasette import Client, serve
from tests.support.workspace import make_workspace_db

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workspace") / "newsmon.db"
    make_workspace_db(path)
    return path


@pytest.fixture(scope="module")
def base(db_path: Path):
    with serve(db_path, anonymous="read") as url:
        yield url


@pytest.fixture()
def alice(base: str) -> Client:
    client = Client(base)
    client.login("alice")
    return client


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.parametrize(("query", "expected"), [
    ("пытка", {1, 4, 8}), ("заключенного", {6}), ("Жанаозен", {6}), ("Уральск", {7}),
    ("Ақтөбе", {1, 4, 8}), ("ұстад", {2, 7}), ("extremism", {3}),
])
def test_queue_and_table_search_agree(alice: Client, query: str, expected: set) -> None:
    queue = alice.get(f"/-/queue.json?show=all&q={quote(query)}").json()
    table = alice.get(f"/newsmon/items.json?_shape=array&flagged=1&_search={quote(query)}")
    assert {i["id"] for i in queue["items"]} == expected
    assert {r["id"] for r in table.json()} == expected


def test_plain_table_search_looks_at_the_newest_matches(alice: Client) -> None:
    plain = alice.get("/newsmon/items.json?_shape=array&_search=" + quote("пытка")).json()
    assert [r["id"] for r in plain] == [8, 4, 1]  # capped path: newest first, all 3 found


def test_table_page_has_the_search_box_and_says_what_it_searched(alice: Client) -> None:
    page = alice.get("/newsmon/items?_search=" + quote("пытка")).text
    assert 'name="_search"' in page and 'value="пытка"' in page
    assert "пытк" in page and "3 rows" in page


def test_csv_export_opens_in_excel_and_links_items(alice: Client) -> None:
    reply = alice.get("/-/queue.csv?show=all&topic=torture&date_from=2024-05-20")
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    assert reply.text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(reply.text[1:])))
    assert table[0][:3] == ["№", "Опубликовано (время Алматы)", "Заголовок"]
    assert [r[0] for r in table[1:]] == ["8", "6", "4"]
    assert all(r[8].endswith(f"/-/item/{r[0]}") for r in table[1:])
    assert table[1][5] == "Пытки" and table[1][9] == "Новое"


def test_anonymous_export_has_no_triage_columns(base: str, alice: Client) -> None:
    alice.post("/-/triage/3", {"status": "relevant"})
    anonymous = Client(base)
    data = anonymous.get("/-/queue.json?triage=relevant").json()
    assert "status" not in data["items"][0]
    assert len(data["items"]) == 8 - 1  # the status filter is ignored: all flagged items
    header = anonymous.get("/-/queue.csv").text.splitlines()[0]
    assert "Статус" not in header


def test_bulk_everything_matching_asks_then_applies_then_undoes(alice: Client,
                                                                  db_path: Path) -> None:
    form = {"scope": "all", "region": "Aktobe Region", "status": "not_relevant", "show": "all"}
    ask = alice.post("/-/triage-bulk", form)
    assert ask.status == 200 and 'data-count="3"' in ask.text and 'name="confirm"' in ask.text
    assert rows(db_path, "SELECT count(*) FROM triage WHERE status = 'not_relevant'") == [(0,)]
    done = alice.post("/-/triage-bulk", {**form, "confirm": "3"})
    assert done.status == 302 and "region=Aktobe+Region" in done.headers["location"]
    assert rows(db_path, "SELECT item_id FROM triage WHERE status = 'not_relevant' "
                         "ORDER BY item_id") == [(1,), (4,), (8,)]
    batch = rows(db_path, "SELECT batch FROM triage_log WHERE item_id = 8")[0][0]
    assert f'value="{batch}"' in alice.get("/-/history").text
    undone = alice.post("/-/undo", {"batch": batch})
    assert undone.status == 302
    assert rows(db_path, "SELECT count(*) FROM triage WHERE status = 'not_relevant'") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM triage_log WHERE reverts = ?", (batch,)) == [(3,)]
    assert alice.post("/-/undo", {"batch": batch}).status == 400  # once only


def test_save_and_next_goes_to_the_next_item_of_the_same_queue(alice: Client) -> None:
    page = alice.get("/-/item/6?topic=torture").text
    assert 'rel="next" href="/-/item/4?topic=torture"' in page
    reply = alice.post("/-/triage/6", {"status": "follow_up", "action": "save_next",
                                       "next": "/-/item/4?topic=torture"})
    assert reply.status == 302 and reply.headers["location"] == "/-/item/4?topic=torture"
    evil = alice.post("/-/triage/6", {"status": "follow_up", "action": "save_next",
                                      "next": "https://evil.example/"})
    assert evil.headers["location"].startswith("/-/queue")


def test_language_choice_is_remembered(base: str) -> None:
    client = Client(base)
    assert '<html lang="ru">' in client.get("/-/login").text
    reply = client.post("/-/lang", {"lang": "kk", "next": "/-/queue"})
    assert reply.status == 302 and reply.headers["location"] == "/-/queue"
    page = client.get("/-/queue").text
    assert '<html lang="kk">' in page and "Қарау кезегі" in page and "Азаптау" in page
    client.post("/-/lang", {"lang": "en", "next": "//evil.example"})
    assert "Triage queue" in client.get("/").text
    assert client.post("/-/lang", {"lang": "en"}, csrf=False).status == 403


def test_dashboard_bars_link_to_the_queue_they_count(alice: Client) -> None:
    page = alice.get("/-/dashboard").text
    assert "region=Aktobe+Region&amp;show=all" in page
    assert 'data-week="2024-W21"' in page
    drill = alice.get("/-/dashboard?region=" + quote("Aktobe Region")).text
    assert "place=Aktobe&amp;show=all" in drill
