"""Never wander onto private networks: refuse requests and redirects to private addresses."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from sites.addresses import private_target_refused


class PrivateAddressMiddleware:
    """Refuse a request whose host is private unless the source itself lives there.

    Checked for every request, so each redirect hop is checked too; the IgnoreRequest
    reaches the request's errback and becomes a recorded failure.
    """

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
