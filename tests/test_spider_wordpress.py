"""The news spider against a WordPress-shaped SiteServer: feed, /page/N/, REST backfill, ?p=ID."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sitegen import wordpress_site
from crawler.siteserver import Page, SiteServer, xml
from tests.sites import make_articles, run_crawl, sources_toml, utc_day


@pytest.fixture
def site_server():
    with SiteServer() as server:
        yield server


def wp_source(tmp_path: Path, **keys) -> Path:
    entry = {"name": "bureau-kz", "title": "Бюро", "adapter": "wordpress",
             "base_url": "https://bureau.kz", "languages": ["ru"], "country": "KZ",
             "listing_pages": 3, **keys}
    return sources_toml(tmp_path / "sources.toml", [entry])


def crawl(tmp_path: Path, server: SiteServer, run: str, **kw):
    sources = kw.pop("sources", None) or wp_source(tmp_path)
    return run_crawl(sources, "bureau-kz", tmp_path / "newsmon.db", tmp_path / run,
                     base_url=server.base_url, **kw)


def test_feed_and_listings_find_each_post_once_by_permalink(tmp_path, site_server):
    articles = make_articles(25, first_id=500)
    site_server.pages.update(wordpress_site(articles, site_server.base_url))
    result = crawl(tmp_path, site_server, "run1")
    assert result.returncode == 0 and result.failures == [], result.log[-2000:]
    assert len(result.items) == 25 == len(set(result.urls))
    by_title = {item["hints"]["title"]: item for item in result.items}
    for record in articles:
        item = by_title[record["title"]]
        assert item["url"].startswith(site_server.base_url + "/2024/")
        assert item["url"].endswith(f"/{record['slug']}/")
        assert item["hints"]["authors"] == record["authors"]
        assert utc_day(item["hints"]["published"]) == utc_day(record["published"])
        assert item["body_selector"] == ".entry-content"
    listing_pages = [r.path for r in site_server.requested("/page/")]
    assert listing_pages == ["/page/2/", "/page/3/"]


def test_second_run_requests_no_post_again(tmp_path, site_server):
    site_server.pages.update(wordpress_site(make_articles(12, first_id=500), site_server.base_url))
    crawl(tmp_path, site_server, "run1")
    site_server.clear_log()
    second = crawl(tmp_path, site_server, "run2")
    assert second.items == [] and second.failures == []
    assert site_server.requested("/2024/") == []
    assert site_server.requested("/page/") == []  # first listing page was all known: stop
    assert second.stats["newsmon/feeds_not_modified"] == 1


def test_since_backfill_uses_the_rest_api_and_stops_at_the_date(tmp_path, site_server):
    articles = make_articles(80, first_id=500, step_hours=24)
    site_server.pages.update(wordpress_site(articles, site_server.base_url))
    sources = wp_source(tmp_path, feeds=[], sections=[])
    result = crawl(tmp_path, site_server, "backfill", sources=sources, since="2024-02-01")
    expected = {a["title"] for a in articles if utc_day(a["published"]) >= "2024-02-01"}
    assert {i["hints"]["title"] for i in result.items} == expected
    assert len(result.items) == len(expected)
    rest = site_server.requested("/wp-json/wp/v2/posts")
    assert rest and all("after=2024-02-01" in r.path for r in rest)


def test_no_rest_api_falls_back_to_listing_pages(tmp_path, site_server):
    articles = make_articles(15, first_id=500)
    site_server.pages.update(wordpress_site(articles, site_server.base_url))
    site_server.pages["/wp-json/wp/v2/posts"] = Page(b"{}", 404)
    result = crawl(tmp_path, site_server, "backfill", sources=wp_source(tmp_path, feeds=[]),
                   since="2023-01-01")
    assert len(result.items) == 15
    assert [f["stage"] for f in result.failures] == ["listing"]
    assert result.failures[0]["reason"] == "HTTP 404"


def test_shortlink_redirects_to_the_permalink_and_is_one_article(tmp_path, site_server):
    articles = make_articles(3, first_id=500)
    site = wordpress_site(articles, site_server.base_url)
    site_server.pages.update(site)
    links = "".join(f"<item><title>t</title><link>{site_server.base_url}/?p={a['id']}</link>"
                    "</item>" for a in articles)
    site_server.pages["/feed/"] = xml(f"<rss version='2.0'><channel>{links}</channel></rss>")
    result = crawl(tmp_path, site_server, "run", sources=wp_source(tmp_path, sections=[]))
    assert sorted(result.urls) == sorted(
        site_server.base_url + p for p in site if p.startswith("/2024/"))
    assert all(item["fetched_url"] == item["url"] for item in result.items)
