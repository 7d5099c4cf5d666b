"""Two crawl processes share one Redis queue: no URL fetched twice, every article stored once.

A real `redis-server` on a free 127.0.0.1 port, a Pangea-shaped SiteServer, and two
`newsmon.jobs.runner.run_crawl` processes (full pipeline into one SQLite file).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer
from store import connect, start_run
from tests.support.sites import make_articles, sources_toml

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")
pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed")
pytestmark = [pytest.mark.redis, pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")]

WORKER = """
import json, sys
from newsmon.jobs.runner import run_crawl
from crawler.scaleout import redis_settings
from sites.sources import load_sources
sources, db, run_id, redis_url, run_key, agent = sys.argv[1:7]
overrides = {**redis_settings(redis_url, run_key), "USER_AGENT": agent, "DOWNLOAD_DELAY": 0,
             "AUTOTHROTTLE_ENABLED": False,
             # A worker pulls up to CONCURRENT_REQUESTS from the shared queue at once; keep it
             # at the per-domain limit so one worker does not hoard the queue.
             "CONCURRENT_REQUESTS": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
stats = run_crawl(load_sources(sources), db, int(run_id), overrides=overrides)
keep = ("newsmon/", "scheduler/", "downloader/request_count")
print("STATS " + json.dumps({k: v for s in stats.values() for k, v in s.items()
                             if k.startswith(keep)}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path):
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def slow(route, delay: float):
    """The article page with a delay, so both workers are still running when work remains."""
    def render(query):
        page = route(query) if callable(route) else route
        page.delay = delay
        return page
    return render


def test_two_workers_share_one_queue(tmp_path: Path, redis_url: str) -> None:
    articles = make_articles(40, sections=("kazakhstan",))
    with SiteServer() as server:
        site = pangea_site(articles, server.base_url, feed_size=10, page_size=8)
        server.pages.update({path: slow(route, 0.5) if path.startswith("/a/") else route
                             for path, route in site.items()})
        sources = sources_toml(tmp_path / "sources.toml", [{
            "name": "azattyq-ru", "title": "Азаттык", "adapter": "pangea",
            "base_url": server.base_url, "languages": ["ru"], "country": "KZ",
            "feeds": site.feeds, "sections": site.sections[:1], "listing_pages": 10}])
        db_path = tmp_path / "newsmon.db"
        db = connect(db_path)
        run_id = start_run(db, "crawl", ["azattyq-ru"])
        db.close()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        workers = []
        for agent in ("worker-a", "worker-b"):
            workers.append(subprocess.Popen(
                [sys.executable, "-c", WORKER, str(sources), str(db_path), str(run_id),
                 redis_url, "test-run", agent],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        logs = [w.communicate(timeout=180)[0] for w in workers]
        requests = list(server.requests)

    for worker, log in zip(workers, logs, strict=True):
        assert worker.returncode == 0, log[-3000:]
    fetched = Counter(r.path for r in requests if r.path != "/robots.txt")
    assert [path for path, count in fetched.items() if count > 1] == []
    article_paths = {path for path in fetched if path.startswith("/a/")}
    assert len(article_paths) == len(articles)
    by_agent = Counter(r.headers.get("User-Agent") for r in requests if r.path.startswith("/a/"))
    assert set(by_agent) == {"worker-a", "worker-b"}, by_agent  # the queue really was shared

    db = connect(db_path)
    rows = db.execute("SELECT url, source FROM items").fetchall()
    db.close()
    assert len(rows) == len(articles)
    assert {url.split("/a/", 1)[1] for url, _ in rows} == {p[3:] for p in article_paths}
    assert {source for _, source in rows} == {"azattyq-ru"}
