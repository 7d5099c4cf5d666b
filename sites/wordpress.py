"""WordPress: `?p=ID` short links, `/page/N/` listings, the REST API for backfills."""

from __future__ import annotations

import json
import re
from datetime import date
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from parsel import Selector

from extraction.dates import to_utc_iso
from sites import urls
from sites.adapter import Adapter, Listed
from sites.entries import FeedEntry, FeedError

REST_PER_PAGE = 50
LISTING_SELECTORS = ("article .entry-title a::attr(href)", "article a[rel=bookmark]::attr(href)",
                     "h2.entry-title a::attr(href)", "main h2 a::attr(href)")
SHORTLINK_PARAM = "p"
#: `/amp/` and `/embed/` are alternate views of a post.
ALT_VIEW = re.compile(r"/(?:amp|embed|feed)/?$")
#: WordPress URLs that are never articles.
NON_ARTICLE = re.compile(
    r"^/(?:category|tag|author|page|feed|comments|wp-json|wp-admin|wp-content|wp-includes|search)"
    r"(?:/|$)|/page/\d+/?$|/feed/?$"
)
_PAGE_SUFFIX = re.compile(r"page/(\d+)/?$")


def post_id(url: str) -> str | None:
    """The post id of a WordPress short link (`/?p=123`), or None."""
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return None
    value = dict(parse_qsl(parts.query)).get(SHORTLINK_PARAM, "")
    return value if value.isdigit() else None


def rest_posts_url(rest_url: str, since: date | None, page: int,
                   per_page: int = REST_PER_PAGE) -> str:
    """REST API posts query, newest first, optionally `after` a date."""
    params: dict[str, str | int] = {
        "per_page": per_page, "page": page, "orderby": "date", "order": "desc",
        "_fields": "id,link,date_gmt,modified_gmt,title"}
    if since:
        params["after"] = f"{since.isoformat()}T00:00:00"
    return urls.with_query(rest_url, **params)


def _gmt(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value if value.endswith("Z") else f"{value}Z"


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
        if not isinstance(post, dict) or not isinstance(post.get("link"), str):
            continue
        title = post.get("title")
        entries.append(FeedEntry(
            url=post["link"],
            title=(title.get("rendered", "") if isinstance(title, dict) else str(title or "")),
            published=to_utc_iso(_gmt(post.get("date_gmt"))),
            updated=to_utc_iso(_gmt(post.get("modified_gmt"))),
        ))
    return entries


class WordPressAdapter(Adapter):
    name = "wordpress"
    defaults = MappingProxyType({"body_selector": ".entry-content", "feeds": ("/feed/",),
                                 "sections": ("/",), "rest_api": "/wp-json/wp/v2/posts"})
    title_selectors = ("h1.entry-title::text",)

    def is_article(self, url: str) -> bool:
        path = urlsplit(url).path
        return bool(post_id(url)) or (path not in ("", "/") and not NON_ARTICLE.search(path))

    def canonical_url(self, url: str) -> str:
        parts = urlsplit(urls.canonicalize(url))
        return urlunsplit((parts.scheme, parts.netloc, ALT_VIEW.sub("/", parts.path),
                           parts.query, ""))

    def article_key(self, url: str) -> str:
        number = post_id(url)
        return f"wp:{number}" if number else super().article_key(url)

    def listing_links(self, html: str, page_url: str) -> list[Listed]:
        sel = Selector(text=html)
        hrefs: list[str] = []
        for css in LISTING_SELECTORS:
            hrefs = sel.css(css).getall()
            if hrefs:
                break
        found: dict[str, None] = {}
        for href in hrefs:
            url = urls.resolvable(page_url, href)  # a broken href costs only itself
            if url and self.is_article(url):
                found.setdefault(url)
        return [(url, None) for url in found]

    def next_listing_page(self, url: str) -> str:
        """`/page/N+1/` after a listing URL (the first page has no suffix)."""
        base = url.split("?", 1)[0]
        match = _PAGE_SUFFIX.search(base)
        if match:
            return base[: match.start()] + f"page/{int(match.group(1)) + 1}/"
        return base.rstrip("/") + "/page/2/"
