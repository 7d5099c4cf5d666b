"""Fixture sites: shaped like the real CMSs, served over real HTTP, cheap at 20,000 articles."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from parsel import Selector

from extraction.hints import page_hints
from newsmon.demo.sitegen import bureau_site, pangea_site, telegram_site, wordpress_site
from newsmon.demo.siteserver import SiteServer
from spiders.feeds import parse_feed, parse_sitemap
from tests.support.sites import make_articles

DEMO_RECORD = {"site": "azattyq-ru", "id": 33123456, "slug": "aktobe-torture-case", "lang": "ru",
               "title": "Суд в Актобе", "published": "2024-04-28T07:00:00Z",
               "authors": ["Азаттык"], "section": "kazakhstan", "paragraphs": ["Абзац."],
               "expect_topics": ["torture"]}


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_pangea_article_has_the_real_markup():
    site = pangea_site([DEMO_RECORD], "http://example.test")
    page = site["/a/aktobe-torture-case/33123456.html"](None)
    sel = Selector(text=page.body.decode())
    assert sel.css("#article-content .wsw > p::text").getall() == ["Абзац."]
    assert sel.css("#article-content .wsw .wsw__embed")  # media and related links in the body
    assert sel.css("head link[rel=alternate][href='/api/']::attr(title)").get().endswith(
        "Top Stories [RSS]")
    assert sel.css("head link[rel=sitemap]::attr(type)").get() == "application/rss+xml"
    hints = page_hints(sel)
    assert hints["title"] == "Суд в Актобе" and hints["authors"] == ["Азаттык"]
    assert hints["published"] == "2024-04-28T07:00:00Z"
    assert '"datePublished": "2024-04-28 07:00:00Z"' in page.body.decode()
    assert hints["canonical"] == "http://example.test/a/aktobe-torture-case/33123456.html"


def test_served_site_feeds_listings_sitemaps_and_conditional_get():
    with SiteServer() as server:
        site = pangea_site(make_articles(30), server.base_url, page_size=20)
        server.pages.update(site)
        status, headers, body = fetch(server.base_url + site.feeds[0])
        assert status == 200 and len(parse_feed(body).entries) == 20
        assert fetch(server.base_url + site.feeds[0], {"If-None-Match": headers["ETag"]})[0] == 304
        status, _, body = fetch(server.base_url + "/sitemap.xml")
        index = parse_sitemap(body)
        assert index.is_index and len(parse_sitemap(fetch(index.entries[0].url)[2]).entries) == 30
        assert fetch(server.base_url + "/a/33000001.html")[0] == 200  # redirect followed
        lane = fetch(server.base_url + site.sections[0] + "?p=0")[2]
        assert b"news__item" in lane and b"link-showMore" not in lane  # all 15 on one page
        assert b"/api/z" in fetch(server.base_url + "/rssfeeds")[2]
        assert len(parse_feed(fetch(server.base_url + "/api/")[2]).entries) == 5  # top stories
        assert fetch(server.base_url + "/robots.txt")[0] == 200
        assert fetch(server.base_url + "/nothing-here")[0] == 404
        assert [r.path for r in server.requested("/robots")] == ["/robots.txt"]


def test_wordpress_feed_rest_api_and_shortlinks():
    with SiteServer() as server:
        site = wordpress_site(make_articles(25, first_id=700), server.base_url)
        server.pages.update(site)
        entries = parse_feed(fetch(server.base_url + "/feed/")[2]).entries
        assert len(entries) == 10 and entries[0].authors == ["Автор 0"]
        status, headers, body = fetch(server.base_url + "/wp-json/wp/v2/posts?per_page=10&page=3")
        assert status == 200 and len(json.loads(body)) == 5 and headers["X-WP-TotalPages"] == "3"
        assert fetch(server.base_url + "/wp-json/wp/v2/posts?per_page=10&page=4")[0] == 400
        status, _, body = fetch(server.base_url + "/?p=725")
        assert status == 200 and b'class="entry-content"' in body
        assert b"rel='shortlink'" in body and b'rel="canonical"' in body
        assert fetch(server.base_url + "/page/3/")[0] == 200
        assert fetch(server.base_url + "/page/4/")[0] == 404


def test_bureau_short_links_feeds_and_no_rest_api():
    with SiteServer() as server:
        ru = make_articles(3, first_id=61000)
        en = make_articles(2, first_id=53000, lang="en")
        server.pages.update(bureau_site(ru + en, server.base_url))
        assert fetch(server.base_url + f"/en/?post_type=post&p={en[0]['id']}")[0] == 200
        status, _, body = fetch(server.base_url + f"/?p={ru[0]['id']}")  # to the permalink
        assert status == 200 and b"/publ-all/" in body
        assert fetch(server.base_url + "/wp-json/wp/v2/posts")[0] == 404
        assert b"Sitemap: " in fetch(server.base_url + "/robots.txt")[2]
        assert len(parse_feed(fetch(server.base_url + "/en/feed/")[2]).entries) == 2


def test_telegram_preview_pages():
    posts = [{"id": n, "published": "2024-04-01T06:00:00+00:00", "title": f"Пост {n}",
              "paragraphs": ["Текст."]} for n in range(1, 31)]
    with SiteServer() as server:
        server.pages.update(telegram_site("chan", posts, server.base_url))
        first = fetch(server.base_url + "/s/chan")[2].decode()
        older = fetch(server.base_url + "/s/chan?before=11")[2].decode()
    assert first.count('data-post="chan/') == 20 and 'data-before="11"' in first
    assert older.count('data-post="chan/') == 10 and "tme_messages_more" not in older


def test_twenty_thousand_articles_render_lazily():
    articles = make_articles(20_000, step_hours=1)
    site = pangea_site(articles, "http://example.test")
    wp = wordpress_site(articles, "http://example.test")
    assert len(parse_sitemap(site["/sitemap.xml"].body).entries) == 20
    assert len(wp) > 20_000
