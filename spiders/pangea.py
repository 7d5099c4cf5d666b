"""Pangea CMS (RFE/RL, VOA: Azattyq) specifics that data alone cannot describe."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from spiders import urls

BODY_SELECTOR = "#article-content .wsw"
TITLE_SELECTORS = ("h1.pg-title::text",)
#: Items of a section listing (`/z/<id>`); the page chrome (nav, "most read") is excluded.
LISTING_ITEM_SELECTORS = ("#items li", ".media-block-wrap .media-block", "#content .media-block")
LISTING_PAGE_PARAM = "p"
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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


def listing_links(html: str, page_url: str) -> list[tuple[str, date | None]]:
    """(article URL, listed day) of a `/z/<id>` listing page, in page order, no duplicates."""
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
            url = urls.absolute(page_url, href)
            if urls.pangea_id(url) and url not in found:
                found[url] = day
    return list(found.items())


def listing_page_number(url: str) -> int:
    """The `?p=N` page index of a listing URL (0 for the first page)."""
    value = dict(parse_qsl(urlsplit(url).query)).get(LISTING_PAGE_PARAM, "0")
    return int(value) if value.isdigit() else 0


def next_listing_page(url: str) -> str:
    """The listing page after `url` (`/z/<id>?p=N+1`)."""
    return urls.with_query(url, **{LISTING_PAGE_PARAM: listing_page_number(url) + 1})


def item_url(page_url: str, canonical: str | None, base_url: str) -> str:
    """The article's canonical URL on the source's host: the numeric id is what matters."""
    article_id = urls.pangea_id(page_url)
    for candidate in (canonical, page_url):
        if candidate and urls.pangea_id(candidate) == article_id and urls.pangea_slug(candidate):
            return urls.pangea_canonical(base_url, article_id, urls.pangea_slug(candidate))
    if article_id:
        return urls.pangea_canonical(base_url, article_id)
    return urls.canonicalize(page_url)
