"""A URL too long to fetch is a recorded failure, not a silent drop.

Scrapy's UrlLengthMiddleware (a spider middleware) drops requests whose URL is longer than
URLLENGTH_LIMIT (2083, what old browsers and many servers accept) with an INFO line only;
refused here, at the downloader, the IgnoreRequest reaches the request's errback and is
written to `crawl_errors` like any other failure.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured


class UrlLengthGuard:
    """Refuse requests whose URL is longer than URLLENGTH_LIMIT characters."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlLengthGuard:
        limit = crawler.settings.getint("URLLENGTH_LIMIT")
        if limit <= 0:
            raise NotConfigured("URLLENGTH_LIMIT is 0: no limit")
        return cls(limit)

    def process_request(self, request: Request) -> None:
        if len(request.url) > self.limit:
            raise IgnoreRequest(f"URL longer than {self.limit} characters "
                                f"({len(request.url)}): not fetched")
