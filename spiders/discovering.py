"""Feed discovery inside a crawl: when a source names no feed, or a feed it reads is gone.

Two phases. First the pages that say where feeds are: the home page and the sections
(`<link rel="alternate">`, `<link rel="sitemap">`), the adapter's feed-list pages (Pangea's
`/rssfeeds`) and robots.txt (`Sitemap:`). Then the candidate feeds, best-ranked first:
`find` (no feed named) reads every candidate that parses as a feed (up to
NEWSMON_DISCOVERY_MAX_FEEDS); `replace` (a named feed answered 404/410 or stopped being a
feed) tries them one by one and the first that parses stands in for the lost one from now on;
`report` (`newsmon sources --discover`) tries them all and reads no article. What was found is
written to `discovered_feeds` when the spider closes, never to the user's sources file.
Discovery's own fetches are probes: a missing page is not a recorded failure.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from sites.discovery import Found, feed_list, page_links, ranked, robots_sitemaps
from sites.entries import FeedError
from spiders.feeds import parse_feed
from store import connect
from store.discovered import forget_discovered, save_discovered

logger = logging.getLogger(__name__)

REPORT_MAX_FEEDS = 100


@dataclass
class Discovery:
    """One run's discovery: what it looks for, what it found, where it is."""

    mode: str  # find | replace | report
    failed: dict[str, str] = field(default_factory=dict)  # feed URL -> configured path ("")
    pending: int = 0  # phase-1 pages (then candidate feeds) not answered yet
    found: list[Found] = field(default_factory=list)
    queue: list[Found] = field(default_factory=list)
    verified: list[Found] = field(default_factory=list)
    replacement: Found | None = None
    done: bool = False


