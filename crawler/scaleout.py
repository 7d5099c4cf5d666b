"""Scale-out mode: many crawl processes share one request queue and dupefilter in Redis.

`redis_settings(url)` returns Scrapy settings to merge into a crawl's overrides. Every
process started with the same URL and run key pulls from the same per-source queue, and a
URL any of them has scheduled is never fetched again in that run. Items still go through
each process's own pipelines into SQLite (see docs/scaling.md for when to funnel writes).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)

KEY_PREFIX = "newsmon:%(run)s:%(source)s"
DEFAULT_TTL = 2 * 24 * 3600  # keys of a finished run linger this long, then Redis drops them
BUSY_REFRESH = 10.0  # seconds between a busy worker's heartbeats
BUSY_STALE = 120.0  # a worker silent this long has died; the others stop waiting for it


def default_run_key() -> str:
    """`NEWSMON_REDIS_RUN`, else the UTC hour: workers cron starts together share a run."""
    return os.environ.get("NEWSMON_REDIS_RUN") or datetime.now(UTC).strftime(
        "%Y%m%dT%H")


def redis_settings(url: str, run: str | None = None) -> dict[str, Any]:
    """Scrapy settings for the shared-queue mode; merge into `run_crawl` overrides."""
    prefix = KEY_PREFIX.replace("%(run)s", (run or default_run_key()).replace("%", "%%"))
    return {
        "SCHEDULER": "crawler.scaleout.SourceScheduler",
        "DUPEFILTER_CLASS": "crawler.scaleout.SourceDupeFilter",
        "REDIS_URL": url,
        # Kept on close: the first worker to finish must not wipe the others' queue. The run
        # key keeps runs apart; NEWSMON_REDIS_TTL expires the keys afterwards.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": prefix + ":requests",
        "SCHEDULER_DUPEFILTER_KEY": prefix + ":dupefilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "NEWSMON_REDIS_URL": url,
        "NEWSMON_REDIS_BUSY_KEY": prefix + ":busy",
        "EXTENSIONS": {"crawler.scaleout.SharedQueueIdle": 150},
    }


def source_key(template: str, spider: Any) -> str:
    """`template` with the spider's source filled in: each source has its own queue.

    One process runs one crawler per source, all named "news"; keyed by spider name alone
    they would pop each other's requests and store articles under the wrong source.
    """
    source = getattr(getattr(spider, "source", None), "name", None) or spider.name
    return template.replace("%(source)s", source.replace("%", "%%"))


class _Stats:
    """Stats minus the `spider=` argument scrapy-redis 0.9.1 passes (deprecated in 2.19)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self.stats.inc_value(key, count, start)


class SourceScheduler(Scheduler):
    """scrapy-redis's scheduler with per-source keys."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceScheduler:
        instance = super().from_crawler(crawler)
        instance.stats = _Stats(crawler.stats)
        return instance

    def open(self, spider: Any) -> Any:
        self.queue_key = source_key(self.queue_key, spider)
        return super().open(spider)


class SourceDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis-set dupefilter with per-source keys."""

    @classmethod
    def from_spider(cls, spider: Any) -> SourceDupeFilter:
        settings = spider.settings
        key = source_key(settings.get("SCHEDULER_DUPEFILTER_KEY"), spider)
        return cls(get_redis_from_settings(settings), key=key % {"spider": spider.name},
                   debug=settings.getbool("DUPEFILTER_DEBUG"))


class SharedQueueIdle:
    """Keeps an idle worker open while another may still add requests to the shared queue.

    Each worker marks itself busy in a Redis hash while it has work; an idle worker closes
    only when the queue is empty and no other worker is busy. This only affects how long
    workers help each other: a worker that closes early loses no requests.
    """

    def __init__(self, crawler: Crawler, ttl: int) -> None:
        self.crawler = crawler
        self.ttl = ttl
        self.server = get_redis_from_settings(crawler.settings)
        self.busy_template = crawler.settings.get("NEWSMON_REDIS_BUSY_KEY")
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(crawler)}"
        self.busy = False
        self.busy_key = ""
        self.marked_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedQueueIdle:
        if not crawler.settings.get("NEWSMON_REDIS_URL"):
            raise NotConfigured("NEWSMON_REDIS_URL is not set")
        ext = cls(crawler, crawler.settings.getint("NEWSMON_REDIS_TTL", DEFAULT_TTL))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.mark_busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.busy_key = source_key(self.busy_template, spider)
        self.mark_busy()

    def mark_busy(self, **kwargs: Any) -> None:
        now = time.time()
        if not self.busy or now - self.marked_at > BUSY_REFRESH:
            self.server.hset(self.busy_key, self.worker, now)
            self.busy, self.marked_at = True, now

    def spider_idle(self, spider: Any) -> None:
        self.busy = False
        self.server.hdel(self.busy_key, self.worker)
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        if scheduler is not None and scheduler.has_pending_requests():
            raise DontCloseSpider
        beats = self.server.hgetall(self.busy_key).values()
        if any(time.time() - float(beat) < BUSY_STALE for beat in beats):
            raise DontCloseSpider  # another worker may still schedule requests

    def spider_closed(self, spider: Any) -> None:
        self.server.hdel(self.busy_key, self.worker)
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        keys = [self.busy_key]
        if isinstance(scheduler, Scheduler):
            keys += [scheduler.queue.key, scheduler.df.key]
        for key in keys:
            self.server.expire(key, self.ttl)
