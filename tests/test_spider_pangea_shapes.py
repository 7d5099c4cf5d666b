"""The project's own Azattyq entries against sites shaped like the real Pangea services:
top stories only in `/api/`, zone feeds on `/rssfeeds`, the news lane with "load more",
related blocks, a takedown. Crawled in-process (`tests.support.crawl`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer
from sites.sources import DEFAULT_SOURCES, get_source, load_sources
from store import connect
from store.discovered import discovered
from tests.support.crawl import crawl
from tests.support.sites import make_articles, utc_day

pytestmark = pytest.mark.crawl

SECTIONS = ("Новости", "Экономика", "Мир")


def project_source(name: str, base_url: str):
    """The sources.toml entry, pointed at the fixture site (as the hidden checks do)."""
    return get_source(load_sources(DEFAULT_SOURCES), name).with_base_url(base_url)


def number(url: str) -> int:
    return int(url.rsplit("/", 1)[1].removesuffix(".html"))


@pytest.fixture
def azattyq():
    """45 articles over three sections; "Новости" is the news lane /z/360; one takedown."""
    articles = make_articles(45, sections=SECTIONS)
    removed = {**articles[0], "id": 33999999, "slug": "removed", "title": "Снятая статья"}
    with SiteServer() as server:
        site = pangea_site(articles, server.base_url, feed_size=10, page_size=8,
                           title="Радио Азаттык", takedown=removed,
                           zones={"Новости": (360, "news lane")})
        server.pages.update(site)
        yield server, site, articles, removed


def test_discovery_feeds_and_the_news_lane_store_each_article_once(db_path: Path,
                                                                   azattyq) -> None:
    server, site, articles, removed = azattyq
    result = crawl(project_source("azattyq-ru", server.base_url), db_path)
    items = result.new_items()
    ids = [number(i["url"]) for i in items]
    assert len(ids) == len(set(ids))
    lane = [a for a in articles if a["section"] == "Новости"][:24]  # 3 pages of 8 per run
    in_zone_feeds = {a["id"] for name in SECTIONS
                     for a in [r for r in articles if r["section"] == name][:10]}
    assert set(ids) == {a["id"] for a in lane} | in_zone_feeds | {a["id"] for a in articles[:10]}
    by_id = {a["id"]: a for a in articles}
    for item in items:
        record = by_id[number(item["url"])]
        assert item["url"] == f"{server.base_url}/a/{record['slug']}/{record['id']}.html"
        assert (item["title"], item["lang"]) == (record["title"], "ru")
        assert utc_day(item["published"]) == utc_day(record["published"])
        assert record["paragraphs"][1][:40] in item["text"]
        assert "Заголовок" not in item["text"]  # the related blocks name other articles
    assert removed["id"] not in ids
    assert [(e["url"].removeprefix(server.base_url), e["stage"]) for e in result.errors] == [
        (f"/a/removed/{removed['id']}.html", "fetch")]
    assert "taken down" in result.errors[0]["reason"]


def test_discovered_feeds_are_remembered_and_read_conditionally(db_path: Path,
                                                                azattyq) -> None:
    server, site, _, _ = azattyq
    source = project_source("azattyq-ru", server.base_url)
    crawl(source, db_path)
    db = connect(db_path)
    found = {(r["kind"], r["path"], r["how"]) for r in discovered(db, source.name)
             if r["verified"] or r["kind"] == "sitemap"}
    db.close()
    zone_feeds = {p for p in site if p.startswith("/api/z")}
    assert found == {("feed", "/api/", "link"), ("sitemap", "/sitemap.xml", "link sitemap")} \
        | {("feed", p, "feed list") for p in zone_feeds}
    server.clear_log()
    second = crawl(source, db_path)
    assert second.new_items() == [] and server.requested("/a/") == []
    assert server.requested("/rssfeeds") == []  # no discovery once feeds are known
    feeds = [r for r in server.requests if r.path.startswith("/api/")]
    assert {r.path for r in feeds} == zone_feeds | {"/api/"}
    assert all("If-None-Match" in r.headers for r in feeds)
    assert second.stat("newsmon/feeds_not_modified") == len(feeds)


def test_since_reads_the_sitemap_and_the_lane_back_to_the_date(db_path: Path, azattyq) -> None:
    server, _, articles, removed = azattyq
    since = date(2024, 2, 20)
    result = crawl(project_source("azattyq-ru", server.base_url), db_path, since=since)
    stored = {number(i["url"]) for i in result.new_items()}
    wanted = {a["id"] for a in articles if utc_day(a["published"]) >= since.isoformat()}
    assert wanted <= stored and removed["id"] not in stored
    older = {a["id"] for a in articles if utc_day(a["published"]) < since.isoformat()}
    in_feeds = {a["id"] for a in articles[:10]} | {
        a["id"] for name in SECTIONS for a in [r for r in articles if r["section"] == name][:10]}
    fetched = {number(r.path) for r in server.requested("/a/")}
    assert (older & fetched) - in_feeds == set()  # older ones only where a feed lists them


def test_kazakh_service_grid_listing_and_month_names(db_path: Path) -> None:
    articles = make_articles(12, lang="kk", sections=("Жаңалықтар",))
    for record in articles:
        record["paragraphs"] = [f"Азаттық тілшісі хабарлады: оқиға {record['id']} туралы "
                                "мәлімет жарияланды. " * 4] * 2
    with SiteServer() as server:
        server.pages.update(pangea_site(articles, server.base_url, feed_size=3, page_size=5,
                                        title="Азаттық радиосы",
                                        zones={"Жаңалықтар": (330, "section")}))
        result = crawl(project_source("azattyq-kk", server.base_url), db_path)
    items = result.new_items()
    assert {number(i["url"]) for i in items} == {a["id"] for a in articles}  # 3 pages of 5
    assert {i["lang"] for i in items} == {"kk"} and result.errors == []
    assert json.loads(items[0]["authors"])
