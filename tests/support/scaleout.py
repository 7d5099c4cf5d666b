"""The scale-out mode's fixtures: a news site with flagged and gone articles, crawler processes
pushing to a real redis-server, waiting for what they do."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer, html
from tests.support.cli import newsmon_popen
from tests.support.db import rows
from tests.support.redis import RedisServer
from tests.support.sites import make_articles, sources_toml

TORTURE = "Сотрудники полиции пытали задержанного активиста в Актобе, сообщил его адвокат."
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false",
        # A crawler pulls up to CONCURRENT_REQUESTS from the shared queue at once; at the
        # per-domain limit one crawler does not hoard the queue.
        "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]
PROCESSING = "newsmon:funnel:processing"


def slow(route, delay: float):
    """The route with a delay, so crawlers are still running while the writer works."""
    def render(query):
        page = route(query) if callable(route) else route
        page.delay = delay
        return page
    return render


def news_site(server: SiteServer, folder: Path, count: int, delay: float = 0.0,
              with_gone: bool = True) -> dict:
    """The site (the two newest flagged, the two oldest gone: 404 and 410), its sources file."""
    articles = make_articles(count, sections=("kazakhstan",))
    for record in articles[:2]:
        record["paragraphs"].append(TORTURE)
    site = pangea_site(articles, server.base_url, feed_size=10, page_size=8)
    path_of = {r["id"]: next(p for p in site if p.endswith(f"/{r['id']}.html")
                             and p.count("/") == 3) for r in articles}
    gone = {path_of[articles[-1]["id"]]: 404, path_of[articles[-2]["id"]]: 410} \
        if with_gone else {}
    for path, status in gone.items():
        site[path] = html("<html><body><h1>Страница не найдена</h1></body></html>", status)
    server.pages.update({p: slow(r, delay) if p.startswith("/a/") else r
                         for p, r in site.items()})
    sources = sources_toml(folder / "sources.toml", [{
        "name": "azattyq-ru", "title": "Азаттык", "adapter": "pangea",
        "base_url": server.base_url, "languages": ["ru"], "country": "KZ",
        "feeds": site.feeds, "sections": site.sections[:1], "listing_pages": 10}])
    flagged = {server.base_url + path_of[r["id"]]: site[path_of[r["id"]]]({}).body
               for r in articles[:2]}
    return {"sources": sources, "gone": {server.base_url + p: s for p, s in gone.items()},
            "feed": site.feeds[0],
            "articles": articles, "flagged_bodies": flagged}


def crawler(redis: RedisServer, site: dict, folder: Path, name: str, run: str = "test-run"):
    """One `newsmon crawl` process of the scale-out mode, as cron starts it on a machine."""
    folder.mkdir(exist_ok=True)
    env = {"NEWSMON_REDIS_URL": redis.url, "NEWSMON_REDIS_RUN": run,
           "NEWSMON_REDIS_WORKER": name}
    return newsmon_popen("crawl", "--sources", str(site["sources"]), *FAST,
                         "-s", f"USER_AGENT=crawler-{name}", env=env, cwd=folder)


def wait_for(condition, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def stored(db_path: Path) -> int:
    try:
        return rows(db_path, "SELECT count(*) FROM items")[0][0]
    except Exception:  # not created yet
        return 0
