"""What an adapter is: one object per kind of site, holding everything the spider asks of it.

Data (`defaults`, selectors) says what a source entry may leave out; the methods answer the
questions the generic spider, the source loader and the re-check ask about a URL or a page.
The base class is the generic behaviour (`feed` and `sitemap` sources use it as is).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from sites import listing, urls
from sites.listing import Listed

#: A discovered link worth trying as a feed (RSS/Atom/XML in its path or query).
FEEDISH = re.compile(r"rss|feed|atom|\.xml", re.IGNORECASE)

__all__ = ["Adapter", "FeedAdapter", "Listed", "SitemapAdapter"]


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

    def page_aliases(self, sel: Selector) -> list[str]:
        """Other keys the fetched page says it has (a WordPress post id), for later runs."""
        return []

    def archive_page(self, sel: Selector) -> str | None:
        """Why a fetched page is a listing rather than an article, or None."""
        return None

    def listing_links(self, html: str, page_url: str) -> list[Listed]:
        """Article links of a listing page, in page order, with their listed day."""
        return listing.content_links(html, page_url, self.is_article)

    def next_listing(self, html: str, page_url: str) -> str | None:
        """The listing page after `page_url`, as the page links it, or None at the end."""
        return listing.next_page(html, page_url)

    def discovery_pages(self) -> tuple[str, ...]:
        """Pages (host-relative) that list the site's feeds, read by discovery."""
        return ()

    def conventional_feeds(self) -> tuple[str, ...]:
        """Feed paths the CMS serves by convention, tried by discovery."""
        return ()

    def listed_feed(self, url: str) -> bool:
        """Is a link found on a feed-list page (or a `rel=alternate` link) a feed to read?"""
        parts = urlsplit(url)
        return bool(FEEDISH.search(parts.path + "?" + parts.query))

    def takedown(self, requested: str, final: str, sections: Iterable[str]) -> str | None:
        """Why an article request that ended on `final` is a takedown, or None.

        A removed article commonly redirects to the home page or its section: that page is
        not the article, whatever text it holds.
        """
        if urls.canonicalize(final) == urls.canonicalize(requested) or self.is_article(final) \
                and not _is_folder_of(final, requested, sections):
            return None
        where = "the home page" if urlsplit(final).path in ("", "/") else "a section page"
        return f"redirected to {where} ({final}): taken down or moved"


def _is_folder_of(final: str, requested: str, sections: Iterable[str]) -> bool:
    """`final` is a listing: a configured section, or a folder above the requested URL."""
    path = urlsplit(final).path.rstrip("/") + "/"
    asked = urlsplit(requested).path.rstrip("/") + "/"
    return (path != asked and asked.startswith(path)) or path in {
        s.rstrip("/") + "/" for s in sections}


class FeedAdapter(Adapter):
    """A site read through its RSS/Atom feeds (named in the entry, or found by discovery)."""

    name = "feed"


class SitemapAdapter(Adapter):
    """A site read through its sitemaps only (with an optional `url_pattern`)."""

    name = "sitemap"
    defaults = MappingProxyType({"sitemaps": ("/sitemap.xml",)})
