"""Issue 18, finding 8: a page whose canonical link names another stored article does not take
over that article's row (nor unflag it); both are kept and the conflict is recorded.

Shape from the adversarial review: `<link rel="canonical">` copied from another story, as
CMS templates and syndication widgets leave it, pointing at a stored, flagged article.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from newsmon.demo.siteserver import SiteServer, html, xml
from tests.faults.helpers import article_text, record_finding, rss
from tests.support.crawl import crawl, make_source
from tests.support.db import rows

pytestmark = pytest.mark.crawl

TORTURE = "Сотрудники полиции пытали задержанного в изоляторе Актобе"
FLOWERS = "В Астане открылась выставка цветов и прошел концерт"


def story(title: str, words: str, n: int, canonical: str = "") -> str:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{link}"
            f"</head><body><article><h1>{title}</h1><p>{escape(article_text(n, words))}</p>"
            "</article></body></html>")


def stored(db_path: Path) -> dict[str, tuple]:
    return {url.rsplit("/", 1)[1]: (title, flagged) for url, title, flagged in
            rows(db_path, "SELECT url, title, flagged FROM items")}


@pytest.fixture
def site():
    with SiteServer() as server:
        server.pages["/news/a.html"] = html(story("Пытки в изоляторе", TORTURE, 1))
        server.pages["/news/b.html"] = html(story("Выставка цветов", FLOWERS, 2,
                                                  canonical="/news/a.html"))
        yield server


def source_of(server: SiteServer):
    return make_source(name="canon", adapter="feed", base_url=server.base_url,
                       feeds=["/rss"])


def test_a_later_page_cannot_take_over_a_stored_article(site: SiteServer, db_path: Path
                                                         ) -> None:
    site.pages["/rss"] = xml(rss(["/news/a.html"]))
    crawl(source_of(site), db_path)
    site.pages["/rss"] = xml(rss(["/news/a.html", "/news/b.html"]))
    second = crawl(source_of(site), db_path)
    assert stored(db_path) == {"a.html": ("Пытки в изоляторе", 1),
                               "b.html": ("Выставка цветов", 0)}
    assert [(e["stage"], e["url"].rsplit("/", 1)[1]) for e in second.errors] == [
        ("store", "b.html")]
    assert "canonical link names" in second.errors[0]["reason"]


def test_an_article_reclaims_its_url_from_a_page_that_named_it(site: SiteServer,
                                                                db_path: Path) -> None:
    site.pages["/rss"] = xml(rss(["/news/b.html"]))
    crawl(source_of(site), db_path)  # b arrives first and is stored at a's URL
    site.pages["/rss"] = xml(rss(["/news/a.html", "/news/b.html"]))
    second = crawl(source_of(site), db_path)
    assert stored(db_path) == {"a.html": ("Пытки в изоляторе", 1),
                               "b.html": ("Выставка цветов", 0)}
    assert [e["stage"] for e in second.errors] == ["store"]


def test_both_in_one_run_are_both_kept(site: SiteServer, db_path: Path) -> None:
    site.pages["/rss"] = xml(rss(["/news/a.html", "/news/b.html"]))
    first = crawl(source_of(site), db_path)
    assert stored(db_path) == {"a.html": ("Пытки в изоляторе", 1),
                               "b.html": ("Выставка цветов", 0)}
    assert [e["stage"] for e in first.errors] == ["store"]
    record_finding(8, "canonical_conflicts", {"inputs": 3, "lost": 0, "unflagged": 0})
