"""What an adapter is: one object per kind of site, holding everything the spider asks of it.

Data (`defaults`, selectors) says what a source entry may leave out; the methods answer the
questions the generic spider, the source loader and the re-check ask about a URL or a page.
The base class is the generic behaviour (`feed` and `sitemap` sources use it as is).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from sites import urls

#: A listing link: the article URL and the day shown beside it, if any.
Listed = tuple[str, date | None]


class Adapter:
    """Generic site behaviour; subclasses override what their CMS does differently."""

    name = "generic"
    #: Source keys filled in when the entry leaves them out.
    defaults: Mapping[str, Any] = MappingProxyType({})
    #: Where the visible headline is, before the generic places (`extraction.hints`).
    title_selectors: tuple[str, ...] = ()
    #: Keys an entry of this adapter must set.
    required: tuple[str, ...] = ()

    def is_article(self, url: str) -> bool:
        """Can `url` be an article (not an archive, feed, asset)?"""
        return True

    def canonical_url(self, url: str) -> str:
        """The canonical form of an article URL."""
        return urls.canonicalize(url)

    def article_key(self, url: str) -> str:
        """Host-independent identity of an article: what the incremental crawl remembers."""
        return urls.path_key(self.canonical_url(url))

    def item_url(self, page_url: str, canonical: str | None, base_url: str) -> str:
        """The stored URL of a fetched page: its canonical link when that stays on the host."""
        chosen = page_url
        if canonical and urls.same_host(urls.absolute(base_url, canonical), base_url):
            chosen = urls.absolute(base_url, canonical)
        return self.canonical_url(chosen)

    def listing_links(self, html: str, page_url: str) -> list[Listed]:
        """Article links of a listing page, in page order, with their listed day."""
        return []

    def next_listing_page(self, url: str) -> str | None:
        """The listing page after `url`, or None when the adapter has no paging."""
        return None


class FeedAdapter(Adapter):
    """A site read through the RSS/Atom feeds its entry names."""

    name = "feed"
    required = ("feeds",)


class SitemapAdapter(Adapter):
    """A site read through its sitemaps only (with an optional `url_pattern`)."""

    name = "sitemap"
    defaults = MappingProxyType({"sitemaps": ("/sitemap.xml",)})
