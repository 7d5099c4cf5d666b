"""Scale-out mode: crawler processes share a Redis queue and push to one writer, `newsmon ingest`.

A real `redis-server` on a free 127.0.0.1 port and a Pangea-shaped SiteServer (feed plus a
section listing, `/a/<slug>/<id>.html` articles, as `newsmon.demo.sitegen` copies Radio
Azattyq). Two of its articles are gone, one answering 404 and one 410, the two ways a removed
article answers (issue "Operations at scale": the scale-out mode once recorded neither).
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifiers import classify
from core.clock import utc_now
from crawler.items import ArticleItem
from crawler.scaleout.queue import Funnel
from crawler.scaleout.wire import Message, encode, item_message
from extraction import content_hash
from newsmon.cli import cli
from newsmon.context import AppContext
from newsmon.demo.siteserver import SiteServer
from newsmon.jobs.funnel_writer import FunnelWriter
from newsmon.jobs.ingest import drain, ingest
from store import connect
from tests.support.cli import newsmon_popen, run_newsmon
from tests.support.db import rows
from tests.support.net import free_port
from tests.support.redis import REDIS_SERVER, RedisServer
from tests.support.scaleout import (
    FAST,
    PROCESSING,
    TORTURE,
    crawler,
    news_site,
    stored,
    wait_for,
)

pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed")
pytestmark = [pytest.mark.redis, pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")]

@pytest.mark.e2e
def test_two_crawlers_and_a_killed_writer_store_every_article_once(
        tmp_path: Path, redis: RedisServer, processes: list) -> None:
    db_path = tmp_path / "newsmon.db"
    queue = redis.client()
    with SiteServer() as server:
        site = news_site(server, tmp_path, 40, delay=0.4)
        crawlers = [crawler(redis, site, tmp_path / name, name) for name in ("a", "b")]
        writer = newsmon_popen("--db", str(db_path), "ingest", "--follow", "--batch", "5",
                               "--wait", "0.2", env={"NEWSMON_REDIS_URL": redis.url})
        processes += [*crawlers, writer]
        wait_for(lambda: stored(db_path) >= 5, what="the writer's first items")
        # Hold the database's write lock: the writer takes its next batch and waits on it.
        blocker = sqlite3.connect(db_path, timeout=30)
        blocker.execute("BEGIN IMMEDIATE")
        wait_for(lambda: queue.llen(PROCESSING) > 0, what="a batch in the processing list")
        taken = queue.llen(PROCESSING)
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=30)
        stored_before_restart = stored(db_path)
        blocker.rollback()
        blocker.close()
        outputs = [c.communicate(timeout=180) for c in crawlers]
        requests = list(server.requests)
    restarted = run_newsmon("--db", str(db_path), "ingest", "--wait", "1",
                            env={"NEWSMON_REDIS_URL": redis.url})

    assert taken > 0 and stored_before_restart < 38  # the writer died holding a batch
    assert sorted(c.returncode for c in crawlers) in ([0, 1], [1, 1]), outputs
    assert restarted.returncode == 0, restarted.stderr
    assert (restarted.stdout, restarted.stderr) == ("", "")
    assert queue.llen(PROCESSING) == 0 and queue.llen("newsmon:funnel:queue") == 0
    # The queue was shared: no URL fetched twice, both crawlers fetched articles.
    fetched = Counter(r.path for r in requests if r.path != "/robots.txt")
    assert [path for path, count in fetched.items() if count > 1] == []
    agents = Counter(r.headers.get("User-Agent") for r in requests if r.path.startswith("/a/"))
    assert set(agents) == {"crawler-a", "crawler-b"}, agents
    # Every article stored once, every failure recorded once, one run with the right counts.
    urls = [u for (u,) in rows(db_path, "SELECT url FROM items")]
    assert len(urls) == len(set(urls)) == 38
    assert set(site["gone"]).isdisjoint(urls)
    errors = rows(db_path, "SELECT url, stage, reason FROM crawl_errors")
    assert sorted(errors) == sorted((u, "fetch", f"HTTP {s}") for u, s in site["gone"].items())
    assert rows(db_path, "SELECT status, items_new, items_updated, items_unchanged, errors "
                         "FROM crawl_runs") == [("errors", 38, 0, 0, 2)]
    assert rows(db_path, "SELECT source, new FROM source_runs") == [("azattyq-ru", 38)]
    # Evidence: the raw page of each flagged article, exactly as served, once.
    snapshots = rows(db_path, "SELECT s.url, s.body_sha256 FROM snapshots s")
    assert sorted(snapshots) == sorted(
        (url, hashlib.sha256(body).hexdigest()) for url, body in site["flagged_bodies"].items())


@pytest.mark.e2e
def test_a_404_and_a_410_in_scale_out_mode_are_two_recorded_errors_and_exit_1(
        tmp_path: Path, redis: RedisServer) -> None:
    db_path = tmp_path / "newsmon.db"
    with SiteServer() as server:
        site = news_site(server, tmp_path, 4)
        crawled = run_newsmon("crawl", "--sources", str(site["sources"]), *FAST, cwd=tmp_path,
                              env={"NEWSMON_REDIS_URL": redis.url})
    ingested = CliRunner().invoke(cli, ["--db", str(db_path), "ingest", "--wait", "0.2"],
                                  env={"NEWSMON_REDIS_URL": redis.url})

    assert crawled.returncode == 1, crawled.stderr
    assert "Traceback" not in crawled.stderr
    assert "azattyq-ru: 2 failed" in crawled.stderr
    assert ingested.exit_code == 0, ingested.output
    assert sorted(rows(db_path, "SELECT url, reason FROM crawl_errors")) == sorted(
        (url, f"HTTP {status}") for url, status in site["gone"].items())
    assert rows(db_path, "SELECT status, items_new, errors FROM crawl_runs") == [
        ("errors", 2, 2)]


@pytest.mark.e2e
def test_crawlers_without_a_database_still_crawl_incrementally(
        tmp_path: Path, redis: RedisServer, processes: list) -> None:
    db_path = tmp_path / "newsmon.db"
    ingest_args = ["--db", str(db_path), "ingest", "--wait", "0.2"]
    with SiteServer() as server:
        site = news_site(server, tmp_path, 6, with_gone=False)
        for run in ("run-1", "run-2"):
            server.clear_log()
            proc = crawler(redis, site, tmp_path / "a", "a", run=run)
            processes.append(proc)
            _, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr
            result = CliRunner().invoke(cli, ingest_args, env={"NEWSMON_REDIS_URL": redis.url})
            assert result.exit_code == 0, result.output
        second = list(server.requests)

    assert [r.path for r in second if r.path.startswith("/a/")] == []  # all known
    (feed,) = [r for r in second if r.path == site["feed"]]
    assert "If-None-Match" in feed.headers or "If-Modified-Since" in feed.headers
    assert rows(db_path, "SELECT status, items_new, items_unchanged FROM crawl_runs "
                         "ORDER BY id") == [("ok", 6, 0), ("ok", 0, 0)]


# -- the writer alone, in-process: messages as crawler processes push them -------------------

class Killed(BaseException):
    """The writer process dying between its commit and its acknowledgement."""


class DiesBeforeAck(Funnel):
    def ack(self, count: int) -> None:
        raise Killed


def funnel_messages(at: str | None = None) -> list[Message]:
    """One crawler's run: start, a flagged and a plain article, a 404, done."""
    run, worker, base = "run-1", "host:1:site-a", "https://site-a.test"

    def article(number: int, text: str) -> Message:
        title = f"Статья {number}"
        item = ArticleItem(
            url=f"{base}/a/{number}.html", source="site-a", fetched_url=f"{base}/a/{number}.html",
            status=200, body=f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode(),
            encoding="utf-8", fetched_at=utc_now(), title=title, text=text, lang="ru",
            classification=classify(title, text, "ru"), content_hash=content_hash(title, text),
            origin=f"{base}/rss")
        return item_message(item, run, worker)

    source_run = {"run_id": run, "source": "site-a", "started_at": utc_now(),
                  "ended_at": utc_now(), "feeds_fetched": 1, "feeds_not_modified": 0,
                  "found": 3, "new": 0, "updated": 0, "unchanged": 0, "skipped": 0,
                  "failed": 1, "failures_json": '{"fetch: HTTP 404": 1}',
                  "finish_reason": "finished"}
    messages = [
        Message("start", run, worker, {"source": "site-a"}),
        article(1, TORTURE), article(2, "В Алматы открылся новый парк, сообщает акимат."),
        Message("error", run, worker, {"source": "site-a", "url": f"{base}/a/3.html",
                                       "stage": "fetch", "reason": "HTTP 404"}),
        Message("done", run, worker, {"source": "site-a", "reason": "finished",
                                      "feeds": {f"{base}/rss": ["\"v1\"", ""]},
                                      "source_run": source_run}),
    ]
    for message in messages:
        message.at = at or message.at
    return messages


