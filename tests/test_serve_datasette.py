"""`newsmon serve` as a real process: pages, JSON, canned queries, access modes, escaping."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.datasette import (
    PASSWORDS,
    ROOT,
    XSS_TITLE,
    Client,
    free_port,
    make_db,
    newsmon_argv,
    serve,
    stop,
    users_env,
    wait_until_up,
)

pytestmark = pytest.mark.e2e

HIDDEN_WHEN_ANONYMOUS = [
    "/", "/-/queue", "/-/item/1", "/-/dashboard", "/.json", "/newsmon", "/newsmon.json",
    "/newsmon/items", "/newsmon/items.json", "/newsmon/items.csv", "/newsmon/items/1.json",
    "/newsmon/flagged.json", "/newsmon/triage.json", "/newsmon.db", "/-/metadata.json",
    "/newsmon.json?sql=select+1",
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "newsmon.db"
    make_db(path)
    return path


@pytest.fixture(scope="module")
def base(db_path: Path):
    with serve(db_path) as url:
        yield url


@pytest.fixture()
def alice(base: str) -> Client:
    client = Client(base)
    client.login("alice")
    return client


def test_login_page_is_public(base: str) -> None:
    reply = Client(base).get("/-/login")
    assert reply.status == 200
    assert 'name="csrftoken"' in reply.text


@pytest.mark.parametrize("path", HIDDEN_WHEN_ANONYMOUS)
def test_anonymous_none_sees_nothing(base: str, path: str) -> None:
    reply = Client(base).get(path)
    assert reply.status in (302, 403), (path, reply.status)
    if reply.status == 302:
        assert reply.headers["location"].endswith("/-/login")
    assert "Полицейских" not in reply.text


def test_wrong_password_is_refused(base: str) -> None:
    client = Client(base)
    reply = client.post("/-/login", {"username": "alice", "password": "nope"})
    assert reply.status == 200 and "Неверное имя пользователя или пароль" in reply.text
    assert client.cookie("ds_actor") is None


def test_queue_is_the_landing_page(alice: Client) -> None:
    page = alice.get("/")
    assert page.status == 200
    assert "Очередь разбора" in page.text  # Russian by default
    assert "Полицейских обвиняют" in page.text and "Алматыда белсенді" in page.text
    assert "Погода в Астане" not in page.text  # not flagged


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("topic=art405", "Court jails activist", "Полицейских"),
    ("lang=kk", "Алматыда белсенді", "Court jails"),
    ("region=Aktobe", "Полицейских", "Court jails"),
    ("person=Marat+Zhylanbayev", "Court jails", "Алматыда"),
    ("source=vlast-en", "Court jails", "Полицейских"),
    ("q=пытк", "Полицейских", "Court jails"),      # Russian, prefix of an inflected form
    ("q=белсенді", "Алматыда", "Полицейских"),     # Kazakh letters
    ("q=extremism", "Court jails", "Алматыда"),    # English
    ("q=%22unbalanced+(", "разбирать нечего", "Court jails"),  # FTS syntax is neutralised
])
def test_queue_filters_and_search(alice: Client, query: str, expected: str, absent: str) -> None:
    page = alice.get("/-/queue?" + query)
    assert page.status == 200
    assert expected in page.text
    assert absent not in page.text


def test_flagged_canned_query_returns_flagged_rows(alice: Client, db_path: Path) -> None:
    reply = alice.get("/newsmon/flagged.json?_shape=array")
    assert reply.status == 200
    rows = reply.json()
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        flagged = {r[0] for r in conn.execute("SELECT id FROM items WHERE flagged = 1")}
    assert {r["id"] for r in rows} == flagged
    dates = [r["published"] for r in rows]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("name", ["triage_queue", "by_person", "by_article",
                                  "stale_follow_ups", "not_received"])
def test_other_canned_queries_run(alice: Client, name: str) -> None:
    reply = alice.get(f"/newsmon/{name}.json?_shape=array&person=&article=405&recipient=x%40y")
    assert reply.status == 200, reply.text[:300]
    assert isinstance(reply.json(), list)


def test_item_page_shows_evidence_entities_and_form(alice: Client) -> None:
    page = alice.get("/-/item/1")
    assert page.status == 200
    assert "<mark>пытки</mark>" in page.text
    assert "ru.torture.pytki" in page.text and "0.92" in page.text
    assert "Roman Reikhert" in page.text and "Актобе" in page.text  # place in Russian
    assert 'action="/-/triage/1"' in page.text and 'name="csrftoken"' in page.text
    assert 'href="https://news.example.kz/azattyq-ru/1"' in page.text


def test_crawled_markup_is_escaped(alice: Client) -> None:
    for path in ("/-/item/4", "/-/queue", "/newsmon/items/4"):
        page = alice.get(path)
        assert page.status == 200
        assert "<script>alert(1)</script>" not in page.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path
    item = alice.get("/-/item/4").text
    assert "<img src=x" not in item and "<b>с разметкой</b>" not in item
    assert XSS_TITLE.startswith("<script>")


def test_dashboard_draws_bars(alice: Client) -> None:
    page = alice.get("/-/dashboard")
    assert page.status == 200
    assert page.text.count('<div class="nm-bars">') == 2
    assert 'data-week="2024-W19"' in page.text and "Актюбинская область" in page.text


def test_tables_have_descriptions_and_facets(alice: Client) -> None:
    reply = alice.get("/newsmon/items.json?_extra=facet_results")
    assert reply.status == 200
    facets = reply.json()["facet_results"]
    names = set(facets["results"]) if "results" in facets else set(facets)
    assert {"source", "lang", "flagged"} <= names
    assert "Classifier score for torture" in alice.get("/newsmon/items").text
    # Topic facets are on item_topics (one row per item and topic), cheap at any size.
    topic_facets = alice.get("/newsmon/item_topics.json?_extra=facet_results").json()
    results = topic_facets["facet_results"]
    topics = results["results"]["topic"] if "results" in results else results["topic"]
    assert {row["value"] for row in topics["results"]} >= {"torture"}


def test_serve_uses_metadata_for_any_database_name(tmp_path: Path) -> None:
    path = tmp_path / "other-name.db"
    make_db(path)
    with serve(path) as url:
        client = Client(url)
        client.login("bob")
        assert client.get("/other-name/flagged.json").status == 200
        assert client.get("/-/queue").status == 200


def test_sigterm_stops_serve_and_datasette(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.db"
    make_db(path)
    port = free_port()
    env = {**os.environ, "NEWSMON_USERS": users_env(), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*newsmon_argv(), "--db", str(path), "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_until_up(f"http://127.0.0.1:{port}", proc)
    assert stop(proc) == 0
    time.sleep(0.5)
    with pytest.raises(OSError):
        import urllib.request

        urllib.request.urlopen(f"http://127.0.0.1:{port}/-/login", timeout=2)


def test_bad_users_config_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSMON_USERS": "alice:plaintext", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([*newsmon_argv(), "--db", str(tmp_path / "x.db"), "serve"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "NEWSMON_USERS" in result.stderr


def test_passwd_prints_a_hash_that_logs_in(tmp_path: Path) -> None:
    result = subprocess.run([*newsmon_argv(), "passwd", "--user", "carol"], cwd=ROOT,
                            input="s3cret words\n", capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("carol:pbkdf2_sha256$")
    users_file = tmp_path / "users.txt"
    users_file.write_text("# monitors\n" + line + "\n")
    path = tmp_path / "newsmon.db"
    make_db(path)
    with serve(path, users="", extra_env={"NEWSMON_USERS_FILE": str(users_file)}) as url:
        client = Client(url)
        client.login("carol", "s3cret words")
        assert client.get("/-/queue").status == 200


def test_metadata_does_not_leak_password_hashes(alice: Client) -> None:
    text = alice.get("/-/metadata.json").text
    assert "pbkdf2" not in text
    assert json.loads(text)["databases"]["newsmon"]["queries"]["flagged"]
    assert PASSWORDS["alice"] not in text
