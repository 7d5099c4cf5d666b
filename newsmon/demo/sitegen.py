"""Render article records into SiteServer pages shaped like a Pangea or a WordPress site.

A record is a dict: id, slug, lang, title, published (ISO 8601), authors, section, paragraphs,
optionally modified; extra keys (site, expect_topics) are ignored. Article and listing pages are
rendered on request, so a 20,000-article site costs little more than its list of records.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from html import escape
from typing import Any
from urllib.parse import quote

from newsmon.demo.siteserver import Page, html, redirect, xml

SITEMAP_CHUNK = 1000


class Site(dict):
    """path -> Route, plus the paths a source entry needs to crawl it."""

    feeds: list[str]
    sections: list[str]
    sitemaps: list[str]


def _when(record: Mapping[str, Any], key: str = "published") -> datetime:
    value = str(record.get(key) or record["published"]).replace("Z", "+00:00")
    stamp = datetime.fromisoformat(value)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _iso_z(stamp: datetime, sep: str = "T") -> str:
    return stamp.astimezone(UTC).strftime(f"%Y-%m-%d{sep}%H:%M:%SZ")


def _authors(record: Mapping[str, Any]) -> list[str]:
    authors = record.get("authors") or []
    return [authors] if isinstance(authors, str) else list(authors)


def _newest_first(articles: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(articles, key=_when, reverse=True)


def _paragraphs(record: Mapping[str, Any]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in record.get("paragraphs", []))


def _rss(channel_title: str, base_url: str, items: list[str]) -> Page:
    return xml(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>'
        f"<title>{escape(channel_title)}</title><link>{base_url}/</link>"
        f"<description>{escape(channel_title)}</description>\n" + "\n".join(items)
        + "\n</channel></rss>\n"
    )


def _rss_item(record: Mapping[str, Any], link: str, guid: str, content: bool) -> str:
    creators = "".join(f"<dc:creator>{escape(a)}</dc:creator>" for a in _authors(record))
    encoded = f"<content:encoded><![CDATA[{_paragraphs(record)}]]></content:encoded>"
    return (
        f"<item><title>{escape(record['title'])}</title><link>{link}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{format_datetime(_when(record).astimezone(UTC), usegmt=True)}</pubDate>"
        f"{creators}<category>{escape(str(record.get('section') or 'news'))}</category>"
        f"<description>{escape(' '.join(record.get('paragraphs', [])[:1]))}</description>"
        f"{encoded if content else ''}</item>"
    )


def _sitemaps(site: Site, base_url: str, records: list[Mapping[str, Any]], url_of: Any) -> None:
    """`/sitemap.xml` index over `/sitemap_N.xml` chunks, each with lastmod per URL."""
    chunks = [records[i:i + SITEMAP_CHUNK] for i in range(0, len(records), SITEMAP_CHUNK)]
    index = []
    for number, chunk in enumerate(chunks, 1):
        urls = "".join(f"<url><loc>{url_of(r)}</loc><lastmod>{_iso_z(_when(r, 'modified'))}"
                       "</lastmod></url>" for r in chunk)
        site[f"/sitemap_{number}.xml"] = xml(
            '<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', "text/xml")
        newest = max(_iso_z(_when(r, "modified")) for r in chunk)
        index.append(f"<sitemap><loc>{base_url}/sitemap_{number}.xml</loc>"
                     f"<lastmod>{newest}</lastmod></sitemap>")
    site["/sitemap.xml"] = xml(
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(index)}</sitemapindex>',
        "text/xml")
    site.sitemaps = ["/sitemap.xml"]


def _section_ids(records: list[Mapping[str, Any]]) -> dict[str, int]:
    names = sorted({str(r.get("section") or "news") for r in records})
    return {name: 100 + number for number, name in enumerate(names)}


# --- Pangea -----------------------------------------------------------------------------------

def _pangea_path(record: Mapping[str, Any]) -> str:
    return f"/a/{record['slug']}/{record['id']}.html" if record.get("slug") else \
        f"/a/{record['id']}.html"


def _pangea_chrome(related: list[Mapping[str, Any]]) -> str:
    links = "".join(f'<li><a href="{_pangea_path(r)}">{escape(r["title"])}</a></li>'
                    for r in related)
    return f'<nav class="nav-menu"><ul>{links}</ul></nav>'


def _pangea_article(record: Mapping[str, Any], base_url: str, section_id: int,
                    related: list[Mapping[str, Any]], _query: Any = None) -> Page:
    title, authors = escape(record["title"]), _authors(record)
    published = _when(record)
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": record["title"],
          "datePublished": _iso_z(published, " "), "dateModified": _iso_z(_when(record, "modified"),
          " "), "articleSection": record.get("section") or "news", "inLanguage": record.get("lang"),
          "author": [{"@type": "Person", "name": a} for a in authors]}
    byline = "".join(f'<li class="links__item">{escape(a)}</li>' for a in authors)
    return html(f"""<!DOCTYPE html><html lang="{record.get('lang', 'ru')}"><head>
<meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{base_url}{_pangea_path(record)}">
<meta property="og:title" content="{title}">
<meta name="Author" content="{escape(', '.join(authors))}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head>
<body class="pg-article">{_pangea_chrome(related)}
<div class="promo"><div class="wsw"><p>Subscribe to our newsletter.</p></div></div>
<div id="content"><div class="category">
<a href="/z/{section_id}">{escape(str(ld['articleSection']))}</a></div>
<h1 class="title pg-title">{title}</h1>
<div class="publishing-details"><div class="published"><span class="date">
<time pubdate="pubdate" datetime="{published.isoformat()}">{published:%d.%m.%Y %H:%M}</time>
</span></div>
<div class="links"><ul class="links__list">{byline}</ul></div></div>
<div id="article-content" class="content-floated-wrap fb-quotable"><div class="wsw">
{_paragraphs(record)}
<div class="wsw__embed"><a href="{_pangea_path(related[0]) if related else '/'}">Related</a></div>
</div></div><div id="ymla-section" class="clear ymla-section">{_pangea_chrome(related)}</div>
</div><footer>© Pangea fixture</footer></body></html>""")


def _pangea_listing(records: list[Mapping[str, Any]], section_id: int, page_size: int,
                    query: dict[str, list[str]]) -> Page:
    page = int((query.get("p") or ["0"])[0] or 0)
    chunk = records[page * page_size:(page + 1) * page_size]
    items = "".join(
        f'<li class="col-xs-12"><div class="media-block"><a href="{_pangea_path(r)}">'
        f'<h4 class="media-block__title">{escape(r["title"])}</h4></a>'
        f'<span class="date">{_when(r):%d.%m.%Y}</span></div></li>' for r in chunk)
    more = (f'<p class="buttons btn--load-more"><a class="link-showMore" '
            f'href="/z/{section_id}?p={page + 1}">More</a></p>'
            if (page + 1) * page_size < len(records) else "")
    return html(f'<html><body class="pg-section">{_pangea_chrome(records[:3])}<div id="content">'
                f'<div class="media-block-wrap"><ul id="items">{items}</ul>{more}</div></div>'
                "</body></html>")


def pangea_site(articles: Iterable[Mapping[str, Any]], base_url: str, *, feed_id: str = "zkqvpe",
                page_size: int = 20, feed_size: int = 20, title: str = "Azattyq") -> Site:
    """A Pangea CMS site: RSS `/api/<feed_id>`, `/z/<id>?p=N`, `/a/<slug>/<id>.html`, sitemaps."""
    base_url, records, site = base_url.rstrip("/"), _newest_first(articles), Site()
    sections = _section_ids(records)
    for number, record in enumerate(records):
        section_id = sections[str(record.get("section") or "news")]
        related = [records[(number + k) % len(records)] for k in (1, 2, 3) if len(records) > k]
        render = partial(_pangea_article, record, base_url, section_id, related)
        site[_pangea_path(record)] = render
        site[f"/amp/{record['id']}.html"] = render
        if record.get("slug"):
            site[f"/a/{record['id']}.html"] = redirect(f"{base_url}{_pangea_path(record)}")
    for name, section_id in sections.items():
        in_section = [r for r in records if str(r.get("section") or "news") == name]
        site[f"/z/{section_id}"] = partial(_pangea_listing, in_section, section_id, page_size)
    items = [_rss_item(r, base_url + _pangea_path(r), base_url + _pangea_path(r), False)
             for r in records[:feed_size]]
    site[f"/api/{feed_id}"] = _rss(title, base_url, items)
    site.feeds, site.sections = [f"/api/{feed_id}"], [f"/z/{i}" for i in sections.values()]
    site["/"] = html(f"<html><body>{_pangea_chrome(records[:5])}</body></html>")
    _sitemaps(site, base_url, records, lambda r: base_url + _pangea_path(r))
    return site


# --- WordPress --------------------------------------------------------------------------------

def _wp_slug(name: str) -> str:
    """A category slug as WordPress makes one: lower case, hyphens, UTF-8 percent-encoded."""
    return quote("-".join(name.lower().split()), safe="-")


def _wp_path(record: Mapping[str, Any]) -> str:
    return f"/{_when(record):%Y/%m/%d}/{record.get('slug') or record['id']}/"


def _wp_page(body: str, lang: str = "ru") -> Page:
    return html(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head>'
                f'<body class="wordpress">{body}<aside class="widget"><div class="entry-content">'
                "<p>Sidebar widget text.</p></div></aside></body></html>")


def _wp_article(record: Mapping[str, Any], base_url: str, _query: Any = None) -> Page:
    title, authors, published = escape(record["title"]), _authors(record), _when(record)
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "headline": record["title"], "datePublished": published.isoformat(),
         "author": [{"@type": "Person", "name": a} for a in authors]}]}
    return _wp_page(
        f'<link rel="canonical" href="{base_url}{_wp_path(record)}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        f'<article id="post-{record["id"]}" class="post"><header><h1 class="entry-title">{title}'
        f'</h1><time class="entry-date published" datetime="{published.isoformat()}">'
        f'{published:%d.%m.%Y}</time><span class="author vcard">{escape(", ".join(authors))}'
        f'</span></header><div class="entry-content">{_paragraphs(record)}</div></article>',
        record.get("lang", "ru"))


def _wp_listing(records: list[Mapping[str, Any]], page_size: int, page: int,
                _query: Any = None) -> Page:
    chunk = records[(page - 1) * page_size:page * page_size]
    if not chunk and page > 1:
        return Page(b"not found", 404)
    posts = "".join(f'<article class="post"><h2 class="entry-title"><a href="{_wp_path(r)}" '
                    f'rel="bookmark">{escape(r["title"])}</a></h2></article>' for r in chunk)
    return _wp_page(f"<main>{posts}</main>")


def _wp_front(records: list[Mapping[str, Any]], by_id: dict[str, Mapping[str, Any]],
              base_url: str, page_size: int, query: dict[str, list[str]]) -> Page:
    if "p" in query:
        record = by_id.get(query["p"][0])
        return redirect(base_url + _wp_path(record)) if record else Page(b"not found", 404)
    return _wp_listing(records, page_size, 1)


def _wp_rest(records: list[Mapping[str, Any]], base_url: str, query: dict[str, list[str]]) -> Page:
    def arg(name: str, default: str) -> str:
        return (query.get(name) or [default])[0]
    after, before = arg("after", ""), arg("before", "")
    chosen = [r for r in records if (not after or _iso_z(_when(r))[:19] > after[:19])
              and (not before or _iso_z(_when(r))[:19] < before[:19])]
    per_page, page = min(int(arg("per_page", "10")), 100), int(arg("page", "1"))
    pages = max(1, math.ceil(len(chosen) / per_page))
    if page > pages:
        return Page(json.dumps({"code": "rest_post_invalid_page_number"}), 400,
                    {"Content-Type": "application/json"})
    body = [{"id": int(r["id"]), "link": base_url + _wp_path(r),
             "date_gmt": _iso_z(_when(r))[:-1], "modified_gmt": _iso_z(_when(r, "modified"))[:-1],
             "title": {"rendered": escape(r["title"])}}
            for r in chosen[(page - 1) * per_page:page * per_page]]
    return Page(json.dumps(body, ensure_ascii=False), 200, {
        "Content-Type": "application/json; charset=UTF-8", "X-WP-Total": str(len(chosen)),
        "X-WP-TotalPages": str(pages)})


def wordpress_site(articles: Iterable[Mapping[str, Any]], base_url: str, *, page_size: int = 10,
                   feed_size: int = 10, title: str = "Bureau") -> Site:
    """A WordPress site: `/feed/`, `/page/N/`, `/category/x/`, REST posts, `?p=ID` short links."""
    base_url, records, site = base_url.rstrip("/"), _newest_first(articles), Site()
    by_id = {str(r["id"]): r for r in records}
    for record in records:
        site[_wp_path(record)] = partial(_wp_article, record, base_url)
    site["/"] = partial(_wp_front, records, by_id, base_url, page_size)
    for page in range(2, math.ceil(len(records) / page_size) + 1):
        site[f"/page/{page}/"] = partial(_wp_listing, records, page_size, page)
    sections = sorted({str(r.get("section") or "news") for r in records})
    for name in sections:
        in_section = [r for r in records if str(r.get("section") or "news") == name]
        for page in range(1, math.ceil(len(in_section) / page_size) + 1):
            suffix = f"page/{page}/" if page > 1 else ""
            site[f"/category/{_wp_slug(name)}/{suffix}"] = partial(
                _wp_listing, in_section, page_size, page)
    items = [_rss_item(r, base_url + _wp_path(r), f"{base_url}/?p={r['id']}", True)
             for r in records[:feed_size]]
    site["/feed/"] = _rss(title, base_url, items)
    site["/wp-json/wp/v2/posts"] = partial(_wp_rest, records, base_url)
    site.feeds, site.sections = ["/feed/"], [f"/category/{_wp_slug(n)}/" for n in sections]
    site.sitemaps = []
    return site
