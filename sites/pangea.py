"""Pangea CMS (RFE/RL, VOA: Azattyq): URL identity by numeric id, listing pages, selectors."""

from __future__ import annotations

import re
from datetime import date
from types import MappingProxyType
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from sites import urls
from sites.adapter import Adapter, Listed

#: `/a/<slug>/<id>.html`, `/a/<id>.html`, `/amp/<slug>/<id>.html` (+ language prefixes seen on
#: some services, e.g. `/ru/a/...`) are one article; the numeric id is the key.
ARTICLE_PATH = re.compile(r"^(?:/[a-z]{2})?/(?:a|amp)/(?:(?P<slug>[^/]+)/)?(?P<id>\d+)\.html$")
#: Items of a section listing (`/z/<id>`); the page chrome (nav, "most read") is excluded.
LISTING_ITEM_SELECTORS = ("#items li", ".media-block-wrap .media-block", "#content .media-block")
LISTING_PAGE_PARAM = "p"
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def article_id(url: str) -> str | None:
    """The numeric article id of a Pangea article URL, or None if it is not one."""
    match = ARTICLE_PATH.match(urlsplit(url).path)
    return match.group("id") if match else None


def article_slug(url: str) -> str | None:
    """The slug part of `/a/<slug>/<id>.html`, if present."""
    path = urlsplit(url).path
    match = ARTICLE_PATH.match(path)
    return match.group("slug") if match and not path.startswith("/amp/") else None


def canonical(base_url: str, number: str, slug: str | None = None) -> str:
    """The canonical Pangea article URL on `base_url`'s host."""
    path = f"/a/{slug}/{number}.html" if slug else f"/a/{number}.html"
    return urls.canonicalize(urljoin(base_url, path))


def listing_date(text: str) -> date | None:
    """The day shown next to a listing item (`28.04.2024` or ISO), if any."""
    if match := _ISO.search(text):
        year, month, day = match.groups()
    elif match := _DMY.search(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


class PangeaAdapter(Adapter):
    name = "pangea"
    defaults = MappingProxyType({"body_selector": "#article-content .wsw",
                                 "sitemaps": ("/sitemap.xml",)})
    title_selectors = ("h1.pg-title::text",)

    def is_article(self, url: str) -> bool:
        return article_id(url) is not None

    def canonical_url(self, url: str) -> str:
        number = article_id(url)
        return canonical(url, number, article_slug(url)) if number else urls.canonicalize(url)

    def article_key(self, url: str) -> str:
        number = article_id(url)
        return f"pangea:{number}" if number else super().article_key(url)

    def item_url(self, page_url: str, canonical_link: str | None, base_url: str) -> str:
        """The numeric id decides; a slug is taken from the canonical link or the page URL."""
        number = article_id(page_url)
        if not number:
            return urls.canonicalize(page_url)
        for candidate in (canonical_link, page_url):
            if candidate and article_id(candidate) == number and article_slug(candidate):
                return canonical(base_url, number, article_slug(candidate))
        return canonical(base_url, number)

    def listing_links(self, html: str, page_url: str) -> list[Listed]:
        sel = Selector(text=html)
        items = []
        for css in LISTING_ITEM_SELECTORS:
            items = sel.css(css)
            if items:
                break
        found: dict[str, date | None] = {}
        for item in items:
            day = listing_date(" ".join(item.css(".date ::text, time::attr(datetime)").getall()))
            for href in item.css("a::attr(href)").getall():
                url = urls.resolvable(page_url, href)  # a broken href costs only itself
                if url and article_id(url) and url not in found:
                    found[url] = day
        return list(found.items())

    def next_listing_page(self, url: str) -> str:
        value = dict(parse_qsl(urlsplit(url).query)).get(LISTING_PAGE_PARAM, "0")
        page = int(value) if value.isdigit() else 0
        return urls.with_query(url, **{LISTING_PAGE_PARAM: page + 1})
