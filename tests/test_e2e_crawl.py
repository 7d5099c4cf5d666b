"""End to end: `newsmon crawl` against real local sites, into a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsmon.demo.sites import load_articles, start_demo_sites
from newsmon.demo.siteserver import Page, SiteServer, html, xml
from sites.sources import Source
from tests.support.cli import run_newsmon

pytestmark = pytest.mark.e2e

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


def toml_source(source: Source) -> str:
    """A sources.toml entry for `source` (the test writes the file a monitor would)."""
    def array(values) -> str:
        return json.dumps(list(values), ensure_ascii=False)

    return "\n".join([
        "[[source]]", f'name = "{source.name}"', f'title = "{source.title}"',
        f'adapter = "{source.adapter}"', f'base_url = "{source.base_url}"',
        f"languages = {array(source.languages)}", f'country = "{source.country}"',
        f"feeds = {array(source.feeds)}", f"sections = {array(source.sections)}", "",
    ])


@pytest.fixture(scope="module")
def demo_sites():
    sources, servers = start_demo_sites()
    yield sources, servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def crawled(demo_sites, tmp_path_factory):
    """Two crawls of the same unchanged sites into one database."""
    sources, servers = demo_sites
    tmp = tmp_path_factory.mktemp("e2e")
    sources_file = tmp / "sources.toml"
    sources_file.write_text("\n".join(toml_source(s) for s in sources), encoding="utf-8")
    db = tmp / "newsmon.db"
    first = crawl(db, sources_file)
    second = crawl(db, sources_file)
    return first, second, db


def crawl(db: Path, sources_file: Path):
    """`newsmon crawl` with politeness relaxed: these are our own local sites."""
    return run_newsmon("--db", str(db), "crawl", "--sources", str(sources_file), *FAST)


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_first_crawl_stores_every_sample_article(crawled):
    first, _, db = crawled
    assert first.returncode == 0, first.stderr[-2000:]
    expected = sum(len(records) for records in load_articles().values())
    assert rows(db, "SELECT count(*) FROM items")[0][0] == expected
    assert rows(db, "SELECT count(*) FROM crawl_errors") == [(0,)]
    empty = rows(db, "SELECT url FROM items WHERE length(text) < 200 OR title = ''")
    assert empty == []


def test_languages_include_kazakh(crawled):
    _, _, db = crawled
    by_source = dict(rows(db, "SELECT source, group_concat(DISTINCT lang) FROM items "
                              "GROUP BY source"))
    assert by_source["azattyq-kk"] == "kk"
    assert by_source["azattyq-ru"] == "ru"
    assert set(by_source["bureau"].split(",")) == {"ru", "en"}


def test_topics_and_evidence_in_three_languages(crawled):
    _, _, db = crawled
    flagged = rows(db, "SELECT i.lang, t.topic, t.evidence, i.title || ' ' || i.text "
                       "FROM item_topics t JOIN items i ON i.id = t.item_id")
    seen = {(lang, topic) for lang, topic, _, _ in flagged}
    for lang in ("ru", "kk", "en"):
        for topic in ("torture", "art405", "detention"):
            assert (lang, topic) in seen, (lang, topic)
    for _, _, evidence, text in flagged:
        items = json.loads(evidence)
        assert items, "every assigned topic carries evidence"
        # The matched phrase really is in the stored title or text (case, spacing aside).
        flat = " ".join(text.lower().split())
        assert any(" ".join(e["match"].lower().split()) in flat for e in items), items


def test_hard_negatives_stay_quiet(crawled):
    _, _, db = crawled
    quiet = {title for records in load_articles().values() for r in records
             if not r["expect_topics"] for title in [r["title"]]}
    flagged = {title for (title,) in rows(db, "SELECT title FROM items WHERE flagged = 1")}
    assert not quiet & flagged, quiet & flagged


def test_second_crawl_of_unchanged_sites_adds_nothing(crawled):
    first, second, db = crawled
    assert second.returncode == 0, second.stderr[-2000:]
    runs = rows(db, "SELECT status, items_new, items_updated FROM crawl_runs ORDER BY id")
    assert runs[0][0] == "ok" and runs[0][1] > 0
    assert runs[1] == ("ok", 0, 0)
    assert rows(db, "SELECT count(*) FROM items")[0][0] == runs[0][1]


def test_broken_inputs_are_recorded_and_the_run_goes_on(tmp_path):
    """A feed that is not XML, a 404/500 article, a page with no text: recorded, exit 1."""
    with SiteServer() as server:
        base = server.base_url
        links = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>"
                        for p in ("/a/good.html", "/a/missing.html", "/a/error.html",
                                  "/a/empty.html"))
        good_text = "Полицейские избили задержанного активиста в отделении. " * 8
        server.pages.update({
            "/rss.xml": xml(f"<rss><channel><title>t</title>{links}</channel></rss>"),
            "/broken.xml": html("<html><body>this is not a feed</body></html>"),
            "/a/good.html": html(f"<html><head><title>Хорошая</title></head><body>"
                                 f"<article><h1>Хорошая</h1><p>{good_text}</p></article>"
                                 "</body></html>"),
            "/a/error.html": Page("boom", 500),
            "/a/empty.html": html("<html><body><nav>menu</nav></body></html>"),
        })
        sources_file = tmp_path / "sources.toml"
        sources_file.write_text(
            f'[[source]]\nname = "broken"\ntitle = "Broken"\nadapter = "feed"\n'
            f'base_url = "{base}/"\nlanguages = ["ru"]\nfeeds = ["/rss.xml", "/broken.xml"]\n',
            encoding="utf-8")
        db = tmp_path / "newsmon.db"
        result = crawl(db, sources_file)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "crawl_errors" in result.stderr
    errors = {url.removeprefix(base): (stage, reason)
              for url, stage, reason in rows(db, "SELECT url, stage, reason FROM crawl_errors")}
    assert errors["/broken.xml"][0] == "feed"
    assert "404" in errors["/a/missing.html"][1]
    assert "500" in errors["/a/error.html"][1]
    assert errors["/a/empty.html"][0] == "extract"
    assert rows(db, "SELECT title FROM items") == [("Хорошая",)]
    assert rows(db, "SELECT status FROM crawl_runs") == [("errors",)]


def test_bad_sources_file_exits_2_naming_the_problem(tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nname = "x"\ntitle = "X"\nadapter = "pangea"\n'
                   'base_url = "not a url"\nlanguages = ["ru"]\n', encoding="utf-8")
    result = run_newsmon("--db", str(tmp_path / "n.db"), "crawl", "--sources", str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "x" in result.stderr
