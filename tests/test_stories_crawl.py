"""Crawling the demo sites (Pangea- and WordPress-shaped fixture sites, see newsmon/demo/README.md):
the republication and the ru/kk pair end up in one story each, similar but different events
do not, the digest has one entry per story, and a split survives `newsmon reclassify` and a
re-crawl of the changed page."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path

import pytest

from alerts.digest import DigestOptions, send_digests
from core.clock import format_utc
from newsmon.demo.sitegen import pangea_site
from newsmon.demo.sites import load_articles, start_demo_sites
from newsmon.jobs.classify import reclassify
from store import connect
from stories import split
from tests.support.crawl import crawl
from tests.support.datasette import Client, serve
from tests.support.db import rows
from tests.test_digest_stories import SUB, Outbox

pytestmark = pytest.mark.crawl

KK_SENTENCE = 33103790  # the Kazakh report of the Almaty Art. 405 sentence


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    sources, servers = start_demo_sites()
    path = tmp_path_factory.mktemp("stories") / "newsmon.db"
    for source in sources:
        result = crawl(source, path)
        assert result.errors == []
    yield path, sources, servers
    for server in servers:
        server.stop()


def story_by_title(path: Path) -> dict[str, int]:
    return dict(rows(path, "SELECT title, story_id FROM items"))


def test_every_labelled_pair_is_grouped_and_nothing_else(demo) -> None:
    path, _, _ = demo
    stories = story_by_title(path)
    records = [r for records in load_articles().values() for r in records]
    assert len(stories) == len(records)
    for a, b in combinations(records, 2):
        same_event = bool(a.get("story")) and a.get("story") == b.get("story")
        assert (stories[a["title"]] == stories[b["title"]]) == same_event, (a["id"], b["id"])


def test_the_stories_view_summarises_the_ru_kk_pair(demo) -> None:
    path, _, _ = demo
    [(items, outlets, languages)] = rows(
        path, "SELECT items, outlets, languages FROM stories WHERE story_id = "
              "(SELECT story_id FROM items WHERE url LIKE ?)", [f"%{KK_SENTENCE}%"])
    assert items == 2
    assert sorted(outlets.split(",")) == ["azattyq-kk", "azattyq-ru"]
    assert sorted(languages.split(",")) == ["kk", "ru"]


def test_the_digest_lists_the_pair_once(demo, tmp_path: Path) -> None:
    path, _, _ = demo
    copy = copy_of(path, tmp_path / "digest.db")

    outbox = Outbox()
    db = connect(copy)
    try:
        send_digests(db, [replace(SUB, topics=("art405",))], outbox, DigestOptions())
    finally:
        db.close()
    text = outbox.sent[0].get_body(("plain",)).get_content()
    titles = {r["id"]: r["title"] for records in load_articles().values() for r in records}
    lines = text.splitlines()
    assert lines.count(f"* {titles[33103560]}") == 1  # the Russian report leads the entry
    assert f"* {titles[KK_SENTENCE]}" not in lines  # the Kazakh one is listed under it
    assert any(line.endswith(f"(kk): {titles[KK_SENTENCE]}") for line in lines)
    assert "2 reports from 2 outlets (ru, kk):" in text


def copy_of(path: Path, target: Path) -> Path:
    """A snapshot of the crawled database, for a test that writes or serves it."""
    db = connect(path)
    try:
        db.conn.execute("VACUUM INTO ?", [str(target)])
    finally:
        db.close()
    return target


@pytest.mark.e2e
def test_the_queue_shows_one_row_per_story(demo, tmp_path: Path) -> None:
    path, _, _ = demo
    copy = copy_of(path, tmp_path / "queue.db")
    stories = rows(copy, "SELECT count(DISTINCT story_id) FROM items WHERE flagged = 1")[0][0]
    with serve(copy) as base:
        alice = Client(base)
        alice.login("alice")
        page = alice.get("/-/queue?show=all").text
    assert page.count('name="item_id"') == stories
    assert page.count("2 сообщения из 2 изданий (ru, kk)") == 1  # the Almaty sentence
    assert page.count("2 сообщения из 2 изданий (ru)") == 1  # the Aktobe republication


def test_a_split_survives_reclassify_and_a_recrawl_of_the_changed_page(demo) -> None:
    path, sources, servers = demo
    [(kk_id, ru_story)] = rows(path, "SELECT id, story_id FROM items WHERE url LIKE ?",
                               [f"%{KK_SENTENCE}%"])
    db = connect(path)
    try:
        split(db, kk_id, "alice")
        reclassify(db, sources)
    finally:
        db.close()
    assert rows(path, "SELECT story_id FROM items WHERE id = ?", [kk_id]) == [(kk_id,)]

    kk_source, kk_server = next((s, v) for s, v in zip(sources, servers, strict=True)
                                if s.name == "azattyq-kk")
    later = format_utc(datetime.now(UTC) + timedelta(hours=1))
    records = [dict(r, paragraphs=[*r["paragraphs"], "Жаңартылды: қорғаушы шағым берді."],
                    modified=later) if r["id"] == KK_SENTENCE else r
               for r in load_articles()["azattyq-kk"]]
    site = pangea_site(records, kk_server.base_url, title=kk_source.title)
    kk_server.pages.update(site)
    # The sitemap's lastmod says which article changed (the feed gives publication dates); a
    # backfill reads the sitemaps.
    result = crawl(replace(kk_source, feeds=(), sections=(), sitemaps=tuple(site.sitemaps)),
                   path, since=date(2020, 1, 1))
    assert result.stat("newsmon/items_updated") == 1
    assert rows(path, "SELECT story_id FROM items WHERE id = ?", [kk_id]) == [(kk_id,)]
    assert rows(path, "SELECT count(*) FROM items WHERE story_id = ?", [ru_story]) == [(1,)]
