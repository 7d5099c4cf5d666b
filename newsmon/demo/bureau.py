"""A WordPress site shaped like bureau.kz (the Kazakhstan International Bureau for Human Rights).

Evidence (stored copies of bureau.kz pages; issue 14): a custom theme with a breadcrumb
("Главная > <title>"), the title, then the date as `dd.mm.yyyy`, then the text; posts under
category permalinks (`/publ-all/<category>/<slug>/`; `/monitoring_2/mejdunarodnye_otchety_2/
<slug>` and, in English, `/en/analysis/on_going_legislation_analysis/<slug>` without a
trailing slash); short links `/?p=N`, `/?p=N&post_type=post`, `/?post_type=post&p=N`, and
`/en/?post_type=post&p=N` answering with the English post itself (the stored copy is at that
address); no Kazakh edition; the REST API unconfirmed (absent here). What WordPress core adds
to any theme that calls `wp_head()`: the feed links, `rel=canonical`, `rel=shortlink`; robots.txt
naming `/wp-sitemap.xml`; `/?p=N` redirecting to the permalink; `/page/N/` listings. The
listing markup and the "Читайте также" block are this theme's invention (no copy of a bureau.kz
listing page was found): they use no WordPress class names on purpose.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import partial
from html import escape
from typing import Any

from newsmon.demo.render import Site, newest_first, paragraphs, robots, rss, rss_item, when
from newsmon.demo.siteserver import Page, html, redirect, xml

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "j", "k", "l", "m", "n",
                      "o", "p", "r", "s", "t", "u", "f", "h", "c", "ch", "sh", "sch", "", "y", "",
                      "e", "ju", "ja", "a", "g", "k", "n", "o", "u", "u", "h", "i"], strict=True))
WORDS = {"ru": ("Главная", "Подробнее", "Читайте также", "Публикации"),
         "en": ("Home", "Read more", "See also", "Analysis")}


def slugify(name: str) -> str:
    """A latin category slug as bureau.kz's are (`mejdunarodnye_otchety`)."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in name.lower())
    return "_".join("".join(ch if ch.isalnum() else " " for ch in text).split()) or "news"


def is_english(record: Mapping[str, Any]) -> bool:
    return record.get("lang") == "en"


def category_path(record: Mapping[str, Any]) -> str:
    cat = slugify(str(record.get("section") or "news"))
    return f"/en/analysis/{cat}/" if is_english(record) else f"/publ-all/{cat}/"


def post_path(record: Mapping[str, Any]) -> str:
    slug = record.get("slug") or record["id"]
    return category_path(record) + (f"{slug}" if is_english(record) else f"{slug}/")


def shortlink(record: Mapping[str, Any]) -> str:
    return (f"/en/?post_type=post&p={record['id']}" if is_english(record)
            else f"/?p={record['id']}")


def _page(title: str, lang: str, body: str, head: str = "") -> Page:
    home = "/en/" if lang == "en" else "/"
    return html(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="UTF-8"><title>{escape(title)}'
        ' - КМБПЧ</title><link rel="alternate" type="application/rss+xml" title="КМБПЧ &raquo; '
        f'Лента" href="{home}feed/" /><link rel="alternate" type="application/rss+xml" '
        f'title="КМБПЧ &raquo; Лента комментариев" href="{home}comments/feed/" />{head}</head>'
        f'<body><div class="top-line"><a class="logo" href="{home}">КМБПЧ</a><ul class="top-menu">'
        f'<li><a href="/publ-all/">Публикации</a></li><li><a href="/en/analysis/">Analysis</a>'
        f'</li><li><a href="/en/">EN</a></li></ul></div>{body}<footer class="footer">'
        "<p>© Казахстанское международное бюро по правам человека</p></footer></body></html>")


def _post(record: Mapping[str, Any], base_url: str, others: list[Mapping[str, Any]],
          canonical: bool = True, _query: Any = None) -> Page:
    lang = record.get("lang", "ru")
    home, _, see_also, _ = WORDS["en" if lang == "en" else "ru"]
    link = f"{base_url}{shortlink(record)}".replace("post_type=post&", "")
    head = (f'<link rel="canonical" href="{base_url}{post_path(record)}" />' if canonical
            else "") + f"<link rel='shortlink' href='{link}' />"
    related = "".join(f'<li><a href="{post_path(r)}">{escape(r["title"])}</a></li>'
                      for r in others[:3])
    return _page(record["title"], lang, (
        f'<div class="crumbs"><a href="{"/en/" if lang == "en" else "/"}">{home}</a> &gt; '
        f'<span>{escape(record["title"])}</span></div><div class="single-item">'
        f'<h1 class="single-item__title">{escape(record["title"])}</h1>'
        f'<div class="single-item__date">{when(record):%d.%m.%Y}</div>'
        f'<div class="single-item__text">{paragraphs(record)}</div></div>'
        f'<div class="read-also"><h3>{see_also}</h3><ul>{related}</ul></div>'), head)


