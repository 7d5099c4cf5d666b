"""Finding 12: scale-out with Redis down or lost is a recorded failure and a non-zero exit, never
"ok" with nothing fetched (the funnel: crawler processes push to Redis, `newsmon ingest` writes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli import cli
from newsmon.demo.siteserver import SiteServer
from tests.support.cli import run_newsmon
from tests.support.db import rows
from tests.support.net import free_port
from tests.support.redis import REDIS_SERVER, RedisServer
from tests.support.scaleout import FAST, crawler, news_site, wait_for

pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed")
pytestmark = [pytest.mark.redis, pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")]


@pytest.mark.e2e
def test_a_crawler_without_redis_exits_3_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "s"\ntitle = "S"\nadapter = "feed"\nbase_url = "https://s.invalid"'
        '\nlanguages = ["ru"]\nfeeds = ["/rss"]\n', encoding="utf-8")
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    result = run_newsmon("crawl", "--sources", str(tmp_path / "sources.toml"), cwd=tmp_path,
                         env={"NEWSMON_REDIS_URL": url})
    assert result.returncode == 3
    (line,) = result.stderr.splitlines()
    assert line.startswith("newsmon crawl: Redis at redis://:***@127.0.0.1:")
    assert "hunter2" not in result.stderr

@pytest.mark.e2e
def test_a_crawler_that_loses_redis_mid_run_stops_and_says_so(
        tmp_path: Path, redis: RedisServer, processes: list) -> None:
    with SiteServer() as server:
        site = news_site(server, tmp_path, 12, delay=1.0)
        proc = crawler(redis, site, tmp_path / "a", "a")
        processes.append(proc)
        wait_for(lambda: any(r.path.startswith("/a/") for r in server.requests),
                 what="the first article request")
        redis.stop()
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert "lost the Redis queue mid-run" in stderr
    assert len(stderr.splitlines()) <= 4, stderr

def test_a_writer_that_loses_redis_marks_the_open_run_failed(
        tmp_path: Path, redis: RedisServer) -> None:
    db_path = tmp_path / "newsmon.db"
    with SiteServer() as server:
        site = news_site(server, tmp_path, 4)
        crawled = run_newsmon("crawl", "--sources", str(site["sources"]), *FAST, cwd=tmp_path,
                              env={"NEWSMON_REDIS_URL": redis.url})
    assert crawled.returncode == 1
    client = redis.client()
    done = client.rpop("newsmon:funnel:queue")  # as if the crawler died before its end
    assert done is not None
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(db_path), "ingest", "--wait", "0.2"],
                          env={"NEWSMON_REDIS_URL": redis.url})
    assert first.exit_code == 0, first.output
    assert rows(db_path, "SELECT status FROM crawl_runs") == [("running",)]
    redis.stop()
    second = runner.invoke(cli, ["--db", str(db_path), "ingest", "--wait", "0.2"],
                           env={"NEWSMON_REDIS_URL": redis.url})
    assert second.exit_code == 3
    (line,) = second.stderr.splitlines()
    assert line.startswith("newsmon ingest: Redis at") and "unreachable" in line
    assert rows(db_path, "SELECT status FROM crawl_runs") == [("errors",)]
    reasons = [r for (r,) in rows(db_path, "SELECT reason FROM crawl_errors WHERE stage = "
                                           "'ingest'")]
    assert len(reasons) == 1 and "unreachable" in reasons[0]
