"""WordPress specifics: REST API paging, `/page/N/` listings, `?p=ID` short links."""

from __future__ import annotations

import json
import re
from datetime import date

from parsel import Selector

from spiders import urls
from spiders.feeds import FeedEntry, FeedError, to_utc_iso

BODY_SELECTOR = ".entry-content"
TITLE_SELECTORS = ("h1.entry-title::text",)
FEED_PATH = "/feed/"
REST_POSTS_PATH = "/wp-json/wp/v2/posts"
REST_PER_PAGE = 50
LISTING_SELECTORS = ("article .entry-title a::attr(href)", "article a[rel=bookmark]::attr(href)",
                     "h2.entry-title a::attr(href)", "main h2 a::attr(href)")
_PAGE_SUFFIX = re.compile(r"page/(\d+)/?$")


def rest_posts_url(rest_url: str, since: date | None, page: int,
                   per_page: int = REST_PER_PAGE) -> str:
    """REST API posts query, newest first, optionally `after` a date."""
    params: dict[str, str | int] = {
        "per_page": per_page, "page": page, "orderby": "date", "order": "desc",
        "_fields": "id,link,date_gmt,modified_gmt,title"}
    if since:
        params["after"] = f"{since.isoformat()}T00:00:00"
    return urls.with_query(rest_url, **params)


def parse_rest_posts(body: bytes) -> list[FeedEntry]:
    """Entries of a `/wp-json/wp/v2/posts` page; FeedError if it is not such a list."""
    try:
        posts = json.loads(body)
    except ValueError:
        raise FeedError("REST API answer is not JSON") from None
    if not isinstance(posts, list):
        raise FeedError("REST API answer is not a list of posts")
    entries = []
    for post in posts:
        if not isinstance(post, dict) or not post.get("link"):
            continue
        title = post.get("title")
        entries.append(FeedEntry(
            url=post["link"],
            title=(title.get("rendered", "") if isinstance(title, dict) else str(title or "")),
            published=to_utc_iso(_gmt(post.get("date_gmt"))),
            updated=to_utc_iso(_gmt(post.get("modified_gmt"))),
        ))
    return entries


def _gmt(value: str | None) -> str | None:
    return f"{value}Z" if value and not value.endswith("Z") else value


def listing_links(html: str, page_url: str) -> list[str]:
    """Post URLs of a front/category/archive page, in page order."""
    sel = Selector(text=html)
    hrefs: list[str] = []
    for css in LISTING_SELECTORS:
        hrefs = sel.css(css).getall()
        if hrefs:
            break
    found: dict[str, None] = {}
    for href in hrefs:
        url = urls.absolute(page_url, href)
        if urls.is_wp_article(url):
            found.setdefault(url)
    return list(found)


def next_listing_page(url: str) -> str:
    """`/page/N+1/` after a listing URL (the first page has no suffix)."""
    base = url.split("?", 1)[0]
    match = _PAGE_SUFFIX.search(base)
    if match:
        return base[: match.start()] + f"page/{int(match.group(1)) + 1}/"
    return base.rstrip("/") + "/page/2/"
