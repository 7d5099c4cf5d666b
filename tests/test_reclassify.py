"""Reclassification after a rule change: every item, in batches; relevance can be lost; items
flagged only now get their page kept by the next re-check."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from newsmon.cli import cli
from newsmon.demo.siteserver import SiteServer
from newsmon.jobs.classify import reclassify
from store import connect
from tests.support.crawl import make_source
from tests.support.db import rows, store_item
from tests.support.evidence import PARAGRAPHS, article_html, set_html

FOREIGN = ("Weather in Lisbon", "Sunny weather is expected in Lisbon this weekend, "
           "with light winds from the Atlantic and mild evenings.")
TORTURE = "Полицейские избили задержанного активиста в изоляторе Актобе, заявил адвокат."


def test_every_item_is_redone_in_batches_and_relevance_can_be_cleared(db_path: Path) -> None:
    for n in range(7):
        store_item(db_path, f"https://abroad.example/{n}", FOREIGN[0], ["torture"],
                   text=FOREIGN[1], source="abroad")
    db = connect(db_path)
    db.execute("UPDATE items SET kz_relevant = 1")
    report = reclassify(db, [make_source(name="abroad", adapter="feed",
                                         base_url="https://abroad.example", feeds=["/rss"],
                                         country="PT")], batch=3)
    db.close()
    assert report.items == 7
    assert rows(db_path, "SELECT count(*) FROM items WHERE flagged = 0 AND kz_relevant = 0"
                ) == [(7,)]
    assert rows(db_path, "SELECT count(*) FROM item_topics") == [(0,)]


def test_an_item_flagged_only_by_reclassify_is_kept_at_the_next_recheck(db_path: Path) -> None:
    with SiteServer() as site:
        url = site.base_url + "/a.html"
        set_html(site, "/a.html", article_html("Задержанного избили", [TORTURE, *PARAGRAPHS]))
        item_id = store_item(db_path, url, "Задержанного избили", [],
                             text=f"{TORTURE}\n{PARAGRAPHS[0]}")
        result = CliRunner().invoke(cli, ["--db", str(db_path), "reclassify"])
        assert "1 item(s) newly flagged" in result.output, result.output
        assert rows(db_path, "SELECT count(*) FROM snapshots") == [(0,)]
        result = CliRunner().invoke(cli, ["--db", str(db_path), "recheck", "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT item_id, version, reason FROM snapshots") == [
        (item_id, 1, "flagged_later")]
