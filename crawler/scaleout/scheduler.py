"""scrapy-redis' scheduler and dupefilter with per-source keys (the `scale` extra)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.scaleout import source_key
from crawler.scaleout.queue import redis_errors
from crawler.scaleout.report import queue_lost

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
    first error closes the source's crawl (`report.queue_lost`), and no feed validators are
    saved for it.
    """

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceScheduler:
        instance = super().from_crawler(crawler)
        instance.stats = _Stats(crawler.stats)
        instance.crawler = crawler
        return instance

    def open(self, spider: Any) -> Any:
        self.queue_key = source_key(self.queue_key, spider)
        return super().open(spider)

    # Redis gone mid-crawl: close the spider cleanly instead of failing in the engine's loop
    # on every tick (the requests left in Redis are the next run's to fetch).

    def enqueue_request(self, request: Any) -> bool:
        try:
            return super().enqueue_request(request)
        except redis_errors() as exc:
            queue_lost(self.crawler, exc)
            return False

    def next_request(self) -> Any:
        try:
            return super().next_request()
        except redis_errors() as exc:
            queue_lost(self.crawler, exc)
            return None

    def has_pending_requests(self) -> bool:
        try:
            return super().has_pending_requests()
        except redis_errors() as exc:
            queue_lost(self.crawler, exc)
            return False


class SourceDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis-set dupefilter with per-source keys."""

    @classmethod
    def from_spider(cls, spider: Any) -> SourceDupeFilter:
        settings = spider.settings
        key = source_key(settings.get("SCHEDULER_DUPEFILTER_KEY"), spider)
        return cls(get_redis_from_settings(settings), key=key % {"spider": spider.name},
                   debug=settings.getbool("DUPEFILTER_DEBUG"))
