"""Issue 18, finding 7: a flagged item stored without its evidence snapshot (the process died, or
the snapshot write failed, between the two) is reported by `verify` and kept by the next run.

The gap is made by a trigger that refuses the snapshot insert: the state a SIGKILL between the
store stage's commit and the snapshot stage's leaves, without racing a kill against them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.demo.siteserver import SiteServer, html, xml
from store import connect
from tests.faults.helpers import article_html, article_text, record_finding, rss
from tests.support.crawl import crawl, make_source
from tests.support.db import rows
from tests.support.evidence import run_cli

pytestmark = pytest.mark.crawl

TORTURE = "Сотрудники полиции пытали задержанного в изоляторе Актобе"


def test_a_missing_snapshot_is_found_by_verify_and_kept_by_the_next_crawl(db_path: Path
                                                                          ) -> None:
    db = connect(db_path)
    db.execute("CREATE TRIGGER no_snapshot BEFORE INSERT ON snapshots "
               "BEGIN SELECT RAISE(ABORT, 'killed before the snapshot'); END")
    db.close()
    with SiteServer() as server:
        server.pages["/news/1.html"] = html(article_html("Пытки в изоляторе",
                                                         article_text(1, TORTURE)))
        server.pages["/rss"] = xml(rss(["/news/1.html"]))
        source = make_source(name="gap", adapter="feed", base_url=server.base_url,
                             feeds=["/rss"])
        crawl(source, db_path)
        assert rows(db_path, "SELECT flagged FROM items") == [(1,)]
        assert rows(db_path, "SELECT count(*) FROM snapshots") == [(0,)]
        found = run_cli(db_path, "verify")
        assert found.exit_code == 1 and "no snapshot" in found.output
        db = connect(db_path)
        db.execute("DROP TRIGGER no_snapshot")
        db.close()
        crawl(source, db_path)
    assert rows(db_path, "SELECT reason FROM snapshots") == [("backfill",)]
    repaired = run_cli(db_path, "verify")
    assert repaired.exit_code == 0, repaired.output
    record_finding(7, "snapshot_gap", {"inputs": 1, "lost": 0})


def test_recheck_keeps_a_gap_the_feed_no_longer_lists(db_path: Path) -> None:
    with SiteServer() as server:
        url = server.base_url + "/news/1.html"
        server.pages["/news/1.html"] = html(article_html("Пытки в изоляторе",
                                                         article_text(1, TORTURE)))
        from tests.support.db import store_item

        item_id = store_item(db_path, url, "Пытки в изоляторе", ["torture"],
                             text=article_text(1, TORTURE))
        db = connect(db_path)
        db["rechecks"].insert({"item_id": item_id, "checked_at": "2024-01-01T00:00:00Z",
                               "outcome": "unreachable", "detail": "timeout"})
        db.close()
        result = run_cli(db_path, "recheck", "--delay", "0")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT reason FROM snapshots WHERE item_id = ?", [item_id]) == [
        ("flagged_later",)]