def push(redis: RedisServer, frames: list[bytes]) -> None:
    funnel = Funnel(redis.client())
    for frame in frames:
        funnel.push(frame)


def test_a_writer_killed_between_commit_and_ack_writes_nothing_twice(
        tmp_path: Path, redis: RedisServer) -> None:
    db_path = tmp_path / "newsmon.db"
    push(redis, [encode(m) for m in funnel_messages()])
    db = connect(db_path)
    with pytest.raises(Killed):
        drain(DiesBeforeAck(redis.client()), FunnelWriter(db, str(db_path), False),
              follow=False, batch=100, wait=0.1, stale_after=3600, stop=lambda: False)
    db.close()
    assert redis.client().llen(PROCESSING) == 5  # committed, never acknowledged

    report = ingest(AppContext(str(db_path)), redis.url, wait=0.1)

    assert report.exit_code == 0
    assert report.counts.messages == {"already written": 5}
    assert redis.client().llen(PROCESSING) == 0
    assert rows(db_path, "SELECT count(*) FROM items") == [(2,)]
    assert rows(db_path, "SELECT url, reason FROM crawl_errors") == [
        ("https://site-a.test/a/3.html", "HTTP 404")]
    assert rows(db_path, "SELECT status, items_new, items_unchanged, errors FROM crawl_runs"
                ) == [("errors", 2, 0, 1)]
    assert rows(db_path, "SELECT url FROM snapshots") == [("https://site-a.test/a/1.html",)]
    assert rows(db_path, "SELECT new, failed FROM source_runs") == [(2, 1)]
    assert rows(db_path, "SELECT url, etag FROM feed_state") == [
        ("https://site-a.test/rss", '"v1"')]


