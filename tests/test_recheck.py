"""`newsmon recheck` against a live loopback site whose article is edited, removed, redirected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.settings import USER_AGENT
from evidence import history
from newsmon.demo.siteserver import SiteServer, redirect
from store import connect
from tests.support.evidence import (
    ARTICLE_PATH,
    HOME_HTML,
    PARAGRAPHS,
    add_item,
    article_html,
    closed_port_url,
    run_cli,
    set_html,
    user_agents,
)

pytestmark = pytest.mark.e2e

TITLE = "Мать задержанного заявила о пытках"
EDITED = [*PARAGRAPHS[:2], "Прокуратура сообщила, что проверка по заявлению продолжается.",
          PARAGRAPHS[3]]


def outcomes(db_path: Path, item_id: int) -> list[str]:
    db = connect(db_path)
    return [r["outcome"] for r in db.query(
        "SELECT outcome FROM rechecks WHERE item_id = ? ORDER BY id", [item_id])]


def test_article_edited_then_removed_then_redirected_home(db_path: Path) -> None:
    with SiteServer() as site:
        url = site.base_url + ARTICLE_PATH
        set_html(site, ARTICLE_PATH, article_html(TITLE, PARAGRAPHS))
        set_html(site, "/", HOME_HTML)
        item_id, _ = add_item(connect(db_path), url, article_html(TITLE, PARAGRAPHS))

        result = run_cli(db_path, "recheck", "--force", "--delay", "0")
        assert "1 unchanged" in result.output

        set_html(site, ARTICLE_PATH, article_html(TITLE, EDITED))
        result = run_cli(db_path, "recheck", "--force", "--delay", "0")
        assert "1 edited" in result.output and "version 2" in result.output

        # found gone: "missing" first, "removed" only when a later check agrees (issue 18)
        gone = ("recheck", "--force", "--delay", "0", "--confirm-after", "0")
        set_html(site, ARTICLE_PATH, "<html><body><h1>Страница не найдена</h1></body></html>",
                      status=404)
        run_cli(db_path, *gone)

        site.pages[ARTICLE_PATH] = redirect("/", 302)
        run_cli(db_path, *gone)

        set_html(site, ARTICLE_PATH, HOME_HTML)  # a soft 404: 200, but not the article
        run_cli(db_path, *gone)

    assert outcomes(db_path, item_id) == ["unchanged", "edited", "missing", "removed", "removed"]
    db = connect(db_path)
    rechecks = list(db.query("SELECT * FROM rechecks WHERE item_id = ? ORDER BY id", [item_id]))
    assert rechecks[2]["http_status"] == 404
    assert rechecks[3]["final_url"] == site.base_url + "/" and "redirected" in rechecks[3]["detail"]
    assert "no longer resembles" in rechecks[4]["detail"]
    assert db["items"].get(item_id)["recheck_status"] == "removed"

    versions = list(db.query(
        "SELECT version, reason, text, diff FROM snapshots WHERE item_id = ? ORDER BY version",
        [item_id]))
    assert [v["reason"] for v in versions] == ["first_seen", "recheck"]
    assert "независимую судебно-медицинскую экспертизу" in versions[0]["text"]
    diff = versions[1]["diff"]
    assert "-Правозащитники" in diff and "+Прокуратура сообщила" in diff
    assert rechecks[1]["diff"] == diff

    events = history(db, item_id)
    assert [e["kind"] for e in events] == ["version", "recheck", "version", "recheck",
                                           "recheck", "recheck", "recheck"]
    assert {row["item_id"] for row in db.query("SELECT * FROM changed_or_removed")} == {item_id}
    assert [r["version"] for r in db.query(
        "SELECT version FROM item_versions WHERE item_id = ?", [item_id])] == [1, 2]


def test_unreachable_is_not_removed(db_path: Path) -> None:
    db = connect(db_path)
    with SiteServer() as site:
        html = article_html(TITLE, PARAGRAPHS)
        set_html(site, ARTICLE_PATH, "<html><body>Service Unavailable</body></html>", status=503)
        down_id, _ = add_item(db, site.base_url + ARTICLE_PATH, html)
        closed_id, _ = add_item(db, closed_port_url(ARTICLE_PATH), html)
        set_html(site, "/blocked.html", "<html><body>Forbidden</body></html>", status=403)
        blocked_id, _ = add_item(db, site.base_url + "/blocked.html", html)
        result = run_cli(db_path, "recheck", "--force", "--delay", "0", "--timeout", "5")
    assert "3 unreachable" in result.output
    rows = {r["item_id"]: r for r in db.query("SELECT * FROM rechecks")}
    assert rows[down_id]["http_status"] == 503
    assert rows[closed_id]["http_status"] is None and "refused" in rows[closed_id]["detail"]
    assert "blocked" in rows[blocked_id]["detail"]
    statuses = {r["recheck_status"] for r in db.query("SELECT recheck_status FROM items")}
    assert statuses == {"unreachable"}
    assert list(db.query("SELECT * FROM changed_or_removed")) == []


def test_polite_user_agent_and_robots(db_path: Path) -> None:
    db = connect(db_path)
    with SiteServer() as site:
        set_html(site, "/robots.txt", "User-agent: *\nDisallow: /private/\n")
        set_html(site, "/private/a.html", article_html(TITLE, PARAGRAPHS))
        page = article_html(TITLE, PARAGRAPHS)
        item_id, _ = add_item(db, site.base_url + "/private/a.html", page)
        run_cli(db_path, "recheck", "--force", "--delay", "0")
        assert user_agents(site) == {USER_AGENT}
    row = next(db.query("SELECT * FROM rechecks WHERE item_id = ?", [item_id]))
    assert row["outcome"] == "unreachable" and "robots.txt" in row["detail"]


def test_schedule_decides_what_is_due(db_path: Path) -> None:
    db = connect(db_path)
    with SiteServer() as site:
        set_html(site, ARTICLE_PATH, article_html(TITLE, PARAGRAPHS))
        old_id, _ = add_item(db, site.base_url + ARTICLE_PATH, article_html(TITLE, PARAGRAPHS),
                             fetched_at="2020-01-01T00:00:00+00:00")
        add_item(db, site.base_url + "/fresh.html", article_html(TITLE, PARAGRAPHS),
                 fetched_at="2999-01-01T00:00:00Z")
        add_item(db, site.base_url + "/quiet.html", article_html(TITLE, PARAGRAPHS), flagged=False)
        first = run_cli(db_path, "recheck", "--delay", "0")
        again = run_cli(db_path, "recheck", "--delay", "0", "--schedule", "1,7")
    assert "re-checked 1 item" in first.output and f"item {old_id} " in first.output
    assert "re-checked 0 item" in again.output


@pytest.mark.parametrize("schedule", ["", "a,b", "-1,3"])
def test_bad_schedule_is_a_usage_error(db_path: Path, schedule: str) -> None:
    result = run_cli(db_path, "recheck", "--schedule", schedule)
    assert result.exit_code == 2


def test_removed_page_is_kept_and_headers_recorded(db_path: Path) -> None:
    db = connect(db_path)
    with SiteServer() as site:
        item_id, _ = add_item(db, site.base_url + "/gone.html", article_html(TITLE, PARAGRAPHS))
        run_cli(db_path, "recheck", "--item", str(item_id), "--delay", "0")
    row = next(db.query("SELECT * FROM rechecks WHERE item_id = ?", [item_id]))
    assert row["outcome"] == "missing" and row["http_status"] == 404  # removed when confirmed
    assert json.loads(row["headers"])["Content-Type"].startswith("text/html")
    assert row["body_sha256"] is not None
