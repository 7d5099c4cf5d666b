"""Crawl in-process against servers on loopback, the way Scrapy's own suite tests spiders.

Twisted's reactor cannot be restarted, so one reactor runs for the whole test session in a
background thread; each crawl is scheduled on it and the test waits for the result. A crawl
here is the real one: `NewsSpider`, the project's settings, pipelines and extensions, a real
SQLite file; only politeness (delays, retries, long timeouts) is turned down for speed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsmon.jobs.runner import crawl_settings
from sites.sources import Source
from store import connect, finish_run, start_run

#: Loopback sites are ours: no politeness delay, no retries, short timeouts.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 5, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "WARNING"}

_started = threading.Lock()
_running = False


def _reactor() -> Any:
    """The session's reactor, running in a daemon thread (started on first use)."""
    global _running
    with _started:
        if not _running:
            from scrapy.utils.reactor import install_reactor

            install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
            from twisted.internet import reactor

            threading.Thread(target=reactor.run, kwargs={"installSignalHandlers": False},
                             daemon=True, name="twisted-reactor").start()
            _running = True
    from twisted.internet import reactor

    return reactor


@dataclass
class Crawl:
    """What one crawl of one source left: its run, stats, and the database rows it wrote."""

    db_path: Path
    run_id: int
    stats: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    first_new_id: int = 1  # items with an id from here on were stored by this crawl

    def items(self, where: str = "1 = 1", params: tuple = ()) -> list[dict[str, Any]]:
        """Stored items (all runs) as dicts, oldest id first."""
        db = connect(self.db_path, create=False)
        try:
            return list(db.query(f"SELECT * FROM items WHERE {where} ORDER BY id", params))
        finally:
            db.close()

    def new_items(self) -> list[dict[str, Any]]:
        """The items this crawl stored for the first time."""
        return self.items("id >= ?", (self.first_new_id,))

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)


def crawl(source: Source, db_path: Path, *, since: date | None = None,
          settings: dict[str, Any] | None = None, timeout: float = 60) -> Crawl:
    """Crawl `source` once into `db_path` as a recorded run; block until it finishes."""
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import threads

    from spiders.news import NewsSpider

    db = connect(db_path)
    try:
        run_id = start_run(db, "test", [source.name])
        first_new_id = (db.execute("SELECT max(id) FROM items").fetchone()[0] or 0) + 1
    finally:
        db.close()

    def start() -> Any:
        runner = CrawlerRunner(crawl_settings(str(db_path), run_id, {**FAST, **(settings or {})}))
        crawler = runner.create_crawler(NewsSpider)
        deferred = crawler.crawl(source=source, since=since)
        deferred.addCallback(lambda _: crawler.stats.get_stats())
        return deferred

    reactor = _reactor()
    stats = threads.blockingCallFromThread(reactor, start)
    db = connect(db_path)
    try:
        finish_run(db, run_id, {k: int(stats.get(f"newsmon/{k}", 0)) for k in
                                ("items_new", "items_updated", "items_unchanged")})
        errors = list(db.query("SELECT url, stage, reason FROM crawl_errors WHERE run_id = ?",
                               [run_id]))
    finally:
        db.close()
    return Crawl(Path(db_path), run_id, stats, errors, first_new_id)


def make_source(**entry: Any) -> Source:
    """A validated Source from sources.toml keys (the loader's own checks apply)."""
    from sites.sources import parse_sources

    defaults = {"name": "fixture", "title": "Fixture", "languages": ["ru"], "country": "KZ"}
    return parse_sources({"source": [{**defaults, **entry}]}, Path("<test>"))[0]
