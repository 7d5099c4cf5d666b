"""The one generic news spider: feeds, sitemaps, listings and the WordPress REST API of a source.

Started as `crawler.crawl(NewsSpider, source=<Source>, since=<date|None>)` (or
`scrapy crawl news -a source=NAME`). Every URL comes from the source's base_url and keys; what
a kind of site does differently is asked of its adapter (`sites.get_adapter`); every URL that
cannot become an item is reported with the `fetch_failed` signal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from datetime import date
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings

from core.clock import utc_now
from crawler.items import ArticleItem
from crawler.signals import fetch_failed
from extraction.hints import merge_hints, page_hints
from sites import get_adapter, urls, wordpress
from sites.entries import FeedEntry, FeedError
from sites.sources import Source, get_source, load_sources
from spiders.errors import content_type, failure_reason, is_http_status
from spiders.feeds import parse_feed, parse_sitemap
from spiders.state import changed, conditional_headers
from store import connect, known_articles
from store.feeds import feed_validators, save_feed_validators

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


class NewsSpider(Spider):
    """Crawl one source incrementally; `since` walks its archive back to that date."""

    name = "news"

    def __init__(self, source: Source | str, since: date | str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.source_arg = source
        self.since = date.fromisoformat(since) if isinstance(since, str) and since else since
        self.seen: set[str] = set()
        self.dirty_feeds: set[str] = set()
        self.validators: dict[str, tuple[str, str]] = {}

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        mws = "DOWNLOADER_MIDDLEWARES"
        settings.set_in_component_priority_dict(
            mws, "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware", None)
        settings.set_in_component_priority_dict(
            mws, "crawler.downloadermiddlewares.offsite.SourceOffsiteMiddleware", 50)
        settings.set_in_component_priority_dict(
            "EXTENSIONS", "crawler.extensions.health.SourceHealthRecorder", 200)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler)
        return spider

    def configure(self, crawler: Crawler) -> None:
        """Resolve the source and read what earlier runs stored (settings come from here)."""
        settings = crawler.settings
        source = self.source_arg
        if isinstance(source, str):
            source = get_source(load_sources(settings.get("NEWSMON_SOURCES")), source)
        if base := settings.get("NEWSMON_SOURCE_BASE_URL"):
            source = source.with_base_url(base)
        self.source: Source = source
        self.adapter = get_adapter(source.adapter)
        self.allowed_domains = [urls.netloc(source.base_url).split(":")[0]]
        self.max_feed_bytes = settings.getint("DOWNLOAD_MAXSIZE")
        self.known: dict[str, str | None] = {}
        self.saved_validators: dict[str, tuple[str, str]] = {}
        if db_path := settings.get("NEWSMON_DB"):
            db = connect(db_path)
            try:
                self.known = {self.adapter.article_key(u): stamp
                              for u, stamp in known_articles(db, source.name).items()}
                self.saved_validators = feed_validators(db)
            finally:
                db.close()
        self.db_path = db_path
        self.backfill_pages = settings.getint("NEWSMON_BACKFILL_MAX_PAGES", 1000)
        self.rest_backfill = bool(source.adapter == "wordpress" and self.since and source.rest_api)
        self.url_pattern = re.compile(source.url_pattern) if source.url_pattern else None
        crawler.signals.connect(self.save_feed_state, signal=signals.spider_closed)
        crawler.signals.connect(self.item_crashed, signal=signals.item_error)

    # -- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests_for_source():
            yield request

    def start_requests_for_source(self) -> Iterable[Request]:
        """Feeds always; listings (first pages, or deep when backfilling); archive when `since`."""
        src = self.source
        for path in src.feeds:
            yield self.feed_request(src.url(path), self.parse_feed)
        for path in src.sections:
            yield self.request(src.url(path), self.parse_listing, "listing", page=0)
        use_sitemaps = self.since or src.adapter == "sitemap" or not (src.feeds or src.sections)
        if self.rest_backfill:
            yield self.request(self.rest_url(1), self.parse_rest, "listing", rest_page=1)
        elif use_sitemaps:
            for path in src.sitemaps:
                yield self.feed_request(src.url(path), self.parse_sitemap)

    def request(self, url: str, callback: Any, stage: str, **meta: Any) -> Request:
        """A request on the source's host with the errback, stage and per-source proxy set."""
        meta["stage"] = stage
        if self.source.proxy:
            meta["proxy"] = self.source.proxy
        return Request(url, callback=callback, errback=self.on_error, meta=meta)

    def feed_request(self, url: str, callback: Any) -> Request:
        """A conditional GET: a 304 means nothing changed and costs nothing."""
        request = self.request(url, callback, "feed", feed=url, handle_httpstatus_list=[304])
        if not self.since:  # a backfill must read the archive whatever the last run saw
            request.headers.update(conditional_headers(self.saved_validators.get(url)))
        return request

    def rest_url(self, page: int) -> str:
        return wordpress.rest_posts_url(self.source.url(self.source.rest_api), self.since, page)

    # -- discovery -----------------------------------------------------------------------------

    def feed_ok(self, response: Response) -> bool:
        """Count a fetched feed/listing; False for a 304 (unchanged, nothing to do)."""
        self.crawler.stats.inc_value("newsmon/feeds_fetched")
        if response.status == 304:
            self.crawler.stats.inc_value("newsmon/feeds_not_modified")
            return False
        return True

    def remember_validators(self, response: Response) -> None:
        etag = (response.headers.get("ETag") or b"").decode("latin-1")
        modified = (response.headers.get("Last-Modified") or b"").decode("latin-1")
        if (etag or modified) and not self.since:
            self.validators[response.meta["feed"]] = (etag, modified)

    def parse_feed(self, response: Response) -> Iterable[Request]:
        if not self.feed_ok(response):
            return
        try:
            feed = parse_feed(response.body, self.max_feed_bytes)
        except FeedError as exc:
            self.fail(response.url, "feed", f"{exc} (Content-Type: {content_type(response)})")
            return
        if feed.cut_off:  # recorded, and read in full again next run
            self.fail(response.url, "feed", f"not XML to the end (cut short?): {feed.problem}; "
                                            f"{len(feed.entries)} entries read before the cut")
            self.dirty_feeds.add(response.meta["feed"])
        elif feed.problem:
            logger.info("%s: %s is malformed, read leniently: %s", self.source.name,
                        response.url, feed.problem)
        for entry, why in feed.rejected:
            self.fail(response.url, "feed", f"entry {entry!r} skipped: {why}")
        self.remember_validators(response)
        for entry in feed.entries:
            yield from self.article_request(entry, origin=response.meta["feed"])

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        if not self.feed_ok(response):
            return
        try:
            sitemap = parse_sitemap(response.body, self.max_feed_bytes)
        except FeedError as exc:
            self.fail(response.url, "feed", str(exc))
            return
        self.remember_validators(response)
        for entry in sitemap.entries:
            if self.since and (day := entry.day) and day < self.since:
                continue  # older than the backfill date: neither the chunk nor the article
            if not sitemap.is_index:
                yield from self.article_request(entry, origin=response.meta["feed"])
            elif urls.same_host(entry.url, self.source.base_url):
                yield self.feed_request(entry.url, self.parse_sitemap)

    def parse_listing(self, response: Response) -> Iterable[Request]:
        """Links of a listing page; the next page only while it still shows unknown articles."""
        self.feed_ok(response)
        if not isinstance(response, TextResponse):
            self.fail(response.url, "listing", f"not an HTML page ({content_type(response)})")
            return
        links = self.adapter.listing_links(response.text, response.url)
        fresh = 0
        for url, day in links:
            if self.since and day and day < self.since:
                continue
            requests = list(self.article_request(FeedEntry(url=url)))
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
        if next_page := self.adapter.next_listing_page(response.url):
            yield self.request(next_page, self.parse_listing, "listing", page=page)

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
        """No REST API: backfill through the `/page/N/` listings instead."""
        for path in self.source.sections or ("/",):
            request = self.request(self.source.url(path), self.parse_listing, "listing", page=0,
                                   fallback=True)
            yield request.replace(dont_filter=True)  # its first page may have been read already

    # -- articles ------------------------------------------------------------------------------

    def is_article(self, url: str) -> bool:
        if self.url_pattern and not self.url_pattern.search(url):
            return False
        return self.adapter.is_article(url)

    def article_request(self, entry: FeedEntry, origin: str = "") -> Iterable[Request]:
        """A request for an article not yet seen, unknown, or changed since our last fetch."""
        try:
            url = urls.absolute(self.source.base_url, entry.url)
            on_host = urls.same_host(url, self.source.base_url)
        except ValueError as exc:  # e.g. "http://[::1": one bad entry, not a lost feed
            self.fail(origin or entry.url, "feed", f"bad article link {entry.url!r}: {exc}")
            return
        if not on_host:
            self.crawler.stats.inc_value("newsmon/articles_offsite")
            return
        if not self.is_article(url):
            return
        key = self.adapter.article_key(url)
        if key in self.seen:
            return
        self.seen.add(key)
        self.crawler.stats.inc_value("newsmon/articles_found")
        if key in self.known and not changed(entry, self.known[key]):
            self.crawler.stats.inc_value("newsmon/articles_known")
            return
        yield self.request(url, self.parse_article, "fetch", hints=entry.hints(), origin=origin)

    def parse_article(self, response: Response) -> Iterable[ArticleItem]:
        if not urls.same_host(response.url, self.source.base_url):
            self.fail(response.request.url, "fetch", f"offsite redirect to {response.url}")
            return
        if not isinstance(response, TextResponse) or not content_type(response).startswith(
                HTML_TYPES):
            self.fail(response.url, "fetch", f"not an HTML page ({content_type(response)})")
            return
        page = page_hints(response.selector, self.adapter.title_selectors)
        url = self.adapter.item_url(response.url, page.get("canonical"), self.source.base_url)
        key = self.adapter.article_key(url)
        if key != self.adapter.article_key(response.request.url):
            # e.g. `?p=ID` that redirected to a permalink already fetched; a page that only
            # names a fetched article as canonical goes on to the store, which keeps both
            if key in self.seen and self.adapter.article_key(response.url) == key:
                self.crawler.stats.inc_value("newsmon/articles_duplicate")
                return
            self.seen.add(key)
        yield self.make_item(response, url, merge_hints(page, response.meta.get("hints", {})))

    def make_item(self, response: Response, url: str, hints: dict[str, Any]) -> ArticleItem:
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        return ArticleItem(
            url=url, source=self.source.name, fetched_url=response.url, status=response.status,
            body=response.body, encoding=getattr(response, "encoding", "utf-8"),
            headers=headers, fetched_at=utc_now(), adapter=self.source.adapter,
            body_selector=self.source.body_selector, hints=hints, country=self.source.country,
            origin=response.meta.get("origin", ""),
        )

    # -- failures ------------------------------------------------------------------------------

    def on_error(self, failure: Any) -> Iterable[Request]:
        request = failure.request
        stage = request.meta.get("stage", "fetch")
        if stage == "listing" and request.meta.get("page") and is_http_status(failure, 404):
            self.crawler.stats.inc_value("newsmon/listing_end")
            return  # ran past the last listing page: the end of the archive, not an error
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        self.fail(url, stage, failure_reason(failure, request))
        if origin := request.meta.get("origin"):
            self.dirty_feeds.add(origin)  # refetch that feed next run, so the article is retried
        if request.meta.get("rest_page") == 1:
            yield from self.listing_fallback()

    def item_crashed(self, item: Any, response: Any, spider: Spider, failure: Any) -> None:
        """A stage crashed on an article (e.g. a locked database): retry its feed next run."""
        if origin := getattr(item, "origin", ""):
            self.dirty_feeds.add(origin)

    def fail(self, url: str, stage: str, reason: str) -> None:
        logger.warning("%s: %s failed: %s: %s", self.source.name, stage, url, reason)
        self.crawler.stats.inc_value(f"newsmon/fetch_failed/{stage}")
        self.crawler.signals.send_catch_log(fetch_failed, url=url, stage=stage, reason=reason)

    def save_feed_state(self, spider: Spider, reason: str = "finished") -> None:
        """Validators of feeds whose every article was handled (else: refetch them next run);
        none after a crawl that ended early (its unfetched articles would hide behind 304s)."""
        if reason != "finished":
            return
        clean = {u: v for u, v in self.validators.items() if u not in self.dirty_feeds}
        if self.db_path and clean:
            db = connect(self.db_path)
            try:
                save_feed_validators(db, clean)
            finally:
                db.close()
