"""Every URL that cannot become an item is reported with fetch_failed, a stage and a reason."""

from __future__ import annotations

import sqlite3

from crawler.sitegen import pangea_site
from crawler.siteserver import Page, SiteServer, html, xml
from tests.sites import make_articles, run_crawl, sources_toml


def test_broken_feeds_and_pages_each_produce_a_fetch_failed(tmp_path):
    articles = make_articles(4)
    with SiteServer() as server:
        site = pangea_site(articles, server.base_url)
        server.pages.update(site)
        good = [f"/a/{a['slug']}/{a['id']}.html" for a in articles]
        server.pages.update({
            "/api/html": html("<html><body>Not a feed</body></html>"),
            "/api/404": Page(b"gone", 404),
            "/api/500": Page(b"oops", 500),
            "/api/slow": Page(b"<rss/>", 200, delay=4),
            "/api/pages": xml("<rss version='2.0'><channel>" + "".join(
                f"<item><link>{server.base_url}{p}</link></item>" for p in [
                    "/a/missing/9001.html", "/a/crash/9002.html", "/a/pdf/9003.html"])
                + "</channel></rss>"),
            "/a/crash/9002.html": Page(b"boom", 500),
            "/a/pdf/9003.html": Page(b"%PDF-1.4", 200, {"Content-Type": "application/pdf"}),
        })
        sources = sources_toml(tmp_path / "sources.toml", [{
            "name": "broken", "title": "Broken", "adapter": "pangea",
            "base_url": "https://rus.azattyq.org", "languages": ["ru"],
            "feeds": ["/api/html", "/api/404", "/api/500", "/api/slow", "/api/pages",
                      site.feeds[0]]}])
        result = run_crawl(sources, "broken", tmp_path / "db.sqlite", tmp_path / "out",
                           base_url=server.base_url, DOWNLOAD_TIMEOUT=1)
    failures = {f["url"].removeprefix(server.base_url): (f["stage"], f["reason"])
                for f in result.failures}
    assert failures["/api/html"][0] == "feed"
    assert failures["/api/html"][1].startswith(("not XML", "not a feed: root element <html>"))
    assert failures["/api/404"] == ("feed", "HTTP 404")
    assert failures["/api/500"] == ("feed", "HTTP 500")
    assert failures["/api/slow"] == ("feed", "timeout after 1s")
    assert failures["/a/missing/9001.html"] == ("fetch", "HTTP 404")
    assert failures["/a/crash/9002.html"] == ("fetch", "HTTP 500")
    assert failures["/a/pdf/9003.html"][0] == "fetch"
    assert "not an HTML page (application/pdf)" in failures["/a/pdf/9003.html"][1]
    assert sorted(result.urls) == sorted(server.base_url + p for p in good)  # the rest still ran
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        row = db.execute("SELECT feeds_fetched, found, new, failed, failures_json "
                         "FROM source_runs").fetchone()
    assert row[1:4] == (7, 4, 7) and row[0] >= 2 and '"feed: HTTP 404": 1' in row[4]
    with sqlite3.connect(tmp_path / "db.sqlite") as db:  # the feed with failed articles is retried
        saved = {r[0].removeprefix(server.base_url)
                 for r in db.execute("SELECT url FROM feed_state")}
    assert saved == {site.feeds[0]}


def test_unresolvable_host_is_a_dns_failure(tmp_path):
    sources = sources_toml(tmp_path / "sources.toml", [{
        "name": "nowhere", "title": "Nowhere", "adapter": "feed",
        "base_url": "http://newsmon-test.invalid", "languages": ["ru"], "feeds": ["/rss"]}])
    result = run_crawl(sources, "nowhere", tmp_path / "db.sqlite", tmp_path / "out")
    assert [(f["stage"], f["reason"]) for f in result.failures] == [
        ("feed", "DNS lookup failed for newsmon-test.invalid")]
