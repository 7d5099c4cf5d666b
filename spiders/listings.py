"""Listing pages and the WordPress REST API: the spider's ways into an archive besides feeds.

A listing is walked page by page as the page itself links the next one (Pangea's "load more"
`?p=N`, WordPress's "next"/"older" link or `/page/N/`). A normal run stops at the first page
showing no unknown article, or after `listing_pages`; a backfill (`--since`) stops at the
first page showing an item older than the date, or after NEWSMON_BACKFILL_MAX_PAGES.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from extraction.dates import to_utc_iso
from sites import wordpress
from sites.entries import FeedEntry, FeedError
from spiders.errors import content_type


def day_hint(day: date | None) -> str | None:
    """A listing's day as a `published` hint (the page's own date wins when it has one)."""
    return to_utc_iso(day.isoformat()) if day else None


class ListingMixin:
    """NewsSpider's listings (expects its source, adapter, request(), article_request())."""

    source: Any
    adapter: Any
    since: date | None
    known: dict[str, str | None]

    def listing_request(self, path: str, **meta: Any) -> Request:
        return self.request(self.source.url(path), self.parse_listing, "listing", page=0,
                            **meta)

    def parse_listing(self, response: Response) -> Iterable[Request]:
        """Links of a listing page; the next page only while it still shows unknown articles."""
        self.feed_ok(response)
        if not isinstance(response, TextResponse):
            self.fail(response.url, "listing", f"not an HTML page ({content_type(response)})")
            return
        page_url = self.to_main(response.url)
        links = self.adapter.listing_links(response.text, page_url)
        fresh = 0
        for url, day in links:
            if self.since and day and day < self.since:
                continue
            entry = FeedEntry(url=url, published=day_hint(day))
            requests = list(self.article_request(entry))
            fresh += bool(requests) or self.adapter.article_key(url) not in self.known
            yield from requests
        yield from self.next_listing(response, links, fresh)

    def next_listing(self, response: Response, links: list, fresh: int) -> Iterable[Request]:
        page = response.meta.get("page", 0) + 1
        deep = self.since and (response.meta.get("fallback") or not self.rest_backfill)
        limit = self.backfill_pages if deep else self.source.listing_pages
        older = self.since and any(day and day < self.since for _, day in links)
        if not links or not fresh or older or page >= limit:
            return
        next_url = self.adapter.next_listing(response.text, self.to_main(response.url))
        if next_url:
            yield self.request(next_url, self.parse_listing, "listing", page=page,
                               fallback=response.meta.get("fallback", False))

    def rest_url(self, page: int) -> str:
        return wordpress.rest_posts_url(self.source.url(self.source.rest_api), self.since, page)

    def parse_rest(self, response: Response) -> Iterable[Request]:
        self.feed_ok(response)
        try:
            entries = wordpress.parse_rest_posts(response.body)
        except FeedError as exc:
            self.fail(response.url, "listing", str(exc))
            yield from self.listing_fallback()
            return
        for entry in entries:
            yield from self.article_request(entry)
        page = response.meta["rest_page"]
        total = int(response.headers.get("X-WP-TotalPages", b"0") or 0)
        if entries and page < min(total, self.backfill_pages):
            yield self.request(self.rest_url(page + 1), self.parse_rest, "listing",
                               rest_page=page + 1)

    def listing_fallback(self) -> Iterable[Request]:
        """No REST API: backfill through the listings (`/page/N/`) instead."""
        for path in self.source.sections or ("/",):
            request = self.listing_request(path, fallback=True)
            yield request.replace(dont_filter=True)  # its first page may have been read already
