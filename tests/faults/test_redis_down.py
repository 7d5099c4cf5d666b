"""Issue 18, finding 12: a scale-out crawl whose Redis is down (or goes down) is a recorded
failure with a non-zero exit, never "ok", never a hang, and loses nothing for the next run."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from newsmon.demo.siteserver import Page, SiteServer, xml
from tests.faults.helpers import FAST, article_html, article_text, feed_source, record_finding, rss
from tests.support.cli import newsmon_popen, run_newsmon
from tests.support.db import rows
from tests.support.net import free_port

pytestmark = pytest.mark.e2e
pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed")
REDIS_SERVER = shutil.which("redis-server")


def slow_site(server: SiteServer, count: int, delay: float = 0.0) -> None:
    paths = [f"/news/{n}.html" for n in range(count)]
    for n, path in enumerate(paths):
        server.pages[path] = Page(article_html(f"Задержание {n}", article_text(n)), 200,
                                  {"Content-Type": "text/html; charset=utf-8"}, delay=delay)
    server.pages["/rss"] = xml(rss(paths))


def test_redis_down_at_the_start_is_a_recorded_outage(tmp_path: Path) -> None:
    db = tmp_path / "newsmon.db"
    with SiteServer() as server:
        slow_site(server, 3)
        sources = feed_source(tmp_path / "sources.toml", "shared", server.base_url, ["/rss"])
        result = run_newsmon("--db", str(db), "crawl", "--sources", str(sources), *FAST,
                             env={"NEWSMON_REDIS_URL": f"redis://:pw@127.0.0.1:{free_port()}/0"})
        assert server.requests == []
    assert result.returncode == 3 and "Traceback" not in result.stdout + result.stderr
    assert rows(db, "SELECT status FROM crawl_runs") == [("errors",)]
    [(stage, reason)] = rows(db, "SELECT stage, reason FROM crawl_errors")
    assert stage == "crawl" and "does not answer" in reason and ":pw@" not in reason
    bad = run_newsmon("--db", str(db), "crawl", "--sources", str(sources),
                      env={"NEWSMON_REDIS_URL": "not-a-url"})
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "NEWSMON_REDIS_URL" in bad.stderr
    record_finding(12, "redis_down", {"inputs": 2, "tracebacks": 0,
                                      "exit_codes": [result.returncode, bad.returncode]})


@pytest.mark.redis
@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")
def test_redis_lost_mid_run_ends_the_run_recorded_and_the_next_run_catches_up(tmp_path: Path
                                                                              ) -> None:
    db, port = tmp_path / "newsmon.db", free_port()
    redis = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                             stdout=subprocess.DEVNULL)
    with SiteServer() as server:
        slow_site(server, 8, delay=0.5)
        sources = feed_source(tmp_path / "sources.toml", "shared", server.base_url, ["/rss"])
        args = ["--db", str(db), "crawl", "--sources", str(sources), *FAST,
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        crawl = newsmon_popen(*args, env={"NEWSMON_REDIS_URL": f"redis://127.0.0.1:{port}/0"})
        while not server.requested("/news/") and crawl.poll() is None:
            time.sleep(0.05)  # wait for the first article request: Redis is in use
        redis.terminate()
        redis.wait()
        out, err = crawl.communicate(timeout=120)  # ends by itself: no endless retry loop
        again = run_newsmon(*args)  # the next run, without the shared queue
    assert crawl.returncode != 0 and "Traceback" not in out + err
    statuses = [s for (s,) in rows(db, "SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses == ["errors", "ok"], (statuses, err[-2000:])
    assert again.returncode == 0 and rows(db, "SELECT count(*) FROM items") == [(8,)]
