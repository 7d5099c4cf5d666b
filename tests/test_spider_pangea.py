"""The real news spider against a Pangea-shaped SiteServer on 127.0.0.1 (crawls in a subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sitegen import pangea_site
from crawler.siteserver import SiteServer
from tests.sites import make_articles, run_crawl, sources_toml, utc_day

REAL_BASE = "https://rus.azattyq.org"


@pytest.fixture
def site_server():
    with SiteServer() as server:
        yield server


def pangea_source(tmp_path: Path, site, **keys) -> Path:
    entry = {"name": "azattyq-ru", "title": "Азаттык", "adapter": "pangea",
             "base_url": REAL_BASE, "languages": ["ru"], "country": "KZ",
             "feeds": site.feeds, "sections": site.sections[:1], "listing_pages": 5, **keys}
    return sources_toml(tmp_path / "sources.toml", [entry])


def crawl(tmp_path: Path, sources: Path, server: SiteServer, run: str, **kw):
    return run_crawl(sources, "azattyq-ru", tmp_path / "newsmon.db", tmp_path / run,
                     base_url=server.base_url, **kw)


def test_first_run_finds_every_article_once_with_hints(tmp_path, site_server):
    articles = make_articles(30)
    site = pangea_site(articles, site_server.base_url, feed_size=10, page_size=8)
    site_server.pages.update(site)
    result = crawl(tmp_path, pangea_source(tmp_path, site), site_server, "run1")
    assert result.returncode == 0, result.log[-2000:]
    assert result.failures == []
    by_url = {item["url"]: item for item in result.items}
    assert len(by_url) == len(result.items)  # no article twice
    in_feed_or_section = {a["id"] for a in articles[:10]} | {
        a["id"] for a in articles if a["section"] == "kazakhstan"}
    assert {int(u.rsplit("/", 1)[1][:-5]) for u in by_url} == in_feed_or_section
    for record in articles:
        url = f"{site_server.base_url}/a/{record['slug']}/{record['id']}.html"
        if record["id"] not in in_feed_or_section:
            continue
        item = by_url[url]
        assert item["hints"]["title"] == record["title"]
        assert item["hints"]["authors"] == record["authors"]
        assert utc_day(item["hints"]["published"]) == utc_day(record["published"])
        assert item["body_selector"] == "#article-content .wsw"
        assert item["adapter"] == "pangea" and item["country"] == "KZ" and item["status"] == 200
    assert site_server.requested("/robots.txt")
    assert not site_server.requested("/sitemap")  # no archive walk without --since


def test_second_run_fetches_no_article_and_gets_304_for_feeds(tmp_path, site_server):
    site = pangea_site(make_articles(12), site_server.base_url)
    site_server.pages.update(site)
    sources = pangea_source(tmp_path, site)
    assert len(crawl(tmp_path, sources, site_server, "run1").items) == 12
    site_server.clear_log()
    second = crawl(tmp_path, sources, site_server, "run2")
    assert second.returncode == 0 and second.items == [] and second.failures == []
    assert site_server.requested("/a/") == []
    feed = site_server.requested(site.feeds[0])
    assert feed and "If-None-Match" in feed[0].headers
    assert second.stats["newsmon/feeds_not_modified"] >= 1
    assert second.stats["downloader/response_status_count/304"] >= 1


def test_new_article_between_runs_is_picked_up(tmp_path, site_server):
    articles = make_articles(12)
    site_server.pages.update(pangea_site(articles, site_server.base_url))
    sources = pangea_source(tmp_path, pangea_site(articles, site_server.base_url))
    crawl(tmp_path, sources, site_server, "run1")
    fresh = {**articles[0], "id": 44000001, "slug": "breaking", "title": "Новая статья",
             "published": "2024-04-02T10:00:00+05:00"}
    site_server.pages.update(pangea_site([fresh, *articles], site_server.base_url))
    site_server.clear_log()
    second = crawl(tmp_path, sources, site_server, "run2")
    assert [item["url"] for item in second.items] == [
        f"{site_server.base_url}/a/breaking/44000001.html"]
    assert [r.path for r in site_server.requested("/a/")] == ["/a/breaking/44000001.html"]


def test_since_backfill_walks_the_sitemap_back_to_the_date_only(tmp_path, site_server):
    articles = make_articles(60, step_hours=24)  # 60 days back from 2024-03-31
    site_server.pages.update(pangea_site(articles, site_server.base_url))
    sources = pangea_source(tmp_path, pangea_site(articles, site_server.base_url), feeds=[],
                            sections=[])
    result = crawl(tmp_path, sources, site_server, "backfill", since="2024-03-01")
    expected = {a["id"] for a in articles if utc_day(a["published"]) >= "2024-03-01"}
    got = {int(u.rsplit("/", 1)[1][:-5]) for u in result.urls}
    assert got == expected and len(result.items) == len(expected)
    requested_ids = {int(r.path.rsplit("/", 1)[1][:-5]) for r in site_server.requested("/a/")}
    assert requested_ids == expected  # nothing older than the date was fetched
    site_server.clear_log()
    again = crawl(tmp_path, sources, site_server, "resume", since="2024-02-15")
    assert all(utc_day(i["hints"]["published"]) < "2024-03-01" for i in again.items)
    assert len(again.items) == len({a["id"] for a in articles
                                    if "2024-02-15" <= utc_day(a["published"]) < "2024-03-01"})


def test_listing_pagination_stops_at_a_page_of_known_articles(tmp_path, site_server):
    articles = make_articles(40, sections=("kazakhstan",))
    site = pangea_site(articles, site_server.base_url, page_size=5, feed_size=3)
    site_server.pages.update(site)
    sources = pangea_source(tmp_path, site, listing_pages=3)
    first = crawl(tmp_path, sources, site_server, "run1")
    assert len(first.items) == 15  # 3 listing pages of 5 (the feed's 3 are among them)
    site_server.clear_log()
    crawl(tmp_path, sources, site_server, "run2")
    assert [r.path for r in site_server.requested("/z/")] == [site.sections[0]]


def test_source_pointed_at_another_host_never_leaves_it(tmp_path, site_server):
    articles = make_articles(6)
    with SiteServer() as elsewhere:
        elsewhere.pages.update(pangea_site(articles, elsewhere.base_url))
        site = pangea_site(articles, site_server.base_url)
        site_server.pages.update(site)
        offsite = f"{elsewhere.base_url}/a/story-number-1/{articles[-1]['id']}.html"
        moved = f"/a/moved/{articles[0]['id'] + 100}.html"
        site_server.pages[site.feeds[0]] = pangea_site(articles, elsewhere.base_url)[
            site.feeds[0]]  # a feed whose links all point at the other host
        site_server.pages["/api/extra"] = _feed_with(site_server.base_url + moved)
        site_server.pages[moved] = _redirect(offsite)
        sources = pangea_source(tmp_path, site, feeds=[site.feeds[0], "/api/extra"])
        result = crawl(tmp_path, sources, site_server, "run")
        assert elsewhere.requests == []
    assert all(url.startswith(site_server.base_url) for url in result.urls)
    redirect_failure = [f for f in result.failures if "offsite" in f["reason"]]
    assert redirect_failure and redirect_failure[0]["url"] == site_server.base_url + moved
    assert redirect_failure[0]["stage"] == "fetch"


def _feed_with(link: str):
    from crawler.siteserver import xml
    return xml(f"<rss version='2.0'><channel><item><title>x</title><link>{link}</link></item>"
               "</channel></rss>")


def _redirect(location: str):
    from crawler.siteserver import redirect
    return redirect(location, 302)
