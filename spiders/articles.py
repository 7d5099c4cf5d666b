"""Articles: which links to fetch (new, unknown, or changed), and what a fetched page becomes.

A page becomes an item unless it is not one: an offsite or takedown redirect (an article URL
answering with the home page or a section), a non-HTML body, an archive page, or an article
this run already fetched under another URL (a WordPress `?p=ID` short link and its
permalink). Every such case is recorded with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from core.clock import utc_now
from crawler.items import ArticleItem
from extraction.hints import merge_hints, page_hints
from sites import urls
from sites.entries import FeedEntry
from spiders.errors import content_type
from spiders.state import changed

HTML_TYPES = ("text/html", "application/xhtml+xml")


def richer(known: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """Hints of two announcements of one article: a listing's bare day gives way to a feed's
    exact time; otherwise the first value stays."""
    merged = dict(known)
    for field, value in more.items():
        old = merged.get(field)
        if not old or (field == "published" and old.endswith("T00:00:00Z")
                       and not value.endswith("T00:00:00Z")):
            merged[field] = value
    return merged



class ArticleMixin:
    """NewsSpider's article requests and pages (expects its source, adapter, request(), fail())."""

    source: Any
    adapter: Any
    crawler: Any
    seen: set[str]
    known: dict[str, str | None]
    hints: dict[str, dict[str, Any]]
    aliases: dict[str, str]
    produced: dict[str, str]
    stored: dict[str, str]

    def is_article(self, url: str) -> bool:
        if self.url_pattern and not self.url_pattern.search(url):
            return False
        return self.adapter.is_article(url)

    def article_request(self, entry: FeedEntry, origin: str = "") -> Iterable[Request]:
        """A request for an article not yet seen, unknown, or changed since our last fetch."""
        url = urls.absolute(self.source.base_url, entry.url)
        if not url:  # e.g. "http://[::1": one bad entry, not a lost feed
            self.fail(origin or entry.url, "feed", f"bad article link {entry.url[:300]!r}: "
                                                   "not a URL")
            return
        url = self.to_main(url)
        on_host = urls.same_host(url, self.source.base_url)
        if not on_host:
            self.crawler.stats.inc_value("newsmon/articles_offsite")
            return
        if not self.is_article(url):
            return
        key = self.adapter.article_key(url)
        self.hints[key] = richer(self.hints.get(key, {}), entry.hints())
        if key in self.seen:
            return
        self.seen.add(key)
        self.crawler.stats.inc_value("newsmon/articles_found")
        if key in self.known and not changed(entry, self.known[key]):
            self.crawler.stats.inc_value("newsmon/articles_known")
            return
        yield self.request(url, self.parse_article, "fetch", key=key, hints=entry.hints(),
                           origin=origin)

    def parse_article(self, response: Response) -> Iterable[ArticleItem]:
        asked = response.meta.get("redirect_urls", [response.request.url])[0]
        page_url = self.to_main(response.url)
        if not urls.same_host(page_url, self.source.base_url):
            self.fail(asked, "fetch", f"offsite redirect to {response.url}")
            return
        if why := self.adapter.takedown(asked, page_url, self.source.sections):
            self.fail(asked, "fetch", why)
            return
        if not isinstance(response, TextResponse) or not content_type(response).startswith(
                HTML_TYPES):
            self.fail(response.url, "fetch", f"not an HTML page ({content_type(response)})")
            return
        if why := self.adapter.archive_page(response.selector):
            self.fail(asked, "fetch", why)
            return
        page = page_hints(response.selector, self.adapter.title_selectors)
        url = self.adapter.item_url(page_url, page.get("canonical"), self.source.base_url)
        if not self.is_duplicate(url, response):
            # what this process heard of the article since, else what the request carried
            # (a request from the shared scale-out queue may come from another process)
            feed_hints = richer(self.hints.get(response.meta.get("key", ""), {}),
                                response.meta.get("hints", {}))
            yield self.make_item(response, url, merge_hints(page, feed_hints))

    def is_duplicate(self, url: str, response: Response) -> bool:
        """True when the page is an article already had under another name: one this run
        turned into an item, or (reached by a new URL, e.g. a short link) one stored earlier.

        Names are the stored URL's key, the requested URL's and what the page says of itself
        (WordPress's `<link rel="shortlink">`): `/en/?post_type=post&p=N` and its permalink
        are one article whichever is fetched first.
        """
        key = self.adapter.article_key(url)
        asked = response.meta.get("redirect_urls", [response.request.url])[0]
        asked_key = self.adapter.article_key(self.to_main(asked))
        landed_key = self.adapter.article_key(self.to_main(response.url))
        names = {asked_key, landed_key, *self.adapter.page_aliases(response.selector)}
        if key == landed_key or key == asked_key:
            # a canonical link naming another article is no proof of being it: that page goes
            # on to the store, which keeps both and records the conflict
            names.add(key)
        owner = next((self.produced[n] for n in sorted(names) if n in self.produced), None)
        if owner is None and asked_key not in self.known:  # a new URL of a stored article?
            owner = next((self.stored[n] for n in sorted(names - {asked_key})
                          if n in self.stored), None)
        for name in names:  # remembered: the next run fetches none of these names again
            if self.adapter.article_key(owner or url) != name:
                self.aliases[name] = owner or url
        if owner:
            self.crawler.stats.inc_value("newsmon/articles_duplicate")
            return True
        self.produced.update(dict.fromkeys(names, url))
        return False

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