class DiscoveryMixin:
    """NewsSpider's discovery (expects its source, adapter, request(), article_request())."""

    discovery: Discovery | None = None
    shared_queue = False  # scale-out mode: no discovery inside the crawl
    source: Any
    adapter: Any
    crawler: Any

    def start_discovery(self, mode: str, failed_url: str = "") -> Iterable[Request]:
        """Phase 1, once a run; a later trigger only adds its failed feed.

        Not in scale-out mode (a shared queue hands responses to other processes, which hold
        no discovery state): there `newsmon sources --discover` finds the feeds.
        """
        if self.shared_queue and mode != "report":
            return
        if self.discovery is not None:
            if failed_url:
                self.discovery.failed[failed_url] = self.feed_paths.get(failed_url, "")
            return
        self.discovery = Discovery(mode)
        if failed_url:
            self.discovery.failed[failed_url] = self.feed_paths.get(failed_url, "")
        logger.info("%s: discovering feeds (%s)", self.source.name, mode)
        pages = {"/": "page", **{path: "page" for path in self.source.sections},
                 **{path: "list" for path in self.adapter.discovery_pages()},
                 "/robots.txt": "robots"}
        self.discovery.pending = len(pages)
        for path, kind in pages.items():
            request = self.request(self.source.url(path), self.parse_discovery_page, "discover",
                                   discover_page=kind, dont_obey_robotstxt=kind == "robots")
            yield request.replace(errback=self.discovery_page_failed, dont_filter=True)

    def parse_discovery_page(self, response: Response) -> Iterable[Request]:
        if self.discovery is None:  # another process's discovery (scale-out)
            return
        found, kind = self.discovery.found, response.meta["discover_page"]
        if isinstance(response, TextResponse):
            page_url = self.to_main(response.url)
            if kind == "robots":
                found += robots_sitemaps(response.text, page_url)
            else:
                found += page_links(response.text, page_url, self.adapter.listed_feed)
            if kind == "list":
                found += feed_list(response.text, page_url, self.adapter.listed_feed)
        yield from self.discovery_page_done()

    def discovery_page_failed(self, failure: Any) -> Iterable[Request]:
        if self.discovery is None:  # another process's discovery (scale-out)
            return
        logger.debug("%s: discovery page %s: %s", self.source.name, failure.request.url,
                     failure.getErrorMessage())
        yield from self.discovery_page_done()

    def discovery_page_done(self) -> Iterable[Request]:
        """When the last phase-1 page is in: rank the candidates and try them."""
        d = self.discovery
        d.pending -= 1
        if d.pending:
            return
        conventional = [Found(self.source.url(p), "feed", "convention")
                        for p in self.adapter.conventional_feeds()]
        in_use = set() if d.mode == "report" else set(self.feed_paths) - set(d.failed)
        d.queue = [f for f in ranked([*d.found, *conventional])
                   if f.kind == "feed" and f.url not in in_use and f.url not in d.failed]
        if d.mode == "replace":
            yield from self.try_next_candidate()
            return
        limit = REPORT_MAX_FEEDS if d.mode == "report" else self.discovery_max_feeds
        d.queue = d.queue[:limit]
        d.pending = len(d.queue)
        for candidate in d.queue:
            yield self.candidate_request(candidate)
        if not d.pending:
            yield from self.discovery_finished()

    def candidate_request(self, candidate: Found) -> Request:
        request = self.request(candidate.url, self.parse_candidate, "discover",
                               feed=candidate.url, candidate=candidate)
        return request.replace(errback=self.candidate_failed, dont_filter=True)

    def try_next_candidate(self) -> Iterable[Request]:
        if self.discovery.queue:
            yield self.candidate_request(self.discovery.queue.pop(0))
        else:
            yield from self.discovery_finished()

    def parse_candidate(self, response: Response) -> Iterable[Request]:
        """A candidate that parses as a feed is verified (and read, unless reporting)."""
        if self.discovery is None:  # another process's discovery (scale-out)
            return
        candidate: Found = response.meta["candidate"]
        self.crawler.stats.inc_value("newsmon/feeds_fetched")
        try:
            feed = parse_feed(response.body, self.max_feed_bytes)
        except FeedError as exc:
            logger.debug("%s: candidate %s is no feed: %s", self.source.name, response.url, exc)
            yield from self.candidate_done(candidate, ok=False)
            return
        self.discovery.verified.append(candidate)
        if self.discovery.mode != "report":
            self.remember_validators(response)
            for entry in feed.entries:
                yield from self.article_request(entry, origin=candidate.url)
        yield from self.candidate_done(candidate, ok=True)

    def candidate_failed(self, failure: Any) -> Iterable[Request]:
        if self.discovery is None:  # another process's discovery (scale-out)
            return
        yield from self.candidate_done(failure.request.meta["candidate"], ok=False)

    def candidate_done(self, candidate: Found, ok: bool) -> Iterable[Request]:
        d = self.discovery
        if d.mode == "replace":
            if ok:
                d.replacement = candidate
                yield from self.discovery_finished()
            else:
                yield from self.try_next_candidate()
            return
        d.pending -= 1
        if not d.pending:
            yield from self.discovery_finished()

    def discovery_finished(self) -> Iterable[Request]:
        """Log the outcome; a source that found no feed (nor has listings) reads its sitemaps."""
        d = self.discovery
        d.done = True
        logger.info("%s: discovery (%s) found %d feed(s), %d sitemap(s)%s", self.source.name,
                    d.mode, len(d.verified), sum(f.kind == "sitemap" for f in d.found),
                    f"; {d.replacement.url} replaces {', '.join(d.failed)}"
                    if d.replacement else "")
        if d.mode == "find" and not d.verified and not self.source.sections:
            yield from self.sitemap_requests([f.url for f in d.found if f.kind == "sitemap"])

    def save_discovery(self) -> None:
        """Write what discovery found (paths relative to the host) for later runs."""
        d = self.discovery
        if d is None or not self.db_path:
            return
        verified = {f.url for f in d.verified}
        rows = [{"kind": f.kind, "path": self.relative(f.url), "how": f.how, "title": f.title,
                 "verified": f.url in verified}
                for f in ranked([*d.found, *d.verified]) if f.how != "convention" or
                f.url in verified]
        rows.append({"kind": "looked", "path": "", "how": d.mode})  # when discovery last ran
        dead = [self.relative(url) for url in d.failed]
        db = connect(self.db_path)
        try:
            if d.mode != "report":
                forget_discovered(db, self.source.name, dead)
            if d.replacement:
                old = sorted({path for path in d.failed.values() if path})
                for row in rows:
                    if row["path"] == self.relative(d.replacement.url) and old:
                        row["replaces"] = " ".join(old)
            save_discovered(db, self.source.name, rows, exact=d.mode == "report")
        finally:
            db.close()
