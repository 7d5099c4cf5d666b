"""The real news spider, crawling in-process, against a Pangea-shaped site on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer, redirect, xml
from tests.support.crawl import crawl, make_source
from tests.support.sites import make_articles, utc_day

pytestmark = pytest.mark.crawl


@pytest.fixture
def server():
    with SiteServer() as site_server:
        yield site_server


def pangea(server: SiteServer, site, **keys):
    entry = {"name": "azattyq-ru", "adapter": "pangea", "base_url": server.base_url,
             "feeds": site.feeds, "sections": site.sections[:1], "listing_pages": 5, **keys}
    return make_source(**entry)


def article_id(url: str) -> int:
    return int(url.rsplit("/", 1)[1].removesuffix(".html"))


def test_first_run_finds_every_article_once_with_hints(db_path: Path, server) -> None:
    articles = make_articles(30)
    site = pangea_site(articles, server.base_url, feed_size=10, page_size=8)
    server.pages.update(site)
    result = crawl(pangea(server, site), db_path)
    assert result.errors == []
    items = result.new_items()
    in_feed_or_section = {a["id"] for a in articles[:10]} | {
        a["id"] for a in articles if a["section"] == "kazakhstan"}
    assert sorted(article_id(i["url"]) for i in items) == sorted(in_feed_or_section)
    by_id = {article_id(i["url"]): i for i in items}
    for record in (a for a in articles if a["id"] in in_feed_or_section):
        item = by_id[record["id"]]
        assert item["url"] == f"{server.base_url}/a/{record['slug']}/{record['id']}.html"
        assert item["title"] == record["title"]
        assert json.loads(item["authors"]) == record["authors"]
        assert utc_day(item["published"]) == utc_day(record["published"])
        assert record["paragraphs"][0].split(".")[0] in item["text"]
    assert server.requested("/robots.txt")
    assert not server.requested("/sitemap")  # no archive walk without --since


def test_second_run_fetches_no_article_and_gets_304_for_feeds(db_path: Path, server) -> None:
    site = pangea_site(make_articles(12), server.base_url)
    server.pages.update(site)
    source = pangea(server, site)
    assert len(crawl(source, db_path).new_items()) == 12
    server.clear_log()
    second = crawl(source, db_path)
    assert second.new_items() == [] and second.errors == []
    assert server.requested("/a/") == []
    feed = server.requested(site.feeds[0])
    assert feed and "If-None-Match" in feed[0].headers
    assert second.stat("newsmon/feeds_not_modified") >= 1


def test_new_article_between_runs_is_picked_up(db_path: Path, server) -> None:
    articles = make_articles(12)
    site = pangea_site(articles, server.base_url)
    server.pages.update(site)
    source = pangea(server, site)
    crawl(source, db_path)
    fresh = {**articles[0], "id": 44000001, "slug": "breaking", "title": "Новая статья",
             "published": "2024-04-02T10:00:00+05:00"}
    server.pages.update(pangea_site([fresh, *articles], server.base_url))
    server.clear_log()
    second = crawl(source, db_path)
    assert [i["url"] for i in second.new_items()] == [
        f"{server.base_url}/a/breaking/44000001.html"]
    assert [r.path for r in server.requested("/a/")] == ["/a/breaking/44000001.html"]


def test_since_backfill_walks_the_sitemap_back_to_the_date_only(db_path: Path, server) -> None:
    articles = make_articles(60, step_hours=24)  # 60 days back from 2024-03-31
    site = pangea_site(articles, server.base_url)
    server.pages.update(site)
    source = pangea(server, site, feeds=["/api/"], sections=[])  # top stories: the newest 5
    from datetime import date

    result = crawl(source, db_path, since=date(2024, 3, 1))
    expected = {a["id"] for a in articles if utc_day(a["published"]) >= "2024-03-01"}
    assert {article_id(i["url"]) for i in result.new_items()} == expected
    requested = {article_id(r.path) for r in server.requested("/a/")}
    assert requested == expected  # nothing older than the date was fetched
    server.clear_log()
    again = crawl(source, db_path, since=date(2024, 2, 15))
    older = {a["id"] for a in articles if "2024-02-15" <= utc_day(a["published"]) < "2024-03-01"}
    assert {article_id(i["url"]) for i in again.new_items()} == older
    assert {article_id(r.path) for r in server.requested("/a/")} == older  # resumed


def test_listing_pagination_stops_at_a_page_of_known_articles(db_path: Path, server) -> None:
    articles = make_articles(40, sections=("kazakhstan",))
    site = pangea_site(articles, server.base_url, page_size=5, feed_size=3)
    server.pages.update(site)
    source = pangea(server, site, listing_pages=3)
    assert len(crawl(source, db_path).new_items()) == 15  # 3 listing pages of 5
    server.clear_log()
    crawl(source, db_path)
    assert [r.path for r in server.requested("/z/")] == [site.sections[0]]


def test_source_pointed_at_another_host_never_leaves_it(db_path: Path, server) -> None:
    articles = make_articles(6)
    with SiteServer() as elsewhere:
        elsewhere.pages.update(pangea_site(articles, elsewhere.base_url))
        site = pangea_site(articles, server.base_url)
        server.pages.update(site)
        offsite = f"{elsewhere.base_url}/a/story-number-1/{articles[-1]['id']}.html"
        moved = f"/a/moved/{articles[0]['id'] + 100}.html"
        # a feed whose links all point at the other host, and one that redirects there
        server.pages[site.feeds[0]] = pangea_site(articles, elsewhere.base_url)[site.feeds[0]]
        server.pages["/api/extra"] = xml(
            "<rss version='2.0'><channel><item><title>x</title>"
            f"<link>{server.base_url + moved}</link></item></channel></rss>")
        server.pages[moved] = redirect(offsite, 302)
        result = crawl(pangea(server, site, feeds=[site.feeds[0], "/api/extra"]), db_path)
        assert elsewhere.requests == []
    assert all(i["url"].startswith(server.base_url) for i in result.items())
    offsite_failures = [e for e in result.errors if "offsite" in e["reason"]]
    assert [(e["url"], e["stage"]) for e in offsite_failures] == [
        (server.base_url + moved, "fetch")]
