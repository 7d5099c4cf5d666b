"""The project's bureau-kz entry against a site shaped like bureau.kz's WordPress: category
permalinks, an /en/ edition, short links, no REST API, a custom theme, dd.mm.yyyy dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from extraction.dates import to_utc_iso
from newsmon.demo.sitegen import bureau_site
from newsmon.demo.siteserver import SiteServer, xml
from sites.sources import DEFAULT_SOURCES, get_source, load_sources
from store import connect
from store.discovered import discovered
from tests.support.crawl import crawl
from tests.support.sites import make_articles

pytestmark = pytest.mark.crawl

ENGLISH = ("The court in Almaty heard the case of the detained activist on {n} May. "
           "Lawyers for the defence said the police had no warrant and asked for release. ")


def english(count: int, first_id: int) -> list[dict]:
    records = make_articles(count, first_id=first_id, lang="en", sections=("Legislation",))
    for record in records:
        n = record["id"]
        record["title"] = f"Monitoring report {n}"
        record["paragraphs"] = [ENGLISH.format(n=n) * 3, f"Second paragraph of report {n}. " * 6]
    return records


@pytest.fixture
def bureau():
    russian = make_articles(25, first_id=61000, sections=("Новости", "Мониторинг судов"))
    english_ = english(12, first_id=53000)
    removed = {**russian[0], "id": 60000, "slug": "snyato", "title": "Снятая публикация"}
    with SiteServer() as server:
        site = bureau_site(russian + english_, server.base_url, takedown=removed)
        server.pages.update(site)
        yield server, site, russian, english_, removed


def project_source(base_url: str):
    return get_source(load_sources(DEFAULT_SOURCES), "bureau-kz").with_base_url(base_url)


def local_day(record: dict) -> str:
    return record["published"][:10]  # the day the site prints (dd.mm.yyyy, its own time)


def test_every_post_once_by_permalink_with_language_and_day(db_path: Path, bureau) -> None:
    server, site, russian, english_, removed = bureau
    result = crawl(project_source(server.base_url), db_path)
    assert result.errors == []
    items = result.new_items()
    by_title = {i["title"]: i for i in items}
    assert len(items) == len(by_title) == len(russian) + len(english_)
    for record in russian + english_:
        item = by_title[record["title"]]
        path = item["url"].removeprefix(server.base_url)
        if record["lang"] == "en":
            assert path == f"/en/analysis/legislation/{record['slug']}"
        else:
            assert path.startswith("/publ-all/") and path.endswith(f"/{record['slug']}/")
        assert item["lang"] == record["lang"]
        # the feed's exact time where the feed lists the post, else the day the site prints
        assert item["published"] in (to_utc_iso(record["published"]),
                                     f"{local_day(record)}T00:00:00Z")
        assert "Читайте также" not in item["text"] and "See also" not in item["text"]
    assert not any("snyato" in i["url"] for i in items)
    assert not server.requested("/wp-json")  # no REST API is assumed


def test_category_archives_are_never_fetched_as_articles(db_path: Path, bureau) -> None:
    server, site, *_ = bureau
    crawl(project_source(server.base_url), db_path)
    archives = {p for p in site if p.startswith(("/publ-all/", "/en/analysis/"))
                and p.count("/") <= 3}  # /publ-all/<cat>/ and /en/analysis/ themselves
    assert archives and not archives & {r.path for r in server.requests}


def test_a_takedown_redirecting_to_its_category_is_recorded(db_path: Path, bureau) -> None:
    server, _, _, _, removed = bureau
    server.pages["/feed/"] = xml(
        "<rss version='2.0'><channel><item><title>x</title>"
        f"<link>{server.base_url}/publ-all/novosti/snyato/</link></item></channel></rss>")
    result = crawl(project_source(server.base_url), db_path)
    assert [(e["url"].removeprefix(server.base_url), e["stage"]) for e in result.errors] == [
        ("/publ-all/novosti/snyato/", "fetch")]
    assert "section page" in result.errors[0]["reason"]
    assert result.items("title = ?", (removed["title"],)) == []


def test_second_run_fetches_nothing_and_short_links_are_known(db_path: Path, bureau) -> None:
    server, _, russian, english_, _ = bureau
    source = project_source(server.base_url)
    crawl(source, db_path)
    shortlinks = [f"/en/?post_type=post&p={english_[0]['id']}", f"/?p={russian[1]['id']}",
                  f"/?p={russian[2]['id']}&post_type=post"]
    server.pages["/feed/"] = xml("<rss version='2.0'><channel>" + "".join(
        f"<item><title>t</title><link>{server.base_url}{s}</link></item>" for s in shortlinks)
        + "</channel></rss>")
    server.clear_log()
    second = crawl(source, db_path)
    assert second.new_items() == [] and second.errors == []
    articles = [r.path for r in server.requests if "p=" in r.path or r.path.count("/") > 3]
    assert articles == []  # neither the posts nor their short links are fetched again


@pytest.mark.parametrize("short_first", [True, False])
def test_a_short_link_and_its_permalink_are_one_post_without_a_canonical_link(
        db_path: Path, short_first: bool) -> None:
    posts = english(3, first_id=53000)
    with SiteServer() as server:
        server.pages.update(bureau_site(posts, server.base_url, canonical=False))
        post = posts[0]
        links = [f"/en/?post_type=post&p={post['id']}", f"/en/analysis/legislation/{post['slug']}"]
        server.pages["/en/feed/"] = xml("<rss version='2.0'><channel>" + "".join(
            f"<item><title>t</title><link>{server.base_url}{link}</link></item>"
            for link in (links if short_first else links[::-1])) + "</channel></rss>")
        source = project_source(server.base_url)
        first = crawl(source, db_path)
        assert [i["title"] for i in first.new_items()].count(post["title"]) == 1
        server.clear_log()
        second = crawl(source, db_path)
    assert second.new_items() == [] and second.errors == []
    assert [r.path for r in server.requests if "p=" in r.path or "/analysis/" in r.path] == []


def test_since_walks_the_listings_back_to_the_date_and_stops(db_path: Path, bureau) -> None:
    server, _, russian, english_, _ = bureau
    since = date.fromisoformat(local_day(russian[14])) + timedelta(days=1)
    result = crawl(project_source(server.base_url), db_path, since=since)
    stored = {i["title"] for i in result.new_items()}
    wanted = {r["title"] for r in russian + english_ if local_day(r) >= since.isoformat()}
    assert wanted <= stored
    pages = {r.path for r in server.requests if "/page/" in r.path}
    assert "/page/2/" in pages and "/page/3/" not in pages  # page 2 shows older posts: stop


def test_without_a_feed_discovery_finds_the_sitemap_in_robots(db_path: Path) -> None:
    russian = make_articles(8, first_id=61000, sections=("Новости",))
    with SiteServer() as server:
        server.pages.update(bureau_site(russian, server.base_url, feed=False))
        result = crawl(project_source(server.base_url), db_path)
        assert len(result.new_items()) == 8 and result.errors == []
        db = connect(db_path)
        found = [(r["kind"], r["path"], r["how"]) for r in discovered(db, "bureau-kz")
                 if r["kind"] == "sitemap" or r["verified"]]
        db.close()
        assert found == [("sitemap", "/wp-sitemap.xml", "robots")]  # the head's feeds: 404
        server.clear_log()
        crawl(project_source(server.base_url), db_path)
        assert server.requested("/feed/") == []  # looked for feeds today already
