"""Push stage of the scale-out mode: the finished item, raw body included, onto Redis."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import ArticleItem
from crawler.scaleout.queue import redis_errors
from crawler.scaleout.report import funnel_for, queue_lost, worker_id
from crawler.scaleout.wire import encode, item_message
from pipelines.errors import ItemRejected


class PushPipeline:
    """Pushes each extracted, classified item with its raw body onto the funnel queue."""

    def __init__(self, crawler: Crawler, url: str, run: str) -> None:
        self.crawler = crawler
        self.url = url
        self.run = run
        self.worker = ""
        self.snapshot_all = crawler.settings.getbool("NEWSMON_SNAPSHOT_ALL")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushPipeline:
        url = crawler.settings.get("NEWSMON_REDIS_URL")
        if not url:
            raise NotConfigured  # no args: off without a warning (single-process mode)
        return cls(crawler, url, crawler.settings.get("NEWSMON_REDIS_RUN") or "")

    def open_spider(self) -> None:
        self.worker = worker_id(self.crawler.spider)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            message = item_message(item, self.run, self.worker, self.snapshot_all)
            funnel_for(self.url).push(encode(message))
        except redis_errors() as exc:
            queue_lost(self.crawler, exc)
            raise ItemRejected("push", f"Redis unreachable: {exc}") from None
        self.crawler.stats.inc_value("newsmon/items_pushed")
        return item
