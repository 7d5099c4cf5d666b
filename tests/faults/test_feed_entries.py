"""Issue 18, finding 5: one bad entry, date or page field costs that entry at most, recorded;
a feed keeps its validators only when every entry was handled, so nothing waits behind a 304.

Shapes from the adversarial review of issue 18: `<link>http://[::1</link>` in an RSS item, a
pubDate in year 10000, JSON-LD `datePublished` as a number or a list, and
`<time datetime="0001-01-01">` (a CMS placeholder for "no date").
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest

from newsmon.demo.siteserver import Page, SiteServer, html, xml
from tests.faults.helpers import article_text, record_finding
from tests.support.crawl import crawl, make_source
from tests.support.db import rows

pytestmark = pytest.mark.crawl


def page(n: int, head: str = "") -> str:
    title = f"Статья номер {n} о задержании"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
            f"</head><body><article><h1>{title}</h1><p>{escape(article_text(n))}</p>"
            "</article></body></html>")


def jsonld(value: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(value)}</script>"


#: Article pages whose metadata is broken in the ways real CMSs break it.
HOSTILE_HEADS = {
    "ld-number": jsonld({"@type": "NewsArticle", "datePublished": 1714000000}),
    "ld-list": jsonld({"@type": "NewsArticle", "datePublished": ["2024-05-01", "2024-05-02"]}),
    "ld-object": jsonld({"@type": "NewsArticle", "datePublished": {"value": "2024"},
                         "headline": {"text": "x"}, "author": [[1], {"x": 2}, None]}),
    "ld-graph-number": jsonld({"@context": "https://schema.org", "@graph": 5}),
    "ld-nested-lists": jsonld([[{"datePublished": "2024-05-01"}], 7, "x"]),
    "ld-broken": "<script type='application/ld+json'>{\"datePublished\": </script>",
    "time-0001": "<meta property='article:published_time' content='0001-01-01T00:00:00'>",
    "time-huge": "<meta property='article:published_time' content='99999-12-31'>",
    "canonical-broken": "<link rel='canonical' href='http://[::1'>",
    "canonical-script": "<link rel='canonical' href='javascript:alert(1)'>",
}
BAD_DATES = ["Sat, 01 Jan 10000 00:00:00 GMT", "Tue, 31 Feb 2024 10:00:00 GMT",
             "0001-01-01T00:00:00Z", "-1", "9" * 40]


def feed(base: str, entries: list[tuple[str, str | None]]) -> str:
    items = "".join(
        f"<item><title>t</title><link>{escape(link)}</link>"
        + (f"<pubDate>{escape(date)}</pubDate>" if date else "") + "</item>"
        for link, date in entries)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>f</title><link>{base}/</link>{items}</channel></rss>")


def test_bad_entries_and_dates_cost_only_themselves(db_path: Path) -> None:
    with SiteServer() as server:
        base = server.base_url
        entries: list[tuple[str, str | None]] = []
        for n, (name, head) in enumerate(HOSTILE_HEADS.items()):
            server.pages[f"/news/{name}.html"] = html(page(n, head))
            entries.append((f"{base}/news/{name}.html", None))
        for n, date in enumerate(BAD_DATES, start=100):
            server.pages[f"/news/date-{n}.html"] = html(page(n))
            entries.append((f"{base}/news/date-{n}.html", date))
        entries.insert(1, ("http://[::1", None))
        entries.insert(5, ("http://[::1]:99999/x", None))
        server.pages["/rss"] = xml(feed(base, entries))
        source = make_source(name="hostile", adapter="feed", base_url=base, feeds=["/rss"])
        first = crawl(source, db_path)
        second = crawl(source, db_path)
    good = len(HOSTILE_HEADS) + len(BAD_DATES)
    assert len(first.new_items()) == good, first.errors
    assert {e["stage"] for e in first.errors} == {"feed"}
    assert [e["reason"][:22] for e in first.errors] == ["bad article link 'http"]
    assert first.stat("newsmon/articles_offsite") == 1  # [::1]:99999 is another host
    assert not [i for i in first.items() if i["published"] and i["published"] < "1990"]
    # every entry was handled: the feed's validators are kept, and the next run is a 304
    assert second.stat("newsmon/feeds_not_modified") == 1 and second.errors == []
    record_finding(5, "feed_entries", {"inputs": len(HOSTILE_HEADS) + len(BAD_DATES) + 2,
                                    "stored": len(first.new_items()), "expected": good,
                                    "lost": good - len(first.new_items())})


def test_an_article_that_failed_is_fetched_again_next_run(db_path: Path) -> None:
    with SiteServer() as server:
        base = server.base_url
        links = [f"{base}/news/{n}.html" for n in range(3)]
        for n in range(3):
            server.pages[f"/news/{n}.html"] = html(page(n))
        server.pages["/news/1.html"] = Page(b"try later", 503)
        server.pages["/rss"] = xml(feed(base, [(link, None) for link in links]))
        source = make_source(name="retry", adapter="feed", base_url=base, feeds=["/rss"])
        first = crawl(source, db_path)
        assert rows(db_path, "SELECT count(*) FROM feed_state") == [(0,)]
        server.pages["/news/1.html"] = html(page(1))
        second = crawl(source, db_path)
    assert [e["url"] for e in first.errors] == [links[1]]
    assert [i["url"] for i in second.new_items()] == [links[1]]
    assert rows(db_path, "SELECT count(*) FROM items") == [(3,)]


def test_a_broken_link_on_a_listing_page_costs_only_itself(db_path: Path) -> None:
    hrefs = ["/2024/05/01/first/", "http://[::1", "//[zz]/x", "/2024/05/02/second/"]
    listing = "".join(f"<article><h2 class='entry-title'><a href='{escape(h)}'>t</a></h2>"
                      "</article>" for h in hrefs)
    with SiteServer() as server:
        server.pages["/category/news/"] = html(f"<html><body><main>{listing}</main></body>"
                                               "</html>")
        server.pages["/2024/05/01/first/"] = html(page(1))
        server.pages["/2024/05/02/second/"] = html(page(2))
        source = make_source(name="wp", adapter="wordpress", base_url=server.base_url,
                             sections=["/category/news/"], listing_pages=1, feeds=[])
        result = crawl(source, db_path)
    assert result.errors == []
    assert sorted(i["url"].removeprefix(server.base_url) for i in result.new_items()) == [
        "/2024/05/01/first/", "/2024/05/02/second/"]
