"""Offsite rule by the source: a request must stay on the source's base_url host and port (or
one of its `mirrors`)."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

from sites import urls


class SourceOffsiteMiddleware(OffsiteMiddleware):
    """Replaces Scrapy's OffsiteMiddleware for the news spider; redirects are checked too.

    Requests are checked when they reach the downloader (not when scheduled), so the
    IgnoreRequest reaches the request's errback and becomes a recorded `fetch_failed`.
    """

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """Checked in process_request instead, where the errback sees it."""

    def should_follow(self, request: Request, spider: Spider) -> bool:
        source = getattr(spider, "source", None)
        if source is None or not hasattr(source, "base_url"):
            return super().should_follow(request, spider)
        hosts = source.hosts() if hasattr(source, "hosts") else (source.base_url,)
        return any(urls.same_host(request.url, host) for host in hosts)

    def process_request(self, request: Request) -> None:  # type: ignore[override]
        spider = self.crawler.spider
        if self.should_follow(request, spider):  # dont_filter does not bypass the source rule
            return
        origin = (request.meta.get("redirect_urls") or [request.url])[0]
        self.stats.inc_value("offsite/filtered")
        raise IgnoreRequest(
            f"offsite: {request.url} is not on {urls.netloc(spider.source.base_url)}"
            + (f" (redirected from {origin})" if origin != request.url else ""))
