"""End to end, as a monitor runs it: `newsmon crawl` with the project's own entries for Azattyq
and bureau.kz pointed at sites shaped like theirs, and a source whose feed moved; then
`newsmon sources` and `newsmon sources --discover`."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest

from newsmon.demo.sitegen import bureau_site, pangea_site
from newsmon.demo.siteserver import Page, SiteServer, html, xml
from sites.sources import DEFAULT_SOURCES
from tests.support.cli import run_newsmon
from tests.support.sites import make_articles, sources_toml

pytestmark = pytest.mark.e2e

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


def project_entry(name: str, base_url: str) -> dict:
    """The sources.toml entry as written, on another host (its mirrors stay with the real one)."""
    entries = tomllib.loads(DEFAULT_SOURCES.read_text(encoding="utf-8"))["source"]
    entry = next(e for e in entries if e["name"] == name)
    return {**{k: v for k, v in entry.items() if k != "mirrors"}, "base_url": base_url}


def moved_site(server: SiteServer, articles: list[dict]) -> None:
    """A small custom CMS: its old /feed/ is gone; the home page names /news/rss.xml."""
    base = server.base_url
    links = "".join(f"<item><title>{a['title']}</title><link>{base}/news/{a['id']}</link>"
                    "</item>" for a in articles)
    server.pages.update({
        "/feed/": Page(b"Not Found", 404),
        "/": html('<html><head><link rel="alternate" type="application/rss+xml" title="Vlast" '
                  'href="/news/rss.xml"></head><body>Vlast</body></html>'),
        "/news/rss.xml": xml(f"<rss version='2.0'><channel><title>V</title>{links}"
                             "</channel></rss>"),
        **{f"/news/{a['id']}": html(f"<html><head><title>{a['title']}</title></head><body>"
                                    f"<article><h1>{a['title']}</h1><p>{a['paragraphs'][0]}"
                                    "</p></article></body></html>") for a in articles},
    })


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_crawl_then_sources_show_what_discovery_found(tmp_path: Path) -> None:
    azattyq = make_articles(20, sections=("Новости", "Экономика"))
    bureau = make_articles(12, first_id=61000, sections=("Новости",))
    vlast = make_articles(5, first_id=900)
    with SiteServer() as pangea, SiteServer() as wordpress, SiteServer() as moved:
        pangea.pages.update(pangea_site(azattyq, pangea.base_url, feed_size=10, page_size=8,
                                        zones={"Новости": (360, "news lane")}))
        wordpress.pages.update(bureau_site(bureau, wordpress.base_url))
        moved_site(moved, vlast)
        sources = sources_toml(tmp_path / "sources.toml", [
            project_entry("azattyq-ru", pangea.base_url),
            project_entry("bureau-kz", wordpress.base_url),
            project_entry("vlast-kz", moved.base_url)])
        db = tmp_path / "newsmon.db"
        crawl = run_newsmon("--db", str(db), "crawl", "--sources", str(sources), *FAST)
        again = run_newsmon("--db", str(db), "crawl", "--sources", str(sources), *FAST)
        listing = run_newsmon("--db", str(db), "sources", "--sources", str(sources))
        discover = run_newsmon("--db", str(db), "sources", "--sources", str(sources),
                               "--discover", "bureau-kz")
    assert crawl.returncode == 1, crawl.stderr[-2000:]  # vlast's /feed/ 404 is recorded
    assert rows(db, "SELECT url, reason FROM crawl_errors") == [
        (f"{moved.base_url}/feed/", "HTTP 404")]
    counts = dict(rows(db, "SELECT source, count(*) FROM items GROUP BY source"))
    assert counts == {"azattyq-ru": 20, "bureau-kz": 12, "vlast-kz": 5}
    assert again.returncode == 0, again.stderr[-2000:]
    assert rows(db, "SELECT items_new FROM crawl_runs ORDER BY id") == [(37,), (0,)]
    out = listing.stdout
    assert f"vlast-kz: feed moved: now {moved.base_url}/news/rss.xml (was /feed/)" in out
    assert f"azattyq-ru: feeds found by discovery: {pangea.base_url}/api/" in out
    (line,) = [x for x in out.splitlines() if x.startswith("bureau-kz: feeds found")]
    assert f"{wordpress.base_url}/feed/" in line and f"{wordpress.base_url}/en/feed/" in line
    assert discover.returncode == 0, discover.stdout + discover.stderr[-2000:]
    assert f"feed     ok       link          {wordpress.base_url}/en/feed/" in discover.stdout
    assert f"sitemap  -        robots        {wordpress.base_url}/wp-sitemap.xml" \
        in discover.stdout