def _card(record: Mapping[str, Any]) -> str:
    more = WORDS["en" if is_english(record) else "ru"][1]
    target = shortlink(record) if is_english(record) else post_path(record)
    return (f'<div class="item-card"><a class="item-card__title" href="{post_path(record)}">'
            f'{escape(record["title"])}</a><div class="item-card__date">{when(record):%d.%m.%Y}'
            f'</div><p>{escape(record.get("paragraphs", [""])[0][:160])}</p>'
            f'<a class="item-card__cat" href="{category_path(record)}">'
            f'{escape(str(record.get("section") or ""))}</a> <a class="item-card__more" '
            f'href="{target}">{more}</a></div>')


def _listing(records: list[Mapping[str, Any]], path: str, page_size: int, page: int,
             lang: str, _query: Any = None) -> Page:
    chunk = records[(page - 1) * page_size:page * page_size]
    if not chunk and page > 1:
        return Page(b"not found", 404)
    last = math.ceil(len(records) / page_size)
    numbers = "".join(f'<a class="page-numbers" href="{path}page/{n}/">{n}</a>'
                      for n in range(1, last + 1) if n != page)
    after = f'<a class="next page-numbers" href="{path}page/{page + 1}/">»</a>' \
        if page < last else ""
    return _page(WORDS["en" if lang == "en" else "ru"][3], lang, (
        f'<div class="items">{"".join(_card(r) for r in chunk)}</div>'
        f'<div class="pagination">{numbers}{after}</div>'))


def _front(records: list[Mapping[str, Any]], by_id: dict[str, Mapping[str, Any]],
           base_url: str, page_size: int, lang: str, canonical: bool,
           query: dict[str, list[str]]) -> Page:
    if "p" in query:  # short links: Russian ones redirect, English ones answer in place
        record = by_id.get(query["p"][0])
        if record is None or is_english(record) != (lang == "en"):
            return Page(b"not found", 404)
        if lang == "en":
            return _post(record, base_url, [], canonical)
        return redirect(base_url + post_path(record))
    return _listing(records, "/en/" if lang == "en" else "/", page_size, 1, lang)


def _listings(site: Site, records: list[Mapping[str, Any]], path: str, page_size: int,
              lang: str) -> None:
    for page in range(1, max(1, math.ceil(len(records) / page_size)) + 1):
        suffix = f"page/{page}/" if page > 1 else ""
        site[path + suffix] = partial(_listing, records, path, page_size, page, lang)


def bureau_site(articles: Iterable[Mapping[str, Any]], base_url: str, *, page_size: int = 10,
                feed_size: int = 10, feed: bool = True, sitemap: bool = True,
                takedown: Mapping[str, Any] | None = None, canonical: bool = True) -> Site:
    """bureau.kz-shaped WordPress: category permalinks, `/en/`, short links, no REST API.

    `canonical=False`: pages without `<link rel="canonical">` (a theme that drops it), so a
    short link answering in place says only its post id."""
    base_url, records, site = base_url.rstrip("/"), newest_first(articles), Site()
    by_id = {str(r["id"]): r for r in records}
    for lang, home in (("ru", "/"), ("en", "/en/")):
        mine = [r for r in records if is_english(r) == (lang == "en")]
        _listings(site, mine, home, page_size, lang)
        site[home] = partial(_front, mine, by_id, base_url, page_size, lang,  # + short links
                             canonical)
        _listings(site, mine, "/en/analysis/" if lang == "en" else "/publ-all/", page_size, lang)
        for cat in sorted({category_path(r) for r in mine}):
            _listings(site, [r for r in mine if category_path(r) == cat], cat, page_size, lang)
        if feed:
            site[f"{home}feed/"] = rss("КМБПЧ", base_url, [
                rss_item(r, base_url + post_path(r), base_url + shortlink(r), True)
                for r in mine[:feed_size]])
            site.feeds.append(f"{home}feed/")
        site.sections.append(home)
    for number, record in enumerate(records):
        site[post_path(record)] = partial(_post, record, base_url, records[number + 1:],
                                          canonical)
    if takedown:
        site[post_path(takedown)] = redirect(base_url + category_path(takedown), 302)
    if sitemap:
        urls = "".join(f"<url><loc>{base_url}{post_path(r)}</loc><lastmod>"
                       f"{when(r).isoformat()}</lastmod></url>" for r in records)
        site["/wp-sitemap-posts-post-1.xml"] = xml(
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{urls}</urlset>', "application/xml")
        site["/wp-sitemap.xml"] = xml(
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9"><sitemap><loc>{base_url}/wp-sitemap-posts-post-1.xml</loc>'
            "</sitemap></sitemapindex>", "application/xml")
        site["/robots.txt"] = robots(f"{base_url}/wp-sitemap.xml")
        site.sitemaps = ["/wp-sitemap.xml"]
    return site
