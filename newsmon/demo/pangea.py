"""A site shaped like a Pangea CMS service (Radio Azattyq, rus.azattyq.org / www.azattyq.org).

Evidence for each shape (docs/sources.md lists the sources):
- article page: the saved voanews.com and polygraph.info pages in ../shared/bench/real_pages
  (`body.pg-article`, `h1.title.pg-title`, `time[pubdate][datetime]`, JSON-LD with
  "YYYY-MM-DD HH:MM:SSZ", `#article-content.content-floated-wrap > .wsw` with `.wsw__embed`
  media and related links, a sidebar `.media-block-wrap` titled "Related" whose items are
  `li.fui-grid__inner .media-block`, an empty `#ymla-section`); every page's head names the
  top-stories feed `<link rel="alternate" … title="… Top Stories [RSS]" href="/api/">` and
  `<link rel="sitemap" type="application/rss+xml" href="/sitemap.xml">`;
- listings: the news lane (`/z/360` on rus.azattyq.org; `div.news__item[data-article-id]`,
  `a.js-media-title-link`, `time[pubdate]`, voaafrica.com scraper), section pages
  (`ul#ordinaryItems li.fui-grid__inner`, voanews.com scraper; azattyq.org `/z/330`), archive
  lists (`ul.archive-list li.mb-grid.archive-list__item`, radiosvoboda.org / svoboda.org), dates
  in words ("28 апреля 2024"), and the "load more" link `a.btn.link-showMore.btn__text` whose
  href is the next `?p=N` (svoboda.org scraper);
- feeds: `/api/` holds only top stories, zone feeds `/api/z<opaque code>` are listed on
  `/rssfeeds` (issue 14's evidence; rus.azattyq.org zone codes seen in public projects).
A takedown (an article URL answering with a redirect to the home page) is added on request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import partial
from html import escape
from typing import Any

from newsmon.demo.render import (
    Site,
    add_sitemaps,
    authors_of,
    day_text,
    iso_z,
    newest_first,
    opaque_code,
    paragraphs,
    rss,
    rss_item,
    section_ids,
    when,
)
from newsmon.demo.siteserver import Page, html, redirect

TEMPLATES = ("news lane", "section", "archive")
HEAD_WORDS = {"ru": ("Читайте также", "Самое популярное", "Загрузить ещё"),
              "kk": ("Тақырыпқа қатысты", "Ең көп оқылған", "Тағы жүктеу"),
              "en": ("Related", "Most Viewed", "Load more")}


def article_path(record: Mapping[str, Any]) -> str:
    return f"/a/{record['slug']}/{record['id']}.html" if record.get("slug") else \
        f"/a/{record['id']}.html"


def _words(lang: str) -> tuple[str, str, str]:
    return HEAD_WORDS.get(lang, HEAD_WORDS["en"])


def _head(title: str, lang: str, site_title: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>"
            '<link rel="icon" type="image/svg+xml" href="/Content/img/favicon.svg" />'
            '<link rel="alternate icon" href="/Content/img/favicon.ico" />'
            f'<link rel="alternate" type="application/rss+xml" '
            f'title="{escape(site_title)} - Top Stories [RSS]" href="/api/" />'
            '<link rel="sitemap" type="application/rss+xml" href="/sitemap.xml" />'
            f"{extra}</head>")


def _block(record: Mapping[str, Any], size: int = 4, date: bool = False) -> str:
    """A `.media-block`: image link and title link to the article (as on every Pangea page)."""
    path, title = article_path(record), escape(record["title"])
    day = (f'<span class="date date--mb date--size-{size}">'
           f"{day_text(when(record), record.get('lang', 'ru'))}</span>" if date else "")
    return (f'<div class="media-block "><a href="{path}" class="img-wrap img-wrap--t-spac '
            f'img-wrap--size-{size} img-wrap--float" title="{title}"><div class="thumb '
            f'thumb16_9"><img src="" alt="{title}"></div></a><div class="media-block__content '
            f'media-block__content--h"><a href="{path}"><h4 class="media-block__title '
            f'media-block__title--size-{size}" title="{title}">{title}</h4></a>{day}</div></div>')


def _widget(heading: str, records: list[Mapping[str, Any]]) -> str:
    """A sidebar widget ("Related", "Most viewed"): page chrome, never a listing."""
    items = "".join(f'<li class="col-xs-12 col-sm-12 col-md-12 col-lg-12 fui-grid__inner">'
                    f"{_block(r)}</li>" for r in records)
    return (f'<div class="media-block-wrap"><h2 class="section-head">{escape(heading)}</h2>'
            f'<div class="row"><ul>{items}</ul></div></div>')


def _article(record: Mapping[str, Any], base_url: str, section_id: int, site_title: str,
             related: list[Mapping[str, Any]], _query: Any = None) -> Page:
    lang, title, authors = record.get("lang", "ru"), escape(record["title"]), authors_of(record)
    published, (see_also, _, _) = when(record), _words(record.get("lang", "ru"))
    caption = {"ru": "Фото из архива", "kk": "Мұрағат суреті"}.get(lang, "File photo")
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": record["title"],
          "datePublished": iso_z(published, " "), "dateModified": iso_z(when(record, "modified"),
          " "), "articleSection": record.get("section") or "news", "inLanguage": lang,
          "author": [{"@type": "Person", "name": a} for a in authors]}
    byline = "".join(f'<li class="links__item"><a class="links__item-link" href="/author/x/'
                     f'{n}">{escape(a)}</a></li>' for n, a in enumerate(authors))
    inline = (f'<div class="wsw__embed"><div class="media-block-wrap"><h2 class="section-head">'
              f'{escape(see_also)}</h2>{_block(related[0])}</div></div>' if related else "")
    head = _head(record["title"], lang, site_title,
                 f'<link href="{base_url}{article_path(record)}" rel="canonical" />'
                 f'<meta property="og:title" content="{title}" />'
                 f'<meta name="Author" content="{escape(", ".join(authors))}" />'
                 f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}'
                 "</script>")
    return html(f"""{head}<body class="nav-no-loaded cc_theme pg-article print-lay-article">
