"""Blocked at home, try a mirror: the same path on the source's `mirrors`, in order.

RFE/RL serves Azattyq's paths on CloudFront hosts too (blocked in Kazakhstan, reachable
there). When the main host refuses (403/451, Cloudflare 52x, 503) or cannot be reached
(DNS, refused, timeout) after Scrapy's retries, the request is sent again to the next mirror
host; once a host has failed that way, later requests go straight to the next one. The
spider reads a mirror's response as the main host's page (`NewsSpider.to_main`), so stored
URLs stay canonical.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Response
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from sites import urls

logger = logging.getLogger(__name__)

BLOCKED_STATUSES = frozenset({403, 451, 503, 520, 521, 522, 523, 524, 525, 526})
UNREACHABLE = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError,
               DNSLookupError, ConnectionRefusedError, TimeoutError, TCPTimedOutError)


class MirrorMiddleware:
    """Downloader middleware (after RetryMiddleware): blocked host -> next mirror host."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.blocked: set[str] = set()  # netlocs that refused or were unreachable this run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorMiddleware:
        return cls(crawler)

    def hosts(self) -> tuple[str, ...]:
        source = getattr(self.crawler.spider, "source", None)
        return tuple(getattr(source, "hosts", lambda: ())())

    def next_host(self, url: str) -> str | None:
        """The host after `url`'s in the source's list, skipping blocked ones."""
        hosts = self.hosts()
        here = next((i for i, h in enumerate(hosts) if urls.same_host(url, h)), None)
        if here is None:
            return None
        return next((h for h in hosts[here + 1:] if urls.netloc(h) not in self.blocked), None)

    def moved(self, request: Request, why: str) -> Request | None:
        """The request on the next host, or None when there is none left."""
        self.blocked.add(urls.netloc(request.url))
        host = self.next_host(request.url)
        if host is None:
            return None
        logger.info("%s: %s; trying the mirror %s", request.url, why, host)
        self.crawler.stats.inc_value("newsmon/mirror_requests")
        meta = {**request.meta, "mirror_of": request.meta.get("mirror_of", request.url)}
        return request.replace(url=urls.rehost(request.url, host), meta=meta, dont_filter=True)

    def process_request(self, request: Request) -> Request | None:
        if urls.netloc(request.url) in self.blocked and len(self.hosts()) > 1:
            return self.moved(request, "host blocked earlier this run")
        return None

    def process_response(self, request: Request, response: Response) -> Any:
        if response.status in BLOCKED_STATUSES and len(self.hosts()) > 1:
            return self.moved(request, f"HTTP {response.status}") or response
        return response

    def process_exception(self, request: Request, exception: Exception) -> Any:
        if isinstance(exception, UNREACHABLE) and len(self.hosts()) > 1:
            return self.moved(request, type(exception).__name__)
        return None
