"""The crawler side of the funnel: failures and each source's run record go to Redis.

In the scale-out mode a crawler process writes nothing to SQLite: `FunnelReporter` replaces
the error recorder and the health extension as `pipelines.push.PushPipeline` replaces the
store and evidence stages (they switch themselves off without `NEWSMON_DB`); `newsmon
ingest` writes all of it into the one database. Both switch themselves off without
`NEWSMON_REDIS_URL`.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler import signals as newsmon_signals
from crawler.extensions.health import SourceHealthRecorder, reason_class
from crawler.extensions.recorder import CrawlRecorder
from crawler.scaleout.queue import Funnel, open_redis, redis_errors
from crawler.scaleout.state import load_state
from crawler.scaleout.wire import Message, encode

logger = logging.getLogger(__name__)

_funnels: dict[str, Funnel] = {}  # one Redis connection pool per process and URL


def funnel_for(url: str) -> Funnel:
    """This process's Funnel on `url` (QueueUnavailable if Redis does not answer)."""
    if url not in _funnels:
        _funnels[url] = Funnel(open_redis(url))
    return _funnels[url]


def worker_id(spider: Any) -> str:
    """host:pid:source: one crawler of one source in one process."""
    source = getattr(getattr(spider, "source", None), "name", None) or spider.name
    return f"{socket.gethostname()}:{os.getpid()}:{source}"


def queue_lost(crawler: Crawler, exc: BaseException) -> None:
    """Redis stopped answering mid-crawl: note it and close the spider (nothing can land)."""
    if not crawler.stats.get_value("newsmon/queue_lost"):
        logger.warning("lost the Redis queue mid-crawl, closing: %s", exc)
        crawler.stats.set_value("newsmon/queue_lost", f"{type(exc).__name__}: {exc}")
        if crawler.engine is not None and crawler.engine.spider is not None:
            closing = deferred_from_coro(crawler.engine.close_spider_async(reason="queue_lost"))
            closing.addErrback(lambda failure: logger.warning(
                "closing after the lost queue: %s", failure.getErrorMessage()))


class FunnelReporter(CrawlRecorder):
    """The recorder and health extension of a crawler process, pushing instead of writing.

    Sends `start` when the spider opens, one `error` per URL that did not become an item,
    and `done` with the source's run record and feed validators when it closes; items and
    errors of one crawler reach the writer in the order they were pushed, `done` last.
    """

    def __init__(self, crawler: Crawler, url: str, run: str) -> None:
        super().__init__(crawler, "", None)
        self.url = url
        self.run = run
        self.worker = ""
        self.health = SourceHealthRecorder(crawler, "", run)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FunnelReporter:
        url = crawler.settings.get("NEWSMON_REDIS_URL")
        if not url:
            raise NotConfigured  # single-process mode: the recorder writes SQLite itself
        ext = cls(crawler, url, crawler.settings.get("NEWSMON_REDIS_RUN") or "")
        for handler, signal in ((ext.spider_opened, signals.spider_opened),
                                (ext.spider_closed, signals.spider_closed),
                                (ext.item_dropped, signals.item_dropped),
                                (ext.item_error, signals.item_error),
                                (ext.spider_error, signals.spider_error),
                                (ext.fetch_failed, newsmon_signals.fetch_failed),
                                (ext.health.fetch_failed, newsmon_signals.fetch_failed)):
            crawler.signals.connect(handler, signal=signal)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.health.spider_opened(spider)
        self.worker = worker_id(spider)
        self.send("start", {"source": spider.source.name})
        self.remember(spider)

    def remember(self, spider: Any) -> None:
        """Give the spider what earlier runs stored, as it reads it from a database itself
        (`NewsSpider.configure`); before its first request, so feeds get conditional GETs."""
        try:
            known, feeds = load_state(funnel_for(self.url).client, spider.source.name)
        except redis_errors() as exc:
            queue_lost(self.crawler, exc)
            return
        spider.known = {spider.adapter.article_key(url): stamp for url, stamp in known.items()}
        spider.saved_validators = feeds

    def spider_closed(self, spider: Any, reason: str) -> None:
        # The spider keeps validators only of feeds whose every article was handled; it
        # would save them itself with a database (NewsSpider.save_feed_state).
        dirty = getattr(spider, "dirty_feeds", set())
        feeds = {u: v for u, v in getattr(spider, "validators", {}).items() if u not in dirty}
        self.send("done", {"source": spider.source.name, "reason": reason, "feeds": feeds,
                           "source_run": self.health.row(spider, reason),
                           "pushed": self.crawler.stats.get_value("newsmon/items_pushed", 0)})

    def _record(self, url: str, stage: str, reason: str) -> None:
        stats = self.crawler.stats
        stats.inc_value("newsmon/errors")
        stats.inc_value(f"newsmon/errors/{stage}")
        stats.inc_value(f"newsmon/failed/{stage}: {reason_class(reason)}")
        source = getattr(getattr(self.crawler.spider, "source", None), "name", "")
        self.send("error", {"source": source, "url": url, "stage": stage, "reason": reason})

    def send(self, kind: str, data: dict[str, Any]) -> None:
        try:
            funnel_for(self.url).push(encode(Message(kind, self.run, self.worker, data)))
        except redis_errors() as exc:
            self.crawler.stats.inc_value("newsmon/undelivered")
            queue_lost(self.crawler, exc)