<div id="page"><div class="hdr-20"><a class="main-logo-link" href="/">Logo</a></div>
<div id="content"><div class="container"><div class="hdr-container"><div class="row">
<div class="col-category"><div class="category js-category">
<a href="/z/{section_id}">{escape(str(ld['articleSection']))}</a></div></div>
<div class="col-title"><h1 class="title pg-title">{title}</h1></div>
<div class="col-publishing-details"><div class="publishing-details "><div class="published">
<span class="date"><time pubdate="pubdate" datetime="{published.isoformat()}">
{day_text(published, lang)} {published:%H:%M}</time></span></div>
<div class="links"><ul class="links__list links__list--column">{byline}</ul></div></div></div>
</div></div><div class="body-container"><div class="row"><div class="col-md-8">
<div id="article-content" class="content-floated-wrap fb-quotable"><div class="wsw">
{paragraphs(record)}
{inline}
<div class="wsw__embed"><figure class="media-image js-media-expand"><figcaption>
<span class="caption">{escape(caption)}</span></figcaption></figure></div>
</div></div></div><div class="col-md-4">{_widget(see_also, related)}</div></div></div></div>
<div id="ymla-section" class="clear ymla-section"></div></div>
<footer><div id="foot" class="foot"><p class="copyright">© Pangea fixture</p></div></footer>
</div></body></html>""")


def _lane_item(record: Mapping[str, Any]) -> str:
    published, title = when(record), escape(record["title"])
    return (f'<div class="news__item news__item--unopenable accordeon__item" '
            f'data-article-id="{record["id"]}"><div class="news__item-info"><time '
            f'pubdate="pubdate" datetime="{published.isoformat()}">{published:%H:%M}</time>'
            f'</div><a class="js-media-title-link" href="{article_path(record)}"><h1 '
            f'class="title pg-title pg-title--immovable">{title}</h1></a></div>')


def _listing_items(template: str, chunk: list[Mapping[str, Any]]) -> str:
    if template == "news lane":
        return f'<div class="news">{"".join(_lane_item(r) for r in chunk)}</div>'
    if template == "section":
        items = "".join(f'<li class="col-xs-12 col-sm-12 col-md-12 col-lg-12 fui-grid__inner">'
                        f"{_block(r, 3, date=True)}</li>" for r in chunk)
        return f'<div class="row"><ul id="ordinaryItems">{items}</ul></div>'
    items = "".join(f'<li class="mb-grid archive-list__item">{_block(r, 3, date=True)}</li>'
                    for r in chunk)
    return f'<ul class="archive-list">{items}</ul>'


def _listing(records: list[Mapping[str, Any]], section_id: int, page_size: int, template: str,
             site_title: str, popular: list[Mapping[str, Any]], query: dict[str, list[str]]
             ) -> Page:
    value = (query.get("p") or ["0"])[0]
    page = int(value) if value.isdigit() else 0
    chunk = records[page * page_size:(page + 1) * page_size]
    lang = (records[0].get("lang") if records else None) or "ru"
    _, most_viewed, more_label = _words(lang)
    more = (f'<p class="buttons btn--load-more"><a class="btn link-showMore btn__text" '
            f'data-ajax="true" data-ajax-url="/z/{section_id}?p={page + 1}&amp;ajax=1" '
            f'href="/z/{section_id}?p={page + 1}">{more_label}</a></p>'
            if (page + 1) * page_size < len(records) else "")
    return html(f'{_head(site_title, lang, site_title)}<body class="pg-section"><div id="page">'
                f'<div id="content"><div class="container"><div class="row"><div class="col-md-8">'
                f'<div class="media-block-wrap">{_listing_items(template, chunk)}{more}</div>'
                f'</div><div class="col-md-4">{_widget(most_viewed, popular)}</div></div></div>'
                "</div></div></body></html>")


def _rssfeeds(site_title: str, lang: str, feeds: list[tuple[str, str]]) -> Page:
    links = "".join(f'<li><a href="{path}">{escape(name)}</a></li>' for path, name in feeds)
    return html(f"{_head('RSS', lang, site_title)}<body class=\"pg-static\"><div id=\"content\">"
                f'<h1 class="pg-title">RSS</h1><ul class="rss-list">{links}</ul></div>'
                "</body></html>")


def _sections(site: Site, base_url: str, records: list[Mapping[str, Any]],
              layout: Mapping[str, tuple[int, str]], page_size: int, feed_size: int,
              title: str) -> list[tuple[str, str]]:
    """Each section's listing `/z/<id>` and zone feed `/api/<code>`; the feeds for /rssfeeds."""
    zone_feeds = []
    for name, (section_id, template) in layout.items():
        in_section = [r for r in records if str(r.get("section") or "news") == name]
        site[f"/z/{section_id}"] = partial(_listing, in_section, section_id, page_size,
                                           template, title, records[:3])
        code = opaque_code(f"{title}:{name}")
        site[f"/api/{code}"] = rss(f"{title} - {name}", base_url, [
            rss_item(r, base_url + article_path(r), base_url + article_path(r), False)
            for r in in_section[:feed_size]])
        zone_feeds.append((f"/api/{code}", name))
    return zone_feeds


