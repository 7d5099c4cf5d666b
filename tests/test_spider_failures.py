"""Every URL that cannot become an item is recorded in crawl_errors with a stage and a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import Page, SiteServer, html, xml
from tests.support.crawl import crawl, make_source
from tests.support.db import rows
from tests.support.sites import make_articles

pytestmark = pytest.mark.crawl


def test_broken_feeds_and_pages_each_produce_a_recorded_failure(db_path: Path) -> None:
    articles = make_articles(4)
    with SiteServer() as server:
        site = pangea_site(articles, server.base_url)
        server.pages.update(site)
        good = [f"/a/{a['slug']}/{a['id']}.html" for a in articles]
        server.pages.update({
            "/api/html": html("<html><body>Not a feed</body></html>"),
            "/api/404": Page(b"gone", 404),
            "/api/500": Page(b"oops", 500),
            "/api/slow": Page(b"<rss/>", 200, delay=2),
            "/api/pages": xml("<rss version='2.0'><channel>" + "".join(
                f"<item><link>{server.base_url}{p}</link></item>" for p in [
                    "/a/missing/9001.html", "/a/crash/9002.html", "/a/pdf/9003.html"])
                + "</channel></rss>"),
            "/a/crash/9002.html": Page(b"boom", 500),
            "/a/pdf/9003.html": Page(b"%PDF-1.4", 200, {"Content-Type": "application/pdf"}),
        })
        source = make_source(name="broken", adapter="pangea", base_url=server.base_url,
                             feeds=["/api/html", "/api/404", "/api/500", "/api/slow",
                                    "/api/pages", site.feeds[0]])
        result = crawl(source, db_path, settings={"DOWNLOAD_TIMEOUT": 1})
    failures = {e["url"].removeprefix(server.base_url): (e["stage"], e["reason"])
                for e in result.errors}
    assert failures["/api/html"][0] == "feed"
    assert failures["/api/html"][1].startswith("not an RSS or Atom feed")
    assert failures["/api/404"] == ("feed", "HTTP 404")
    assert failures["/api/500"] == ("feed", "HTTP 500")
    assert failures["/api/slow"] == ("feed", "timeout after 1s")
    assert failures["/a/missing/9001.html"] == ("fetch", "HTTP 404")
    assert failures["/a/crash/9002.html"] == ("fetch", "HTTP 500")
    assert failures["/a/pdf/9003.html"][0] == "fetch"
    assert "not an HTML page (application/pdf)" in failures["/a/pdf/9003.html"][1]
    stored = sorted(i["url"] for i in result.items())
    assert stored == sorted(server.base_url + p for p in good)  # the rest still ran
    found, new, failed, failures_json = rows(
        db_path, "SELECT found, new, failed, failures_json FROM source_runs")[0]
    assert (found, new, failed) == (7, 4, 7)
    assert json.loads(failures_json)["feed: HTTP 404"] == 1
    # the feed whose articles failed keeps no validators: the next run reads it in full; the
    # gone (404) and no-longer-a-feed ones are replaced by the feed the site's pages name
    saved = {url.removeprefix(server.base_url) for (url,) in rows(db_path,
                                                                  "SELECT url FROM feed_state")}
    assert saved == {site.feeds[0], "/api/"}
    replaced = rows(db_path, "SELECT path, replaces FROM discovered_feeds WHERE replaces != ''")
    assert replaced == [("/api/", "/api/404 /api/html")]


def test_unresolvable_host_is_a_dns_failure(db_path: Path) -> None:
    source = make_source(name="nowhere", adapter="feed", base_url="http://newsmon-test.invalid",
                         feeds=["/rss"])
    result = crawl(source, db_path)
    assert [(e["stage"], e["reason"]) for e in result.errors] == [
        ("feed", "DNS lookup failed for newsmon-test.invalid")]
