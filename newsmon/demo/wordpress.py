"""A site shaped like a stock WordPress install (a default-style theme).

WordPress core's own shapes: `wp_head()` prints `<link rel="alternate">` for the posts feed
and the comments feed, `<link rel="canonical">` and `<link rel='shortlink' href='/?p=ID'>` on a
post; `/?p=ID` redirects to the permalink (`redirect_canonical`); `/page/N/` and
`/category/<slug>/page/N/` listings; `/wp-json/wp/v2/posts` with X-WP-TotalPages; robots.txt
names `/wp-sitemap.xml`. Posts use `/%year%/%monthnum%/%day%/%postname%/` permalinks; entry
titles are `h2.entry-title a[rel=bookmark]` inside `<article>`, the body `.entry-content`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from functools import partial
from html import escape
from typing import Any
from urllib.parse import quote

from newsmon.demo.render import (
    Site,
    authors_of,
    iso_z,
    newest_first,
    paragraphs,
    rss,
    rss_item,
    when,
)
from newsmon.demo.siteserver import Page, html, redirect


def category_slug(name: str) -> str:
    """A category slug as WordPress makes one: lower case, hyphens, UTF-8 percent-encoded."""
    return quote("-".join(name.lower().split()), safe="-")


def post_path(record: Mapping[str, Any]) -> str:
    return f"/{when(record):%Y/%m/%d}/{record.get('slug') or record['id']}/"


def _page(body: str, title: str, base_url: str, lang: str = "ru", head: str = "") -> Page:
    return html(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{escape(title)}</title>"
                f'<link rel="alternate" type="application/rss+xml" title="{escape(title)} '
                f'&raquo; Feed" href="{base_url}/feed/" />'
                f'<link rel="alternate" type="application/rss+xml" title="{escape(title)} '
                f'&raquo; Comments Feed" href="{base_url}/comments/feed/" />{head}</head>'
                f'<body class="wordpress">{body}<aside class="widget"><div class="entry-content">'
                "<p>Sidebar widget text.</p></div></aside></body></html>")


def _article(record: Mapping[str, Any], base_url: str, _query: Any = None) -> Page:
    title, authors, published = escape(record["title"]), authors_of(record), when(record)
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "headline": record["title"], "datePublished": published.isoformat(),
         "author": [{"@type": "Person", "name": a} for a in authors]}]}
    head = (f'<link rel="canonical" href="{base_url}{post_path(record)}">'
            f"<link rel='shortlink' href='{base_url}/?p={record['id']}' />"
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    return _page(
        f'<article id="post-{record["id"]}" class="post"><header><h1 class="entry-title">{title}'
        f'</h1><time class="entry-date published" datetime="{published.isoformat()}">'
        f'{published:%d.%m.%Y}</time><span class="author vcard">{escape(", ".join(authors))}'
        f'</span></header><div class="entry-content">{paragraphs(record)}</div></article>',
        record["title"], base_url, record.get("lang", "ru"), head)


def _listing(records: list[Mapping[str, Any]], page_size: int, page: int, base_url: str,
             _query: Any = None) -> Page:
    chunk = records[(page - 1) * page_size:page * page_size]
    if not chunk and page > 1:
        return Page(b"not found", 404)
    posts = "".join(f'<article class="post"><h2 class="entry-title"><a href="{post_path(r)}" '
                    f'rel="bookmark">{escape(r["title"])}</a></h2><time datetime="'
                    f'{when(r).isoformat()}">{when(r):%d.%m.%Y}</time></article>' for r in chunk)
    return _page(f"<main>{posts}</main>", "Blog", base_url)


def _front(records: list[Mapping[str, Any]], by_id: dict[str, Mapping[str, Any]],
           base_url: str, page_size: int, query: dict[str, list[str]]) -> Page:
    if "p" in query:
        record = by_id.get(query["p"][0])
        return redirect(base_url + post_path(record)) if record else Page(b"not found", 404)
    return _listing(records, page_size, 1, base_url)


def _rest(records: list[Mapping[str, Any]], base_url: str, query: dict[str, list[str]]) -> Page:
    def arg(name: str, default: str) -> str:
        return (query.get(name) or [default])[0]
    after, before = arg("after", ""), arg("before", "")
    chosen = [r for r in records if (not after or iso_z(when(r))[:19] > after[:19])
              and (not before or iso_z(when(r))[:19] < before[:19])]
    per_page, page = min(int(arg("per_page", "10")), 100), int(arg("page", "1"))
    pages = max(1, math.ceil(len(chosen) / per_page))
    if page > pages:
        return Page(json.dumps({"code": "rest_post_invalid_page_number"}), 400,
                    {"Content-Type": "application/json"})
    body = [{"id": int(r["id"]), "link": base_url + post_path(r),
             "date_gmt": iso_z(when(r))[:-1], "modified_gmt": iso_z(when(r, "modified"))[:-1],
             "title": {"rendered": escape(r["title"])}}
            for r in chosen[(page - 1) * per_page:page * per_page]]
    return Page(json.dumps(body, ensure_ascii=False), 200, {
        "Content-Type": "application/json; charset=UTF-8", "X-WP-Total": str(len(chosen)),
        "X-WP-TotalPages": str(pages)})


def wordpress_site(articles: Iterable[Mapping[str, Any]], base_url: str, *, page_size: int = 10,
                   feed_size: int = 10, title: str = "Bureau") -> Site:
    """A WordPress site: `/feed/`, `/page/N/`, `/category/x/`, REST posts, `?p=ID` short links."""
    base_url, records, site = base_url.rstrip("/"), newest_first(articles), Site()
    by_id = {str(r["id"]): r for r in records}
    for record in records:
        site[post_path(record)] = partial(_article, record, base_url)
    site["/"] = partial(_front, records, by_id, base_url, page_size)
    for page in range(2, math.ceil(len(records) / page_size) + 1):
        site[f"/page/{page}/"] = partial(_listing, records, page_size, page, base_url)
    sections = sorted({str(r.get("section") or "news") for r in records})
    for name in sections:
        in_section = [r for r in records if str(r.get("section") or "news") == name]
        for page in range(1, math.ceil(len(in_section) / page_size) + 1):
            suffix = f"page/{page}/" if page > 1 else ""
            site[f"/category/{category_slug(name)}/{suffix}"] = partial(
                _listing, in_section, page_size, page, base_url)
    items = [rss_item(r, base_url + post_path(r), f"{base_url}/?p={r['id']}", True)
             for r in records[:feed_size]]
    site["/feed/"] = rss(title, base_url, items)
    site["/comments/feed/"] = rss(f"{title} comments", base_url, [])
    site["/wp-json/wp/v2/posts"] = partial(_rest, records, base_url)
    site.feeds, site.sections = ["/feed/"], [f"/category/{category_slug(n)}/" for n in sections]
    return site