def pangea_site(articles: Iterable[Mapping[str, Any]], base_url: str, *, feed_id: str = "",
                page_size: int = 20, feed_size: int = 20, top_size: int = 5,
                title: str = "Azattyq", takedown: Mapping[str, Any] | None = None,
                zones: Mapping[str, tuple[int, str]] | None = None) -> Site:
    """A Pangea site: `/api/` top stories, zone feeds on `/rssfeeds`, `/z/<id>?p=N` listings
    (news lane, section, archive templates in turn), `/a/<slug>/<id>.html`, sitemaps.

    `site.feeds` is the all-news zone feed (the newest `feed_size`); a `takedown` record is
    linked from the feeds and the home page but answers with a redirect to the home page;
    `zones` gives sections their real zone id and template (`{"Новости": (360, "news lane")}`).
    """
    base_url, records, site = base_url.rstrip("/"), newest_first(articles), Site()
    lang = records[0].get("lang", "ru") if records else "ru"
    layout = {name: (zones or {}).get(name, (number, TEMPLATES[index % len(TEMPLATES)]))
              for index, (name, number) in enumerate(section_ids(records).items())}
    sections = {name: number for name, (number, _) in layout.items()}
    for number, record in enumerate(records):
        related = [records[(number + k) % len(records)] for k in (1, 2, 3) if len(records) > k]
        render = partial(_article, record, base_url, sections[str(record.get("section") or
                                                                  "news")], title, related)
        site[article_path(record)] = render
        site[f"/amp/{record['id']}.html"] = render
        if record.get("slug"):
            site[f"/a/{record['id']}.html"] = redirect(f"{base_url}{article_path(record)}")
    zone_feeds = _sections(site, base_url, records, layout, page_size, feed_size, title)
    newest = list(records)
    if takedown:
        site[article_path(takedown)] = redirect(f"{base_url}/", 302)
        newest.insert(0, takedown)
    all_code = feed_id or opaque_code(f"{title}:all")
    items = [rss_item(r, base_url + article_path(r), base_url + article_path(r), False)
             for r in newest[:feed_size]]
    site[f"/api/{all_code}"] = rss(title, base_url, items)
    site["/api/"] = rss(f"{title} - Top Stories", base_url, items[:top_size])
    site["/rssfeeds"] = _rssfeeds(title, lang, [(f"/api/{all_code}", title), *zone_feeds])
    site.feeds, site.sections = [f"/api/{all_code}"], [f"/z/{i}" for i in sections.values()]
    site["/"] = html(f"{_head(title, lang, title)}<body class=\"pg-home\"><div id=\"content\">"
                     f"{_widget(title, newest[:5])}</div></body></html>")
    add_sitemaps(site, base_url, records, lambda r: base_url + article_path(r))
    return site
