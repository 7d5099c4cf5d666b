"""What the adapters read off real and fixture pages: listings, archives, short links,
takedowns and the feeds a page names (no network)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from parsel import Selector

from newsmon.demo.sitegen import bureau_site, pangea_site
from sites import discovery, get_adapter
from sites.pangea import listing_items
from sites.wordpress import post_id
from tests.support.sites import make_articles

REAL = Path(__file__).resolve().parents[2] / "shared" / "bench" / "real_pages"
BASE = "http://example.test"
PANGEA, WORDPRESS = get_adapter("pangea"), get_adapter("wordpress")


def page(route, query=None) -> str:
    result = route(query or {}) if callable(route) else route
    return result.body.decode("utf-8")


@pytest.fixture(scope="module")
def voa() -> str:
    path = REAL / "pangea_voanews_7585813.html.gz"
    if not path.exists():
        pytest.skip("../shared/bench/real_pages is not here")
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_a_real_pangea_article_page_is_no_listing(voa: str) -> None:
    """Its "Related" `.media-block-wrap` and `.fui-grid__inner` items are page chrome."""
    assert "media-block-wrap" in voa and "fui-grid__inner" in voa
    assert PANGEA.listing_links(voa, "https://www.voanews.com/a/x/7585813.html") == []


def test_a_real_pangea_head_names_top_stories_and_the_sitemap(voa: str) -> None:
    found = discovery.page_links(voa, "https://www.voanews.com/a/x/7585813.html",
                                 PANGEA.listed_feed)
    assert [(f.kind, f.url, f.how) for f in found] == [
        ("feed", "https://www.voanews.com/api/", "link"),  # not the `alternate icon`
        ("sitemap", "https://www.voanews.com/sitemap.xml", "link sitemap")]  # type says RSS
    assert found[0].title == "VOA - Top Stories [RSS]"


@pytest.mark.parametrize("template", ["news lane", "section", "archive"])
def test_each_pangea_template_gives_its_items_in_order_with_their_day(template: str) -> None:
    articles = make_articles(30, sections=("Новости",))
    site = pangea_site(articles, BASE, page_size=8, zones={"Новости": (360, template)})
    html = page(site["/z/360"])
    name, _ = listing_items(html)
    assert name == template  # the sidebar's titled grid widget is never taken for it
    links = PANGEA.listing_links(html, BASE + "/z/360")
    assert [url.rsplit("/", 1)[1] for url, _ in links] == [
        f"{a['id']}.html" for a in articles[:8]]
    assert all(day == date.fromisoformat(a["published"][:10])
               for (_, day), a in zip(links, articles, strict=False))
    assert PANGEA.next_listing(html, BASE + "/z/360") == BASE + "/z/360?p=1"
    last = page(site["/z/360"], {"p": ["3"]})
    assert PANGEA.listing_links(last, BASE + "/z/360?p=3") and \
        PANGEA.next_listing(last, BASE + "/z/360?p=3") is None


def test_kazakh_and_english_listing_days_are_read() -> None:
    for lang, title in (("kk", "Азаттық"), ("en", "RFE/RL")):
        articles = make_articles(5, lang=lang, sections=("Жаңалықтар",))
        site = pangea_site(articles, BASE, title=title, zones={"Жаңалықтар": (330, "section")})
        links = PANGEA.listing_links(page(site["/z/330"]), BASE + "/z/330")
        assert [d for _, d in links] == [date.fromisoformat(a["published"][:10])
                                         for a in articles]


def bureau_listing() -> tuple[str, list[dict]]:
    ru = make_articles(12, first_id=61000, sections=("Новости", "Мониторинг судов"))
    site = bureau_site(ru, BASE, page_size=10)
    return page(site["/"]), ru


def test_a_custom_theme_listing_gives_posts_not_menus_categories_or_sidebars() -> None:
    html, ru = bureau_listing()
    links = WORDPRESS.listing_links(html, BASE + "/")
    assert [u for u, _ in links] == [BASE + p for p in (
        f"/publ-all/{'novosti' if a['section'] == 'Новости' else 'monitoring_sudov'}/"
        f"{a['slug']}/" for a in ru[:10])]
    local = [date.fromisoformat(a["published"][:10]) for a in ru[:10]]
    assert [d for _, d in links] == local  # dd.mm.yyyy beside each title
    assert WORDPRESS.next_listing(html, BASE + "/") == BASE + "/page/2/"


@pytest.mark.parametrize(("url", "number"), [
    ("https://bureau.kz/?p=61406", "61406"),
    ("https://bureau.kz/?p=61075&post_type=post", "61075"),
    ("https://bureau.kz/?post_type=post&p=54485", "54485"),
    ("https://bureau.kz/en/?post_type=post&p=53106", "53106"),
    ("https://bureau.kz/publ-all/novosti/slug/?p=1", None),
    ("https://bureau.kz/?p=abc", None),
])
def test_wordpress_short_links(url: str, number: str | None) -> None:
    assert post_id(url) == number
    if number:
        assert WORDPRESS.article_key(url) == f"wp:{number}"


@pytest.mark.parametrize(("path", "article"), [
    ("/publ-all/novosti/slug/", True), ("/en/analysis/legislation/slug", True),
    ("/a/109524,kazakhstan-report/", True), ("/2024/03/31/slug/", True),
    ("/", False), ("/en/", False), ("/category/news/", False), ("/en/tag/torture/", False),
    ("/country/kazakhstan/", False), ("/topic/political-prisoners/", False),
    ("/author/x/", False), ("/page/2/", False), ("/feed/", False), ("/2024/03/", False),
])
def test_wordpress_archives_are_not_articles(path: str, article: bool) -> None:
    assert WORDPRESS.is_article("https://example.kz" + path) is article


def test_a_post_page_says_its_id_and_an_archive_page_says_it_is_one() -> None:
    post = Selector(text="<html><head><link rel='shortlink' href='https://bureau.kz/?p=7' />"
                         "</head><body class='single postid-7'></body></html>")
    assert WORDPRESS.page_aliases(post) == ["wp:7"] and WORDPRESS.archive_page(post) is None
    archive = Selector(text="<html><body class='archive category category-news'></body></html>")
    assert "listing page" in WORDPRESS.archive_page(archive)


@pytest.mark.parametrize(("asked", "final", "takedown"), [
    ("/a/slug/123.html", "/", True),
    ("/a/slug/123.html", "/z/360", True),  # Pangea: not an article URL
    ("/a/123.html", "/a/slug/123.html", False),  # the same article, canonical form
    ("/publ-all/novosti/slug/", "/publ-all/novosti/", True),  # a folder above it
    ("/?p=5", "/publ-all/novosti/slug/", False),  # a short link resolving
])
def test_takedowns(asked: str, final: str, takedown: bool) -> None:
    adapter = PANGEA if asked.startswith("/a/") else WORDPRESS
    why = adapter.takedown(BASE + asked, BASE + final, ["/z/360"])
    assert bool(why) is takedown


def test_feed_list_robots_and_comment_feeds() -> None:
    site = pangea_site(make_articles(6), BASE, title="Azattyq")
    listed = discovery.feed_list(page(site["/rssfeeds"]), BASE + "/rssfeeds", PANGEA.listed_feed)
    assert {f.url.removeprefix(BASE) for f in listed} == {
        p for p in site if p.startswith("/api/z")}
    robots = "User-agent: *\nDisallow: /x/\nSitemap: https://bureau.kz/wp-sitemap.xml\n" \
             "Sitemap: https://elsewhere.example/s.xml\n"
    assert [f.url for f in discovery.robots_sitemaps(robots, "https://bureau.kz/robots.txt")] \
        == ["https://bureau.kz/wp-sitemap.xml"]
    head = ('<link rel="alternate" type="application/rss+xml" href="/feed/">'
            '<link rel="alternate" type="application/rss+xml" href="/comments/feed/">')
    assert [f.url for f in discovery.page_links(head, BASE + "/", WORDPRESS.listed_feed)] == [
        BASE + "/feed/"]
