"""The news spider against a WordPress-shaped SiteServer: feed, /page/N/, REST backfill, ?p=ID."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsmon.demo.sitegen import wordpress_site
from newsmon.demo.siteserver import Page, SiteServer, xml
from tests.support.crawl import crawl, make_source
from tests.support.sites import make_articles, utc_day

pytestmark = pytest.mark.crawl


@pytest.fixture
def site_server():
    with SiteServer() as server:
        yield server


def wp(server: SiteServer, **keys):
    return make_source(name="bureau-kz", adapter="wordpress", base_url=server.base_url,
                       listing_pages=3, **keys)


def test_feed_and_listings_find_each_post_once_by_permalink(db_path: Path, site_server) -> None:
    articles = make_articles(25, first_id=500)
    site_server.pages.update(wordpress_site(articles, site_server.base_url))
    result = crawl(wp(site_server), db_path)
    assert result.errors == []
    items = result.new_items()
    assert len(items) == 25 == len({i["url"] for i in items})
    by_title = {item["title"]: item for item in items}
    for record in articles:
        item = by_title[record["title"]]
        assert item["url"].startswith(site_server.base_url + "/2024/")
        assert item["url"].endswith(f"/{record['slug']}/")
        assert json.loads(item["authors"]) == record["authors"]
        assert utc_day(item["published"]) == utc_day(record["published"])
    listing_pages = [r.path for r in site_server.requested("/page/")]
    assert listing_pages == ["/page/2/", "/page/3/"]


def test_second_run_requests_no_post_again(db_path: Path, site_server) -> None:
    site_server.pages.update(wordpress_site(make_articles(12, first_id=500), site_server.base_url))
    crawl(wp(site_server), db_path)
    site_server.clear_log()
    second = crawl(wp(site_server), db_path)
    assert second.new_items() == [] and second.errors == []
    assert site_server.requested("/2024/") == []
    assert site_server.requested("/page/") == []  # first listing page was all known: stop
    assert second.stat("newsmon/feeds_not_modified") == 1


def test_since_backfill_uses_the_rest_api_and_stops_at_the_date(db_path: Path,
                                                                site_server) -> None:
    articles = make_articles(80, first_id=500, step_hours=24)
    site_server.pages.update(wordpress_site(articles, site_server.base_url))
    result = crawl(wp(site_server, feeds=[], sections=[]), db_path, since=date(2024, 2, 1))
    expected = {a["title"] for a in articles if utc_day(a["published"]) >= "2024-02-01"}
    titles = [i["title"] for i in result.new_items()]
    assert set(titles) == expected and len(titles) == len(expected)
    rest = site_server.requested("/wp-json/wp/v2/posts")
    assert rest and all("after=2024-02-01" in r.path for r in rest)


def test_no_rest_api_falls_back_to_listing_pages(db_path: Path, site_server) -> None:
    articles = make_articles(15, first_id=500)
    site_server.pages.update(wordpress_site(articles, site_server.base_url))
    site_server.pages["/wp-json/wp/v2/posts"] = Page(b"{}", 404)
    result = crawl(wp(site_server, feeds=[]), db_path, since=date(2023, 1, 1))
    assert len(result.new_items()) == 15
    assert [(e["stage"], e["reason"]) for e in result.errors] == [("listing", "HTTP 404")]


def test_shortlink_redirects_to_the_permalink_and_is_one_article(db_path: Path,
                                                                 site_server) -> None:
    articles = make_articles(3, first_id=500)
    site = wordpress_site(articles, site_server.base_url)
    site_server.pages.update(site)
    links = "".join(f"<item><title>t</title><link>{site_server.base_url}/?p={a['id']}</link>"
                    "</item>" for a in articles)
    site_server.pages["/feed/"] = xml(f"<rss version='2.0'><channel>{links}</channel></rss>")
    items = crawl(wp(site_server, sections=[]), db_path).new_items()
    assert sorted(i["url"] for i in items) == sorted(
        site_server.base_url + p for p in site if p.startswith("/2024/"))
    assert all(item["fetched_url"] == item["url"] for item in items)
