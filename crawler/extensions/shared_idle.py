"""Keep a scale-out worker open while another may still add requests to the shared queue."""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.scaleout import DEFAULT_TTL, source_key
from crawler.scaleout.queue import redis_errors

logger = logging.getLogger(__name__)

BUSY_REFRESH = 10.0  # seconds between a busy worker's heartbeats
BUSY_STALE = 120.0  # a worker silent this long has died; the others stop waiting for it


class SharedQueueIdle:
    """Keeps an idle worker open while another may still add requests to the shared queue.

    Each worker marks itself busy in a Redis hash while it has work; an idle worker closes
    only when the queue is empty and no other worker is busy. This only affects how long
    workers help each other: a worker that closes early loses no requests.
    """

    def __init__(self, crawler: Crawler, ttl: int) -> None:
        self.crawler = crawler
        self.ttl = ttl
        from scrapy_redis.connection import get_redis_from_settings  # the `scale` extra

        self.server = get_redis_from_settings(crawler.settings)
        self.busy_template = crawler.settings.get("NEWSMON_REDIS_BUSY_KEY")
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(crawler)}"
        self.busy = False
        self.busy_key = ""
        self.marked_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedQueueIdle:
        if not crawler.settings.get("NEWSMON_REDIS_URL"):
            raise NotConfigured  # no args: off without a warning (single-process mode)
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
            try:
                self.server.hset(self.busy_key, self.worker, now)
            except redis_errors():
                return  # Redis is gone; the scheduler and the push stage close the spider
            self.busy, self.marked_at = True, now

    def spider_idle(self, spider: Any) -> None:
        self.busy = False
        try:
            self.server.hdel(self.busy_key, self.worker)
            beats = self.server.hgetall(self.busy_key).values()
        except redis_errors():
            return  # Redis is gone: nothing more to wait for (the push stage reports it)
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        if scheduler is not None and scheduler.has_pending_requests():
            raise DontCloseSpider
        if any(time.time() - float(beat) < BUSY_STALE for beat in beats):
            raise DontCloseSpider  # another worker may still schedule requests

    def spider_closed(self, spider: Any) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        keys = [self.busy_key]
        if hasattr(scheduler, "queue") and hasattr(scheduler, "df"):
            keys += [scheduler.queue.key, scheduler.df.key]
        try:
            self.server.hdel(self.busy_key, self.worker)
            for key in keys:
                self.server.expire(key, self.ttl)
        except redis_errors() as exc:  # the keys expire with the run's TTL or stay; harmless
            logger.warning("could not set the TTL of the run's Redis keys: %s", exc)
