"""The one generic news spider: feeds, sitemaps, listings, the WordPress REST API and Telegram
channel previews of a source, with feed discovery when a source names no feed or one is gone.

Started as `crawler.crawl(NewsSpider, source=<Source>, since=<date|None>)` (or
`scrapy crawl news -a source=NAME`). Every URL comes from the source's base_url and keys (a
response from one of its `mirrors` is read as if from the main host); what a kind of site
does differently is asked of its adapter (`sites.get_adapter`); every URL that cannot become
an item is reported with the `fetch_failed` signal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from datetime import date
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.browser import browser_settings
from crawler.signals import fetch_failed
from sites import get_adapter, urls
from sites.entries import FeedError
from sites.sources import Source, get_source, load_sources
from spiders.articles import ArticleMixin
from spiders.discovering import DiscoveryMixin
from spiders.errors import content_type, failure_reason, is_http_status
from spiders.feeds import parse_feed, parse_sitemap
from spiders.listings import ListingMixin
from spiders.state import conditional_headers, load_state
from spiders.telegram import TelegramMixin
from store import connect
from store.discovered import save_aliases
from store.feeds import save_feed_validators

logger = logging.getLogger(__name__)


GONE = (404, 410)  # a feed answering these has moved: discovery looks for it


class NewsSpider(ArticleMixin, DiscoveryMixin, ListingMixin, TelegramMixin, Spider):
    """Crawl one source incrementally; `since` walks its archive back to that date."""

    name = "news"

    def __init__(self, source: Source | str, since: date | str | None = None,
                 discover_only: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.source_arg = source
        self.since = date.fromisoformat(since) if isinstance(since, str) and since else since
        self.discover_only = discover_only
        self.seen: set[str] = set()
        self.dirty_feeds: set[str] = set()
        self.validators: dict[str, tuple[str, str]] = {}
        self.aliases: dict[str, str] = {}
        self.produced: dict[str, str] = {}  # key or alias -> URL of an item this run yielded
        self.hints: dict[str, dict[str, Any]] = {}  # article key -> what feeds/listings said
        self.sitemaps_requested = False

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        mws = "DOWNLOADER_MIDDLEWARES"
        settings.set_in_component_priority_dict(
            mws, "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware", None)
        settings.set_in_component_priority_dict(
            mws, "crawler.downloadermiddlewares.offsite.SourceOffsiteMiddleware", 50)
        settings.set_in_component_priority_dict(
            mws, "crawler.downloadermiddlewares.mirrors.MirrorMiddleware", 540)
        settings.set_in_component_priority_dict(
            "EXTENSIONS", "crawler.extensions.health.SourceHealthRecorder", 200)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler)
        return spider

    def configure(self, crawler: Crawler) -> None:
        """Resolve the source, read what earlier runs stored, plan this run's feeds."""
        settings = crawler.settings
        source = self.source_arg
        if isinstance(source, str):
            source = get_source(load_sources(settings.get("NEWSMON_SOURCES")), source)
        if base := settings.get("NEWSMON_SOURCE_BASE_URL"):
            source = source.with_base_url(base)
        self.source: Source = source
        self.adapter = get_adapter(source.adapter)
        self.allowed_domains = [urls.netloc(h).split(":")[0] for h in source.hosts()]
        self.max_feed_bytes = settings.getint("DOWNLOAD_MAXSIZE")
        self.db_path = settings.get("NEWSMON_DB")
        self.backfill_pages = settings.getint("NEWSMON_BACKFILL_MAX_PAGES", 1000)
        self.discovery_max_feeds = settings.getint("NEWSMON_DISCOVERY_MAX_FEEDS", 20)
        self.rediscover_hours = settings.getfloat("NEWSMON_REDISCOVER_HOURS", 24)
        self.shared_queue = bool(settings.get("NEWSMON_REDIS_URL"))
        state = load_state(self.db_path, source.name, self.adapter)
        self.known, self.stored, self.saved_validators = (state.known, state.stored,
                                                          state.validators)
        self.plan_feeds(state)
        self.rest_backfill = bool(source.adapter == "wordpress" and self.since and source.rest_api)
        self.url_pattern = re.compile(source.url_pattern) if source.url_pattern else None
        if source.fetch == "browser":  # settings are not frozen yet: this crawler only
            settings.setdict(browser_settings(settings), priority="spider")
        crawler.signals.connect(self.save_state, signal=signals.spider_closed)
        crawler.signals.connect(self.item_crashed, signal=signals.item_error)

    def plan_feeds(self, state: Any) -> None:
        """Feeds to read: the named ones (a moved one by what replaced it), else found ones."""
        src, moved = self.source, state.replacements()
        pairs = ([(p, moved.get(p, p)) for p in src.feeds] if src.feeds
                 else [("", p) for p in state.found_feeds()[:self.discovery_max_feeds]])
        self.feed_paths = {src.url(now): named for named, now in pairs}
        self.sitemap_paths = list(dict.fromkeys([*src.sitemaps, *state.found_sitemaps()]))
        # A source naming no feed looks for one; one that found none looks again a day later
        # (meanwhile its sitemaps, if any were found, are read instead).
        self.needs_discovery = not self.feed_paths and src.adapter not in (
            "telegram", "sitemap") and not state.looked_recently(self.rediscover_hours) \
            and not self.shared_queue

    # -- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests_for_source():
            yield request

    def start_requests_for_source(self) -> Iterable[Request]:
        """Feeds always; listings (first pages, or deep when backfilling); archive when `since`."""
        src = self.source
        if self.discover_only:
            yield from self.start_discovery("report")
            return
        if src.adapter == "telegram":
            yield self.channel_request()
            return
        for url in self.feed_paths:
            yield self.feed_request(url, self.parse_feed)
        for path in src.sections:
            yield self.listing_request(path)
        if self.needs_discovery:
            yield from self.start_discovery("find")
        if self.rest_backfill:
            yield self.request(self.rest_url(1), self.parse_rest, "listing", rest_page=1)
        elif self.since or src.adapter == "sitemap" or not (self.feed_paths or src.sections
                                                            or self.needs_discovery):
            yield from self.sitemap_requests()

    def sitemap_requests(self, extra: Iterable[str] = ()) -> Iterable[Request]:
        """The configured and found sitemaps, once a run."""
        if self.sitemaps_requested:
            return
        self.sitemaps_requested = True
        for url in dict.fromkeys([*map(self.source.url, self.sitemap_paths), *extra]):
            yield self.feed_request(url, self.parse_sitemap, kind="sitemap")

    def request(self, url: str, callback: Any, stage: str, **meta: Any) -> Request:
        """A request on the source's host with the errback, stage and per-source proxy set."""
        meta["stage"] = stage
        if self.source.proxy:
            meta["proxy"] = self.source.proxy
        if self.source.fetch == "browser" and stage in ("fetch", "listing"):
            meta["playwright"] = True  # HTML pages only: a browser shows XML as a web page
        return Request(url, callback=callback, errback=self.on_error, meta=meta)

    def feed_request(self, url: str, callback: Any, kind: str = "feed") -> Request:
        """A conditional GET: a 304 means nothing changed and costs nothing."""
        request = self.request(url, callback, "feed", feed=url, feed_kind=kind,
                               handle_httpstatus_list=[304])
        if not self.since:  # a backfill must read the archive whatever the last run saw
            request.headers.update(conditional_headers(self.saved_validators.get(url)))
        return request

    # -- hosts ---------------------------------------------------------------------------------

    def to_main(self, url: str) -> str:
        """`url` moved from a mirror host onto the main host (the canonical home of a page)."""
        for mirror in self.source.mirrors:
            if urls.same_host(url, mirror):
                return urls.rehost(url, self.source.base_url)
        return url

    def relative(self, url: str) -> str:
        """Host-relative form of a URL on the source's host (as stored for found feeds)."""
        return urls.path_and_query(self.to_main(url))

    # -- feeds and sitemaps --------------------------------------------------------------------

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
            yield from self.feed_gone(response.meta["feed"])
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

    def feed_gone(self, url: str) -> Iterable[Request]:
        """A feed that is no more (404/410, or no feed now): find what replaced it."""
        if url in self.feed_paths:
            yield from self.start_discovery("replace" if self.source.feeds else "find", url)

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
            elif urls.same_host(self.to_main(entry.url), self.source.base_url):
                yield self.feed_request(self.to_main(entry.url), self.parse_sitemap,
                                        kind="sitemap")

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
        if request.meta.get("feed_kind") == "feed" and any(
                is_http_status(failure, status) for status in GONE):
            yield from self.feed_gone(request.meta["feed"])

    def item_crashed(self, item: Any, response: Any, spider: Spider, failure: Any) -> None:
        """A stage crashed on an article (e.g. a locked database): retry its feed next run."""
        if origin := getattr(item, "origin", ""):
            self.dirty_feeds.add(origin)

    def fail(self, url: str, stage: str, reason: str) -> None:
        logger.warning("%s: %s failed: %s: %s", self.source.name, stage, url, reason)
        self.crawler.stats.inc_value(f"newsmon/fetch_failed/{stage}")
        self.crawler.signals.send_catch_log(fetch_failed, url=url, stage=stage, reason=reason)

    def save_state(self, spider: Spider, reason: str = "finished") -> None:
        """Validators of feeds whose every article was handled, aliases, what was found.

        No validators after a crawl that ended early: its unfetched articles would hide
        behind 304s next run.
        """
        if not self.db_path:
            return
        clean = {u: v for u, v in self.validators.items() if u not in self.dirty_feeds}
        if reason != "finished":
            clean = {}
        db = connect(self.db_path)
        try:
            save_feed_validators(db, clean)
            save_aliases(db, self.source.name, self.aliases)
        finally:
            db.close()
        self.save_discovery()
