"""Listing pages read without knowing the theme: article links of the main content, the day
shown beside each, the link to the next page.

Used where the CMS's templates vary by site (WordPress custom themes such as bureau.kz's);
Pangea's templates are known and read by `sites.pangea` instead. Page chrome (header, menus,
sidebars, footers, breadcrumbs, pagination) is never read for articles: a "popular" widget
would otherwise pull old articles into every run, and a menu would offer its category
archives as articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from extraction.dates import parse_day
from sites import urls

Listed = tuple[str, date | None]

#: Page chrome, never the list of articles: these elements (header/footer only outside an
#: article: themes put the entry title in `<article><header>`), class words contained in a
#: class attribute, and whole class tokens.
CHROME_TAGS = ("nav", "aside", "form")
CHROME_OUTSIDE_ARTICLE = ("header", "footer")
CHROME_CLASS_WORDS = ("menu", "breadcrumb", "sidebar", "widget", "pagination", "pager",
                      "page-numbers", "related", "share", "social", "popular", "banner")
CHROME_CLASS_TOKENS = ("nav", "navigation", "header", "site-header", "footer", "site-footer",
                       "tags", "tag-list")
#: The "next page" of a listing, most explicit first (WordPress core, common themes, Pangea).
NEXT_SELECTORS = ("link[rel=next]::attr(href)", "a[rel=next]::attr(href)",
                  "a.next::attr(href)", ".pagination .next a::attr(href)",
                  ".nav-previous a::attr(href)", "a.link-showMore::attr(href)")
#: Where a listing item writes its day, most explicit first.
DAY_SELECTORS = ("time::attr(datetime)", "time::text", "[class*=date] ::text")
MAX_CONTAINER_DEPTH = 4  # ancestors climbed from a link looking for its item's day
#: Query parameters that number listing pages.
PAGE_PARAM = re.compile(r"^(?:PAGEN_\d+|page|paged|p|pg)$")


def _chrome_xpath() -> str:
    """XPath predicate: the node has a chrome ancestor (see the CHROME_* constants)."""
    lower = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    tests = [f"self::{tag}" for tag in CHROME_TAGS]
    tests += [f"(self::{tag} and not(ancestor::article))" for tag in CHROME_OUTSIDE_ARTICLE]
    tests += [f"contains({lower}, '{word}')" for word in CHROME_CLASS_WORDS]
    tests += [f"contains(concat(' ', normalize-space({lower}), ' '), ' {token} ')"
              for token in CHROME_CLASS_TOKENS]
    return "ancestor::*[" + " or ".join(tests) + "]"


#: Links of the page's main content (not inside chrome).
_CONTENT_LINKS = f"//body//a[@href][not({_chrome_xpath()})]"


def day_of_item(item: Selector) -> date | None:
    """The day an item shows: its `time`, else an element whose class says "date"."""
    for css in DAY_SELECTORS:
        for value in item.css(css).getall():
            text = " ".join(value.split())
            if len(text) <= 60 and (day := parse_day(text)):
                return day
    return None


def _item_day(link: Selector, url: str, articles: set[str], page_url: str) -> date | None:
    """Climb from the link to the largest ancestor holding no other article: its day."""
    node, best = link, None
    for _ in range(MAX_CONTAINER_DEPTH):
        parents = node.xpath("..")
        if not parents or parents[0].root.tag in ("body", "html"):
            break
        node = parents[0]
        others = {urls.absolute(page_url, h) for h in node.css("a::attr(href)").getall()}
        if (others & articles) - {url}:
            break
        best = node
    return day_of_item(best) if best is not None else None


def drop_ancestors(found: list[str], extra: Iterable[str] = ()) -> set[str]:
    """`found` without links whose path is a folder above another link (category archives in
    `/%category%/%postname%/` permalinks) or above one of `extra` (the listing itself)."""
    paths = {urlsplit(u).path.rstrip("/") + "/" for u in (*found, *extra)}
    return {url for url in found
            if not any(p != (path := urlsplit(url).path.rstrip("/") + "/") and p.startswith(path)
                       for p in paths)}


def content_links(html: str, page_url: str, is_article: Callable[[str], bool]) -> list[Listed]:
    """Article links of a listing page's main content, in page order, with their day."""
    sel = Selector(text=html)
    links: dict[str, Selector] = {}
    page = urls.canonicalize(page_url)
    for link in sel.xpath(_CONTENT_LINKS):
        url = urls.absolute(page_url, link.attrib.get("href", ""))
        if not url.startswith(("http://", "https://")) or urls.canonicalize(url) == page:
            continue
        if urls.same_host(url, page_url) and is_article(url) and url not in links:
            links[url] = link
    kept = drop_ancestors(list(links), [page_url])
    return [(url, _item_day(links[url], url, kept, page_url)) for url in links if url in kept]


def next_page(html: str, page_url: str) -> str | None:
    """The listing page after this one, as the page itself links it, or None."""
    sel = Selector(text=html)
    for css in NEXT_SELECTORS:
        href = (sel.css(css).get() or "").strip()
        if href and not href.startswith(("#", "javascript:")):
            url = urls.absolute(page_url, href)
            if urls.same_host(url, page_url) and urls.canonicalize(url) != urls.canonicalize(
                    page_url):
                return url
    return numbered_next(sel, page_url)


def numbered_next(sel: Selector, page_url: str) -> str | None:
    """Numbered pagination without a "next" link (1C-Bitrix `?PAGEN_1=N`, `?page=N`): the
    link to the same path whose page number is this page's plus one."""
    here = urlsplit(page_url)
    current = dict(parse_qsl(here.query))
    for href in sel.css("a::attr(href)").getall():
        url = urls.absolute(page_url, href)
        parts = urlsplit(url)
        if parts.netloc != here.netloc or parts.path != here.path:
            continue
        for name, value in parse_qsl(parts.query):
            if PAGE_PARAM.match(name) and value.isdigit() and \
                    int(value) == int(current.get(name, "1") or 1) + 1:
                return url
    return None
