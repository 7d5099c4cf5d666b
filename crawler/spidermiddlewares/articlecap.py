"""Bound what one feed can make us fetch: at most N new article requests per response."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.signals import fetch_failed

logger = logging.getLogger(__name__)


class ArticleCapMiddleware(BaseSpiderMiddleware):
    """At most NEWSMON_MAX_ARTICLES_PER_FEED new article requests from any one response.

    A 10,000-item feed would otherwise keep a cron run busy for hours. The first response
    over the cap records one `feed` error; the feed is marked dirty so the next run refetches
    it and, the stored articles now being known, follows the next batch.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.cap = crawler.settings.getint("NEWSMON_MAX_ARTICLES_PER_FEED", 1000)
        self.counts: dict[str, int] = {}

    def get_processed_request(self, request: Request, response: Response | None
                              ) -> Request | None:
        if response is None or self.cap <= 0 or request.meta.get("stage") != "fetch":
            return request
        count = self.counts[response.url] = self.counts.get(response.url, 0) + 1
        if count <= self.cap:
            return request
        if count == self.cap + 1:
            self.record_overflow(response)
        self.crawler.stats.inc_value("newsmon/articles_over_cap")
        return None

    def record_overflow(self, response: Response) -> None:
        feed = response.meta.get("feed", response.url)
        dirty = getattr(self.crawler.spider, "dirty_feeds", None)
        if dirty is not None:
            dirty.add(feed)
        reason = (f"more than {self.cap} new article links; followed the first {self.cap} "
                  "(NEWSMON_MAX_ARTICLES_PER_FEED); the rest next run")
        logger.warning("%s: %s", response.url, reason)
        self.crawler.signals.send_catch_log(fetch_failed, url=response.url,
                                            stage=response.meta.get("stage", "feed"),
                                            reason=reason)