def test_a_crawler_killed_before_its_end_is_recorded_and_its_run_closed(
        tmp_path: Path, redis: RedisServer) -> None:
    db_path = tmp_path / "newsmon.db"
    push(redis, [encode(m) for m in funnel_messages(at="2024-05-01T00:00:00Z")[:-1]])

    report = ingest(AppContext(str(db_path)), redis.url, wait=0.1)

    assert report.exit_code == 1
    assert rows(db_path, "SELECT count(*) FROM items") == [(2,)]
    assert rows(db_path, "SELECT status, errors FROM crawl_runs") == [("errors", 2)]
    (reason,) = rows(db_path, "SELECT reason FROM crawl_errors WHERE stage = 'ingest'")[0]
    assert reason.startswith("crawler host:1:site-a sent no end of its crawl")


def test_a_message_the_writer_cannot_read_is_recorded_not_dropped(
        tmp_path: Path, redis: RedisServer) -> None:
    db_path = tmp_path / "newsmon.db"
    good = funnel_messages()
    push(redis, [encode(good[0]), b"not a newsmon message", encode(good[1])])

    report = ingest(AppContext(str(db_path)), redis.url, wait=0.1)

    assert report.exit_code == 1
    assert rows(db_path, "SELECT count(*) FROM items") == [(1,)]
    (reason,) = rows(db_path, "SELECT reason FROM crawl_errors WHERE stage = 'ingest'")[0]
    assert reason.startswith("unreadable message (21 bytes)")
    assert redis.client().llen(PROCESSING) == 0


def test_a_crawlers_snapshot_all_keeps_the_evidence_of_unflagged_items(
        tmp_path: Path, redis: RedisServer) -> None:
    db_path = tmp_path / "newsmon.db"
    start, flagged, plain = funnel_messages()[:3]
    plain.data["snapshot_all"] = True  # as `newsmon crawl --snapshot-all` pushes it
    push(redis, [encode(m) for m in (start, flagged, plain)])
    assert ingest(AppContext(str(db_path)), redis.url, wait=0.1).exit_code == 0
    assert sorted(rows(db_path, "SELECT url FROM snapshots")) == [
        ("https://site-a.test/a/1.html",), ("https://site-a.test/a/2.html",)]


def test_run_is_refused_in_the_scale_out_mode(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "s"\ntitle = "S"\nadapter = "feed"\nbase_url = "https://s.invalid"'
        '\nlanguages = ["ru"]\nfeeds = ["/rss"]\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "newsmon.db"), "run", "--sources",
              str(tmp_path / "sources.toml")],
        env={"NEWSMON_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    assert result.exit_code == 2
    assert "scale-out mode" in result.stderr and "newsmon ingest" in result.stderr
