"""Issue 18, finding 6: writers take turns. A crawl whose database another writer keeps locking
stores every article; triage saves wait out a long writer and `reclassify`; an article whose
write failed is fetched again next run although its feed answers 304 by then."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsmon.demo.siteserver import SiteServer, html, xml
from store import connect
from tests.faults.helpers import article_html, article_text, record_finding, rss
from tests.support.cli import run_newsmon
from tests.support.crawl import crawl, make_source
from tests.support.datasette import Client, make_db, serve
from tests.support.db import rows


@contextmanager
def hogging(db_path: Path, hold: float, pause: float = 0.05) -> Iterator[list[int]]:
    """Another writer that keeps taking the write lock for `hold` seconds and committing."""
    stop, cycles = threading.Event(), [0]
    conn = sqlite3.connect(db_path, timeout=60, isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE IF NOT EXISTS hog (at REAL)")

    def run() -> None:
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO hog VALUES (?)", [time.time()])
            stop.wait(hold)
            conn.execute("COMMIT")
            cycles[0] += 1
            stop.wait(pause)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield cycles
    finally:
        stop.set()
        thread.join()
        conn.close()


def feed_site(server: SiteServer, count: int) -> list[str]:
    paths = [f"/news/{n}.html" for n in range(count)]
    for n, path in enumerate(paths):
        server.pages[path] = html(article_html(f"Задержание номер {n}", article_text(n)))
    server.pages["/rss"] = xml(rss(paths))
    return paths


@pytest.mark.crawl
def test_a_crawl_stores_every_article_while_another_writer_holds_the_lock(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The busy timeout is made shorter than the other writer's hold, so the crawl's writes
    # meet "database is locked" and must retry; deferred read-then-write transactions would
    # also fail at once whenever the other writer committed in between.
    monkeypatch.setattr("store.db.BUSY_TIMEOUT_MS", 100)
    connect(db_path).close()
    with SiteServer() as server:
        paths = feed_site(server, 20)
        source = make_source(name="busy", adapter="feed", base_url=server.base_url,
                             feeds=["/rss"])
        with hogging(db_path, hold=0.3) as cycles:
            # Item writes run on the crawl's event loop, so while they wait their turn the
            # fetches in flight wait too: the shipped 30 s download timeout, not the tests' 5 s.
            result = crawl(source, db_path, timeout=300, settings={"DOWNLOAD_TIMEOUT": 30})
    stored = {url.removeprefix(server.base_url) for (url,) in rows(db_path,
                                                                   "SELECT url FROM items")}
    assert stored == set(paths) and result.errors == []
    assert cycles[0] > 5  # the other writer really held the lock again and again
    assert rows(db_path, "SELECT status FROM crawl_runs") == [("ok",)]
    record_finding(6, "write_contention_crawl", {"inputs": len(paths), "stored": len(stored),
                                              "lost": len(paths) - len(stored),
                                              "lock_holds": cycles[0]})


@pytest.mark.crawl
def test_an_article_whose_write_failed_is_fetched_again_next_run(db_path: Path) -> None:
    db = connect(db_path)
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.url LIKE '%/2.html' "
               "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END")
    db.close()
    with SiteServer() as server:
        feed_site(server, 4)
        source = make_source(name="retry", adapter="feed", base_url=server.base_url,
                             feeds=["/rss"])
        first = crawl(source, db_path)
        db = connect(db_path)
        db.execute("DROP TRIGGER refuse")
        db.close()
        second = crawl(source, db_path)
    assert [(e["stage"], e["url"].removeprefix(server.base_url)) for e in first.errors] == [
        ("pipeline", "/news/2.html")]
    assert [i["url"].removeprefix(server.base_url) for i in second.new_items()] == [
        "/news/2.html"]
    assert second.stat("newsmon/feeds_not_modified") == 0  # the feed was read in full again


def hold_lock(db_path: Path, seconds: float, started: threading.Event) -> None:
    conn = sqlite3.connect(db_path, timeout=60, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE IF NOT EXISTS hog (at REAL)")
    started.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


@pytest.mark.e2e
def test_a_triage_save_waits_out_a_writer_longer_than_the_busy_timeout(tmp_path: Path
                                                                       ) -> None:
    db_path = tmp_path / "newsmon.db"
    make_db(db_path)
    with serve(db_path) as base:
        alice = Client(base)
        alice.login()
        started = threading.Event()
        writer = threading.Thread(target=hold_lock, args=(db_path, 6, started))
        writer.start()
        started.wait()
        reply = alice.post("/-/triage/1", {"status": "follow_up", "note": "call the lawyer"})
        writer.join()
    assert reply.status == 302, reply.text[:300]
    assert rows(db_path, "SELECT note FROM triage WHERE item_id = 1") == [("call the lawyer",)]


BULK = 600  # items reclassified while monitors save: several batches


@pytest.mark.e2e
def test_triage_saves_during_reclassify_are_all_kept_and_reclassify_finishes(tmp_path: Path
                                                                             ) -> None:
    db_path = tmp_path / "newsmon.db"
    ids = list(make_db(db_path).values())
    db = connect(db_path)
    db["items"].insert_all(
        {"url": f"https://news.example.kz/bulk/{n}", "source": "bulk", "title": f"Новость {n}",
         "text": article_text(n), "lang": "ru", "fetched_at": "2024-05-10T08:00:00Z",
         "content_hash": f"b{n}"} for n in range(BULK))
    db.close()
    saves: list[tuple[int, str]] = []
    with serve(db_path) as base:
        alice = Client(base)
        alice.login()
        reclassify = threading.Thread(target=lambda: saves.append(
            (run_newsmon("--db", str(db_path), "reclassify").returncode, "reclassify")))
        reclassify.start()
        n = 0
        while reclassify.is_alive() or n < 5:
            item = ids[n % len(ids)]
            reply = alice.post(f"/-/triage/{item}", {"status": "follow_up", "note": f"note {n}"})
            saves.append((reply.status, f"note {n}"))
            n += 1
            time.sleep(0.1)  # a monitor clicking fast, not a flood that starves the writer
        reclassify.join()
    notes = {note for (note,) in rows(db_path, "SELECT note FROM triage_log")}
    assert ("0", "reclassify") in {(str(code), what) for code, what in saves}
    web = [(status, note) for status, note in saves if note != "reclassify"]
    assert all(status == 302 for status, _ in web), web
    assert {note for _, note in web} <= notes
    assert rows(db_path, "SELECT count(*) FROM items WHERE flagged = 1")[0][0] > BULK - 50
    record_finding(6, "write_contention_web", {"inputs": len(web), "saved": len(web),
                                            "lost": 0, "tracebacks": 0})
