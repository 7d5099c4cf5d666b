"""One page -> text path: the crawl and the evidence re-check read a page identically."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.fetch import PoliteFetcher
from evidence.recheck import PageReader, read_article, recheck_item
from newsmon.demo.sitegen import pangea_site, wordpress_site
from newsmon.demo.siteserver import SiteServer
from store import connect
from tests.support.crawl import crawl, make_source
from tests.support.sites import make_articles

pytestmark = pytest.mark.crawl


@pytest.mark.parametrize("adapter", ["pangea", "wordpress"])
def test_recheck_reads_a_crawled_page_exactly_as_the_crawl_did(db_path: Path,
                                                                adapter: str) -> None:
    build = pangea_site if adapter == "pangea" else wordpress_site
    with SiteServer() as server:
        site = build(make_articles(3, first_id=900), server.base_url)
        server.pages.update(site)
        source = make_source(name=f"fixture-{adapter}", adapter=adapter,
                             base_url=server.base_url, feeds=site.feeds, sections=[])
        items = crawl(source, db_path, settings={"NEWSMON_SNAPSHOT_ALL": True}).new_items()
        assert len(items) == 3
        reader = PageReader(source.body_selector, source.proxy)
        db = connect(db_path)
        for item in items:
            fetched = PoliteFetcher(delay=0).fetch(item["url"])
            article = read_article(reader, fetched.body, fetched.headers, fetched.final_url)
            assert article is not None and article.text == item["text"]
            assert recheck_item(db, dict(item), PoliteFetcher(delay=0), reader).outcome \
                == "unchanged"
        assert db.execute("SELECT count(*) FROM snapshots WHERE version > 1").fetchone() == (0,)
        db.close()


def test_a_page_in_a_mis_declared_cyrillic_charset_is_read_once_correctly(db_path: Path) -> None:
    title = "Полицейские задержали активиста в Актобе"
    text = " ".join(f"Активиста доставили в отделение полиции, сообщил адвокат {n}."
                    for n in range(12))
    page = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<article><p>{text}</p></article></body></html>").encode("cp1251")
    from newsmon.demo.siteserver import Page, xml

    with SiteServer() as server:
        server.pages["/a.html"] = Page(page, 200, {"Content-Type": "text/html; charset=utf-8"})
        server.pages["/rss"] = xml("<rss version='2.0'><channel><item>"
                                   f"<link>{server.base_url}/a.html</link></item></channel></rss>")
        source = make_source(name="cp1251", adapter="feed", base_url=server.base_url,
                             feeds=["/rss"])
        (item,) = crawl(source, db_path).new_items()
    assert item["title"] == title  # read from the page by the spider, in the right charset
    assert text[:60] in item["text"]
