"""The re-check keeps the crawl's rules on every hop: no private targets, same host, robots.txt
as Scrapy reads it, a total deadline, and no truncated or cut-off body taken as evidence."""

from __future__ import annotations

from pathlib import Path

from evidence.fetch import PoliteFetcher
from evidence.recheck import PageReader, recheck_item
from newsmon.demo.siteserver import SiteServer, redirect
from store import connect
from tests.support.evidence import PARAGRAPHS, add_item, article_html, set_html
from tests.support.hostile import cut_short, drip

TITLE = "Задержанного избили в изоляторе"


def recheck(db_path: Path, url: str, **fetcher: float) -> tuple[str, str]:
    db = connect(db_path)
    item_id, _ = add_item(db, url, article_html(TITLE, PARAGRAPHS))
    result = recheck_item(db, {"id": item_id, "url": url, "text": ""},
                          PoliteFetcher(delay=0, **fetcher), PageReader())
    versions = db.execute("SELECT count(*) FROM snapshots WHERE item_id = ?",
                          [item_id]).fetchone()[0]
    db.close()
    assert versions == 1, "nothing may be kept as a new version"
    return result.outcome, result.detail


def test_a_redirect_to_another_port_is_not_followed(db_path: Path) -> None:
    with SiteServer() as article_site, SiteServer() as metadata:
        set_html(metadata, "/latest/meta-data", "<html><body>secret-token</body></html>")
        article_site.pages["/a.html"] = redirect(metadata.base_url + "/latest/meta-data", 302)
        outcome, detail = recheck(db_path, article_site.base_url + "/a.html")
        assert metadata.requests == []
    assert outcome == "unreachable" and "not followed" in detail


def test_robots_wildcards_are_read_as_the_crawl_reads_them(db_path: Path) -> None:
    with SiteServer(robots=b"User-agent: *\nDisallow: /*?print=\n") as site:
        set_html(site, "/a.html", article_html(TITLE, PARAGRAPHS))
        outcome, detail = recheck(db_path, site.base_url + "/a.html?print=1")
        assert site.requested("/a.html") == []
    assert outcome == "unreachable" and "robots.txt" in detail


def test_a_body_over_the_limit_is_a_failure_not_a_truncated_snapshot(db_path: Path) -> None:
    with SiteServer() as site:
        set_html(site, "/a.html", article_html(TITLE, PARAGRAPHS * 50))
        outcome, detail = recheck(db_path, site.base_url + "/a.html", max_bytes=2000)
    assert outcome == "unreachable" and "larger than the limit" in detail


def test_the_timeout_covers_the_whole_answer_not_each_read(db_path: Path) -> None:
    with SiteServer() as site:
        site.pages["/a.html"] = drip(article_html(TITLE, PARAGRAPHS), every=0.3)
        outcome, detail = recheck(db_path, site.base_url + "/a.html", timeout=1)
    assert outcome == "unreachable" and "timeout" in detail  # each read took 0.3 s < 1 s


def test_a_cut_off_answer_is_unreachable_not_removed(db_path: Path) -> None:
    with SiteServer() as site:
        site.pages["/a.html"] = cut_short("<html><body><p>Страница", declared=50_000)
        outcome, detail = recheck(db_path, site.base_url + "/a.html")
    assert outcome == "unreachable" and "cut short" in detail
