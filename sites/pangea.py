"""Pangea CMS (RFE/RL, VOA: Azattyq): URL identity by numeric id, listing pages, selectors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from extraction.dates import parse_day
from sites import urls
from sites.adapter import Adapter, Listed

#: `/a/<slug>/<id>.html`, `/a/<id>.html`, `/amp/<slug>/<id>.html` (+ language prefixes seen on
#: some services, e.g. `/ru/a/...`) are one article; the numeric id is the key.
ARTICLE_PATH = re.compile(r"^(?:/[a-z]{2})?/(?:a|amp)/(?:(?P<slug>[^/]+)/)?(?P<id>\d+)\.html$")
#: Where an RFE/RL or VOA site lists its RSS feeds (`/api/<opaque code>` each).
FEED_LIST_PAGE = "/rssfeeds"
FEED_PATH = re.compile(r"^/api/")


@dataclass(frozen=True)
class Template:
    """One Pangea listing template: its items, the article link and the day of an item."""

    name: str
    items: str  # CSS of the listing's items
    link: str = "a::attr(href)"  # CSS (inside an item) of the article link
    day: str = "time::attr(datetime), .date ::text, time::text"


#: Listing templates seen on Pangea sites, most specific first (docs/sources.md has the
#: evidence for each). `.media-block-wrap` alone is never one: it also wraps the sidebar's
#: "most read" and an article's "related" widgets.
TEMPLATES = (
    # the news lane (rus.azattyq.org /z/360): items carry their article id
    Template("news lane", "div.news__item[data-article-id]", "a.js-media-title-link::attr(href)",
             "time[pubdate]::attr(datetime), time::attr(datetime), .date ::text"),
    # section pages (voanews.com /z/<id>: ul#ordinaryItems li.fui-grid__inner)
    Template("section", "ul#ordinaryItems > li"),
    # archive lists (radiosvoboda.org /z/630, author pages)
    Template("archive", "ul.archive-list li.archive-list__item"),
    # grids (azattyq.org /z/330), outside sidebar and related widgets
    Template("grid", "li.fui-grid__inner"),
)
#: Ancestors that make a grid item chrome: the related section, sidebars, titled widgets.
WIDGET = ("ancestor::*[@id='ymla-section' or self::aside or (contains(@class, 'media-block-wrap')"
          " and ./*[contains(@class, 'section-head')])]")
#: The "load more" link: `?p=N` of the same listing (it also carries a data-ajax-url).
LOAD_MORE = ("a.link-showMore::attr(href)", "p.btn--load-more a::attr(href)")


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


def listing_items(html: str) -> tuple[str, list[Selector]]:
    """The items of the first template the page uses (its name, the item selectors)."""
    sel = Selector(text=html)
    for template in TEMPLATES:
        items = [i for i in sel.css(template.items)
                 if template.name != "grid" or not i.xpath(WIDGET)]
        if items:
            return template.name, items
    return "", []


def _template(name: str) -> Template:
    return next(t for t in TEMPLATES if t.name == name)


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
        """Article links of a section page, in page order, with the day each shows."""
        name, items = listing_items(html)
        if not items:
            return []
        template, found = _template(name), {}
        for item in items:
            day = next(filter(None, (parse_day(" ".join(v.split()))
                                     for v in item.css(template.day).getall())), None)
            for href in item.css(template.link).getall():
                url = urls.resolvable(page_url, href)  # a broken href costs only itself
                if url and article_id(url) and url not in found:
                    found[url] = day
                    break
        return list(found.items())

    def next_listing(self, html: str, page_url: str) -> str | None:
        """The page the listing's "load more" link names (`?p=N`), or None at the end."""
        sel = Selector(text=html)
        for css in LOAD_MORE:
            if href := (sel.css(css).get() or "").strip():
                url = urls.absolute(page_url, href)
                return url if urls.same_host(url, page_url) and url != page_url else None
        return None

    def discovery_pages(self) -> tuple[str, ...]:
        return (FEED_LIST_PAGE,)

    def listed_feed(self, url: str) -> bool:
        return bool(FEED_PATH.match(urlsplit(url).path))
