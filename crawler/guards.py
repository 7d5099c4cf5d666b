"""Crawl guards: bound what one feed can make us fetch, and never wander onto private networks.

Both are Scrapy middlewares enabled in crawler.settings; both record what they refuse
(a `crawl_errors` row through the `fetch_failed` signal), so a limit never loses work silently.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.signals import fetch_failed
from spiders.urls import canonicalize

logger = logging.getLogger(__name__)

#: Host names that always mean "this machine", whatever DNS says.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


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
        spider = self.crawler.spider
        feed = response.meta.get("feed", response.url)
        getattr(spider, "dirty_feeds", set()).add(feed)
        reason = (f"more than {self.cap} new article links; followed the first {self.cap} "
                  "(NEWSMON_MAX_ARTICLES_PER_FEED); the rest next run")
        logger.warning("%s: %s", response.url, reason)
        self.crawler.signals.send_catch_log(fetch_failed, url=response.url,
                                            stage=response.meta.get("stage", "feed"),
                                            reason=reason)


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local, reserved and unspecified IPs and local names."""
    host = host.strip("[]").lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def private_target_refused(url: str, source_base_url: str) -> str | None:
    """Why `url` must not be fetched for a source at `source_base_url`, or None if it may.

    A source that itself lives on a private or loopback address (a local mirror, the tests)
    may be fetched there; a public source must never lead the crawler to one.
    """
    host = urlsplit(url).hostname or ""
    source_host = urlsplit(source_base_url).hostname or ""
    if not is_private_host(host) or is_private_host(source_host):
        return None
    return f"refused: {host} is a private or loopback address and the source is on {source_host}"


class PrivateAddressMiddleware:
    """Downloader middleware: refuse requests (and redirects) to private addresses."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Any:
        source = getattr(self.crawler.spider, "source", None)
        base_url = getattr(source, "base_url", "")
        if not base_url or not (reason := private_target_refused(request.url, base_url)):
            return None
        self.crawler.stats.inc_value("newsmon/private_refused")
        origin = (request.meta.get("redirect_urls") or [request.url])[0]
        raise IgnoreRequest(reason + (f" (redirected from {origin})"
                                      if origin != request.url else ""))


class RedirectLoopMiddleware:
    """Turn a redirect back to a URL already in the chain into a recorded failure.

    Scrapy's RedirectMiddleware sends the looping request back through the scheduler, whose
    duplicate filter drops it without calling any errback: the article would vanish unrecorded.
    Runs before RedirectMiddleware on responses (higher priority number).
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if not 300 <= response.status < 400 or b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        target = canonicalize(urljoin(request.url, location))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonicalize(url) for url in chain}:
            raise IgnoreRequest(f"redirect loop: {' -> '.join(chain)} -> {target}")
        return response
