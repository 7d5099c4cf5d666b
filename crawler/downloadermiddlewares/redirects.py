"""A redirect back into its own chain is a recorded failure, not a silent drop."""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from sites.urls import canonicalize


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
