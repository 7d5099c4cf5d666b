"""scrapy-redis' scheduler and dupefilter with per-source keys (the `scale` extra)."""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.scaleout import source_key

logger = logging.getLogger(__name__)


class _Stats:
    """Stats minus the `spider=` argument scrapy-redis 0.9.1 passes (deprecated in 2.19)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self.stats.inc_value(key, count, start)


class SourceScheduler(Scheduler):
    """scrapy-redis's scheduler with per-source keys.

    When Redis stops answering mid-run, scrapy-redis raises in the engine's loop every few
    seconds and the crawl never ends (later cron runs then find the lock held). Here the
    first error closes the source's crawl, with the reason in its stats (recorded by the
    crawl job as the source's failure, and no feed validators saved).
    """

    crawler: Crawler | None = None
    lost = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceScheduler:
        instance = super().from_crawler(crawler)
        instance.stats = _Stats(crawler.stats)
        instance.crawler = crawler
        return instance

    def open(self, spider: Any) -> Any:
        self.queue_key = source_key(self.queue_key, spider)
        return super().open(spider)

    def _queue_lost(self, exc: Exception) -> None:
        if self.lost or self.crawler is None:
            return
        self.lost = f"the shared queue (Redis) stopped answering: {exc}"
        self.crawler.stats.set_value("newsmon/crawl_failed", self.lost)
        logger.error("%s; closing this crawl", self.lost)
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(
                reason="queue_unreachable"))

    def enqueue_request(self, request: Any) -> bool:
        try:
            return not self.lost and super().enqueue_request(request)
        except RedisError as exc:
            self._queue_lost(exc)
            return False

    def next_request(self) -> Any:
        try:
            return None if self.lost else super().next_request()
        except RedisError as exc:
            self._queue_lost(exc)
            return None

    def has_pending_requests(self) -> bool:
        try:
            return not self.lost and super().has_pending_requests()
        except RedisError as exc:
            self._queue_lost(exc)
            return False


class SourceDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis-set dupefilter with per-source keys."""

    @classmethod
    def from_spider(cls, spider: Any) -> SourceDupeFilter:
        settings = spider.settings
        key = source_key(settings.get("SCHEDULER_DUPEFILTER_KEY"), spider)
        return cls(get_redis_from_settings(settings), key=key % {"spider": spider.name},
                   debug=settings.getbool("DUPEFILTER_DEBUG"))
