"""Crash and concurrency: SIGKILL mid-run, Datasette reading during a crawl, two crawls at once."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.demo.siteserver import SiteServer
from tests.faults.helpers import (
    FAST,
    article_html,
    article_text,
    feed_source,
    newsmon_popen,
    record_figures,
    rows,
    rss,
)
from tests.support.datasette import Client, serve
from tests.support.hostile import page, slow

pytestmark = pytest.mark.e2e

ARTICLES = 24
TORTURE = "Полицейские избили и пытали задержанного активиста в отделении"


@pytest.fixture()
def slow_site() -> Iterator[SiteServer]:
    """A feed of ARTICLES flagged articles, each answering after 0.4 s."""
    routes = {f"/a/{n}.html": slow(page(article_html(f"Пытки в отделении {n}",
                                                     article_text(n, TORTURE))), 0.4)
              for n in range(ARTICLES)}
    routes["/rss.xml"] = page(rss([f"/a/{n}.html" for n in range(ARTICLES)]),
                              content_type="application/rss+xml")
    with SiteServer(routes) as server:
        yield server


def crawl_args(db: Path, sources: Path) -> list[str]:
    return ["--db", str(db), "crawl", "--sources", str(sources), *FAST]


def wait_for(check, timeout: float = 60, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(every)


def count_items(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def assert_consistent(db: Path) -> None:
    """integrity_check ok; every item's topics column matches its item_topics rows."""
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    for item_id, topics, flagged in rows(db, "SELECT id, topics, flagged FROM items"):
        stored = {t for (t,) in rows(db, "SELECT topic FROM item_topics WHERE item_id = ?",
                                     (item_id,))}
        assert stored == set(json.loads(topics)), item_id
        assert bool(flagged) == bool(stored), item_id
    orphans = rows(db, "SELECT count(*) FROM item_topics WHERE item_id NOT IN "
                       "(SELECT id FROM items)")
    assert orphans == [(0,)]


def test_sigkill_mid_run_loses_nothing_and_the_next_run_completes(slow_site, tmp_path):
    db = tmp_path / "newsmon.db"
    sources = feed_source(tmp_path / "sources.toml", "slow", slow_site.base_url, ["/rss.xml"])
    proc = newsmon_popen(*crawl_args(db, sources))
    wait_for(lambda: count_items(db) >= 3)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)  # reaps it and closes its pipes
    assert proc.returncode == -signal.SIGKILL
    at_kill = count_items(db)
    assert 0 < at_kill < ARTICLES, "the kill did not land in the middle of the run"
    assert_consistent(db)
    assert rows(db, "SELECT status FROM crawl_runs") == [("running",)]

    second = newsmon_popen(*crawl_args(db, sources))
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err[-2000:]
    assert_consistent(db)
    assert rows(db, "SELECT status FROM crawl_runs ORDER BY id") == [("aborted",), ("ok",)]
    urls = rows(db, "SELECT url FROM items")
    assert len(urls) == ARTICLES == len(set(urls))
    assert rows(db, "SELECT count(*) FROM items WHERE flagged = 1") == [(ARTICLES,)]
    new_second = rows(db, "SELECT items_new FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0]
    assert at_kill + new_second >= ARTICLES  # nothing stored twice, nothing skipped
    record_figures("sigkill", {"items_at_kill": at_kill, "items_after_rerun": len(urls),
                               "items_expected": ARTICLES, "new_in_rerun": new_second,
                               "integrity_check": "ok"})


def test_two_crawls_at_once_one_exits_75_with_the_lock_message(slow_site, tmp_path):
    db = tmp_path / "newsmon.db"
    sources = feed_source(tmp_path / "sources.toml", "slow", slow_site.base_url, ["/rss.xml"])
    first = newsmon_popen(*crawl_args(db, sources))
    wait_for(lambda: Path(f"{db}.lock").exists() and "pid" in Path(f"{db}.lock").read_text())
    second = newsmon_popen(*crawl_args(db, sources))
    try:
        out, err = second.communicate(timeout=60)
    finally:
        if second.returncode != 75:
            first.communicate(timeout=120)  # reap it before failing
    assert second.returncode == 75, err
    assert "newsmon crawl: another run is in progress" in err
    assert first.poll() is None  # it gave up while the first was still crawling: at once
    first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err[-2000:]
    assert rows(db, "SELECT count(*) FROM crawl_runs") == [(1,)]  # the loser left no run


def test_datasette_reads_during_a_crawl_without_lock_errors(slow_site, tmp_path):
    db = tmp_path / "newsmon.db"
    sources = feed_source(tmp_path / "sources.toml", "slow", slow_site.base_url, ["/rss.xml"])
    from store import connect

    connect(db).close()
    replies: list[tuple[str, int, str]] = []
    with serve(db, anonymous="read") as base:
        client = Client(base)
        crawl = newsmon_popen(*crawl_args(db, sources))
        stop = threading.Event()

        def poll() -> None:
            paths = ["/newsmon/items.json?_size=5", "/newsmon/crawl_runs.json",
                     "/newsmon/crawl_errors.json", "/newsmon/item_topics.json?_size=5"]
            while not stop.is_set():
                for path in paths:
                    reply = client.get(path)
                    replies.append((path, reply.status, reply.text[:300]))

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        out, err = crawl.communicate(timeout=120)
        stop.set()
        poller.join(timeout=30)
    assert crawl.returncode == 0, err[-2000:]
    assert "locked" not in err.lower()
    assert len(replies) >= 20
    bad = [r for r in replies if r[1] != 200 or "locked" in r[2].lower()]
    assert not bad, bad[:5]
    assert count_items(db) == ARTICLES
    record_figures("datasette_during_crawl", {"json_requests": len(replies), "non_200": len(bad),
                                              "items": ARTICLES})
