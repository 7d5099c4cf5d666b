"""WordPress: `?p=ID` short links, archives that are not articles, listings, the REST API.

Short links come as `/?p=N`, `/?p=N&post_type=post`, `/?post_type=post&p=N` and, on sites
with a language folder (bureau.kz's English edition), `/en/?post_type=post&p=N`; the post id
is the identity, so a short link and the permalink it stands for are one article once the
permalink page has said its id (`<link rel="shortlink">`, which WordPress core prints).
"""

from __future__ import annotations

import json
import re
from datetime import date
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from parsel import Selector

from extraction.dates import to_utc_iso
from sites import listing, urls
from sites.adapter import Adapter
from sites.entries import FeedEntry, FeedError

REST_PER_PAGE = 50
SHORTLINK_PARAM = "p"
#: The folder a short link may sit in: the site root or a language folder (`/en/`).
SHORTLINK_PATH = re.compile(r"^(?:/[a-z]{2})?/?$")
#: `/amp/` and `/embed/` are alternate views of a post.
ALT_VIEW = re.compile(r"/(?:amp|embed|feed)/?$")
#: Archive folders: core taxonomies and those of sites we read (odfoundation's country and
#: topic), under an optional language folder; never articles.
ARCHIVES = ("category", "tag", "tags", "author", "page", "feed", "comments", "search", "country",
            "topic", "topics", "type", "wp-json", "wp-admin", "wp-content", "wp-includes")
NON_ARTICLE = re.compile(
    r"^(?:/[a-z]{2})?/(?:" + "|".join(ARCHIVES) + r")(?:/|$)"
    r"|/page/\d+/?$|/feed/?$|^(?:/[a-z]{2})?/?$|^(?:/[a-z]{2})?/\d{4}(?:/\d{2}){0,2}/?$"
)
#: `<body class>` words WordPress gives listing pages (core's body_class()).
ARCHIVE_BODY = re.compile(r"(?:^|\s)(archive|category|tag|tax-[\w-]+|author|date|search|blog)"
                          r"(?:\s|$)")
SHORTLINK_MARK = "link[rel=shortlink]::attr(href)"
_BODY_POSTID = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")
_PAGE_SUFFIX = re.compile(r"page/(\d+)/?$")


def post_id(url: str) -> str | None:
    """The post id of a WordPress short link (`/?p=123`, `/en/?post_type=post&p=123`), or None."""
    parts = urlsplit(url)
    if not SHORTLINK_PATH.match(parts.path):
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
    # No default feed: `/feed/` is found by discovery (or named in the entry), so a site
    # without one costs no recorded 404 on every run.
    defaults = MappingProxyType({"body_selector": ".entry-content", "sections": ("/",),
                                 "rest_api": "/wp-json/wp/v2/posts"})
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

    def page_aliases(self, sel: Selector) -> list[str]:
        """`wp:<id>` of a post page: its short link, else its `postid-N` body class."""
        for href in sel.css(SHORTLINK_MARK).getall():
            if number := post_id(href):
                return [f"wp:{number}"]
        match = _BODY_POSTID.search(sel.css("body::attr(class)").get() or "")
        return [f"wp:{match.group(1)}"] if match else []

    def archive_page(self, sel: Selector) -> str | None:
        """Why the page is a listing (WordPress's body classes say so), or None."""
        body = sel.css("body::attr(class)").get() or ""
        if _BODY_POSTID.search(body):
            return None
        if match := ARCHIVE_BODY.search(body):
            return f"a listing page, not an article (body class {match.group(1)!r})"
        return None

    def next_listing(self, html: str, page_url: str) -> str | None:
        """The page's own "next"/"older" link, else `/page/N+1/` (the core permalink)."""
        if found := listing.next_page(html, page_url):
            return found
        base = page_url.split("?", 1)[0]
        match = _PAGE_SUFFIX.search(base)
        if match:
            return base[: match.start()] + f"page/{int(match.group(1)) + 1}/"
        return base.rstrip("/") + "/page/2/"

    def conventional_feeds(self) -> tuple[str, ...]:
        return ("/feed/",)

    def listed_feed(self, url: str) -> bool:
        """A discovered feed worth reading: not a comments feed (core links both)."""
        return "/comments/feed" not in urlsplit(url).path and super().listed_feed(url)
