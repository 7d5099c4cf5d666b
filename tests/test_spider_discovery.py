"""Discovery: a source whose named feed moved, and a source naming only its base_url, find
their articles; what was found is remembered in the database, never in the sources file."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.demo.sitegen import wordpress_site
from newsmon.demo.siteserver import Page, SiteServer, html
from newsmon.jobs.sources import source_health
from store import connect
from store.discovered import discovered
from tests.support.crawl import crawl, make_source
from tests.support.sites import make_articles

pytestmark = pytest.mark.crawl

GONE = {"404": Page(b"Not found", 404), "410": Page(b"Gone", 410),
        "html": html("<html><body><h1>Our new site</h1></body></html>")}


@pytest.mark.parametrize("how", sorted(GONE))
def test_a_moved_feed_is_replaced_by_the_one_the_site_names(db_path: Path, how: str) -> None:
    articles = make_articles(8, first_id=500)
    with SiteServer() as server:
        server.pages.update(wordpress_site(articles, server.base_url, title="Vlast"))
        server.pages["/rss"] = GONE[how]  # the configured feed is gone
        source = make_source(name="vlast-kz", adapter="feed", base_url=server.base_url,
                             feeds=["/rss"])
        first = crawl(source, db_path)
        assert {i["title"] for i in first.new_items()} == {a["title"] for a in articles}
        assert [e["url"].removeprefix(server.base_url) for e in first.errors] == ["/rss"]
        db = connect(db_path)
        notes = source_health(db, [source])[0]["notes"]
        db.close()
        assert notes == [f"feed moved: now {server.base_url}/feed/ (was /rss)"]
        server.clear_log()
        second = crawl(source, db_path)
        assert second.errors == [] and second.new_items() == []
        assert server.requested("/rss") == [] and server.requested("/robots.txt")
        (feed,) = server.requested("/feed/")
        assert "If-None-Match" in feed.headers  # the found feed, read conditionally
        assert server.requested("/comments/feed/") == []


def test_a_source_with_only_a_base_url_finds_its_feed(db_path: Path) -> None:
    articles = make_articles(12, first_id=700)
    with SiteServer() as server:
        server.pages.update(wordpress_site(articles, server.base_url, page_size=20,
                                           feed_size=5))
        source = make_source(name="somewhere", adapter="wordpress", base_url=server.base_url)
        first = crawl(source, db_path)
        assert len(first.new_items()) == 12 and first.errors == []  # feed + home listing
        db = connect(db_path)
        rows = [(r["kind"], r["path"], r["how"], r["verified"])
                for r in discovered(db, source.name) if r["kind"] == "feed"]
        notes = source_health(db, [source])[0]["notes"]
        db.close()
        assert rows == [("feed", "/feed/", "link", 1)]  # not the comments feed it also names
        assert notes == [f"feeds found by discovery: {server.base_url}/feed/"]


def test_a_site_naming_no_feed_costs_no_recorded_failure(db_path: Path) -> None:
    with SiteServer() as server:
        server.pages["/"] = html("<html><head><title>t</title></head><body>"
                                 "<p>No feed here.</p></body></html>")
        source = make_source(name="bare", adapter="feed", base_url=server.base_url)
        result = crawl(source, db_path)
    assert result.errors == [] and result.new_items() == []
    assert {"/", "/robots.txt"} <= {r.path for r in server.requests}
