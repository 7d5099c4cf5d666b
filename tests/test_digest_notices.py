"""Issue #8: digests tell coordinators, once, when a re-check found a flagged item removed/edited.

Re-checks are recorded with the evidence package's own `record_recheck` (removed) or a plain
row matching its schema (edited); mail goes to a real SMTP server on loopback.
"""

from __future__ import annotations

import email
from email.policy import default as default_policy
from pathlib import Path

import pytest

from evidence.fetch import FetchResult
from evidence.judge import judge_http
from evidence.recheck import record_recheck
from store import connect
from tests.support.smtp import (
    ALL_EN,
    SmtpSink,
    add_item,
    free_port,
    rows,
    run_digest,
    set_triage,
    write_subscriptions,
)

pytestmark = pytest.mark.e2e

SECTION = "== Removed or edited since flagged"


def record_removed(db_path: Path, item_id: int, when: str = "2024-11-22T10:00:00+00:00") -> int:
    """A re-check that got HTTP 404, recorded as `newsmon recheck` records it."""
    db = connect(db_path)
    item = db["items"].get(item_id)
    fetched = FetchResult(url=item["url"], final_url=item["url"], status=404,
                          body=b"<html>Not found</html>", fetched_at=when)
    verdict = judge_http(fetched, item["url"])
    assert verdict is not None and verdict.outcome == "removed"
    recheck_id = record_recheck(db, item, fetched, verdict, None, "").recheck_id
    db.close()
    return recheck_id


def record_outcome(db_path: Path, item_id: int, outcome: str, detail: str,
                   when: str = "2024-11-22T11:00:00+00:00") -> int:
    """A re-check row written with plain SQL matching the `rechecks` schema."""
    db = connect(db_path)
    url = db["items"].get(item_id)["url"]
    recheck_id = db["rechecks"].insert({
        "item_id": item_id, "checked_at": when, "outcome": outcome, "http_status": 200,
        "final_url": url, "detail": detail, "similarity": 0.8}).last_pk
    db["items"].update(item_id, {"recheck_status": outcome, "rechecked_at": when})
    db.close()
    return recheck_id


@pytest.fixture
def room(tmp_path: Path) -> dict:
    """One flagged torture item and one coordinator on every topic."""
    db = tmp_path / "newsmon.db"
    item = add_item(db, "https://a.test/1", "Beaten <b>in</b> custody", ["torture"])
    write_subscriptions(tmp_path / "subscriptions.toml", ALL_EN)
    return {"db": db, "dir": tmp_path, "item": item}


def test_removed_item_is_told_once(room: dict) -> None:
    with SmtpSink() as sink:
        assert run_digest(room, sink.port).returncode == 0
        recheck_id = record_removed(room["db"], room["item"])
        result = run_digest(room, sink.port)
        assert result.returncode == 0, result.stderr
        assert run_digest(room, sink.port).returncode == 0  # third digest: nothing to say
        record_removed(room["db"], room["item"], "2024-11-29T10:00:00+00:00")  # still gone
        assert run_digest(room, sink.port).returncode == 0
        first, notice = (r.message for r in sink.received)
    assert SECTION not in first.get_body(("plain",)).get_content()
    assert notice["Subject"].startswith("newsmon: 1 removed — ")
    text = notice.get_body(("plain",)).get_content()
    assert f"{SECTION} (1) ==" in text
    assert "* [removed] Beaten <b>in</b> custody" in text
    assert ("Source: site-a | Re-checked: 22 Nov 2024, 15:00 (Almaty time, UTC+5) | "
            "Outcome: removed: HTTP 404") in text
    assert "Original: https://a.test/1" in text
    assert f"In newsmon: https://dash.test/-/item/{room['item']}" in text
    page = notice.get_body(("html",)).get_content()
    assert "Beaten &lt;b&gt;in&lt;/b&gt; custody" in page and "<b>in" not in page
    assert f'href="https://dash.test/-/item/{room["item"]}"' in page
    assert rows(room["db"], "SELECT recipient, item_id, kind, recheck_id, message_id "
                            "FROM digest_notices") == [
        ("aigerim@example.org", room["item"], "removed", recheck_id, notice["Message-ID"])]


def test_notices_ride_along_with_new_items_and_edits_are_marked_apart(room: dict) -> None:
    edited = add_item(room["db"], "https://a.test/2", "Court hearing", ["art405"])
    with SmtpSink() as sink:
        assert run_digest(room, sink.port).returncode == 0
        record_removed(room["db"], room["item"])
        record_outcome(room["db"], edited, "edited", "text changed (similarity 0.80)")
        fresh = add_item(room["db"], "https://a.test/3", "Activist detained", ["detention"])
        assert run_digest(room, sink.port).returncode == 0
        msg = sink.received[-1].message
    assert msg["Subject"].startswith("newsmon: 1 detention, 1 removed, 1 edited — ")
    text = msg.get_body(("plain",)).get_content()
    assert text.index("Activist detained") < text.index(f"{SECTION} (2) ==") \
        < text.index("* [removed] Beaten") < text.index("* [edited] Court hearing")
    assert "Outcome: edited: text changed (similarity 0.80)" in text
    assert rows(room["db"], "SELECT item_id FROM digest_log ORDER BY id DESC LIMIT 1") == [
        (fresh,)]
    assert rows(room["db"], "SELECT kind FROM digest_notices ORDER BY kind") == [
        ("edited",), ("removed",)]


def test_smtp_down_records_no_notice_and_next_run_tells(room: dict) -> None:
    port = free_port()
    with SmtpSink(port=port):
        assert run_digest(room, port).returncode == 0
    record_removed(room["db"], room["item"])
    result = run_digest(room, port)  # nobody listens now
    assert result.returncode == 1 and "nothing recorded" in result.stderr
    assert rows(room["db"], "SELECT count(*) FROM digest_notices") == [(0,)]
    with SmtpSink(port=port) as sink:
        assert run_digest(room, port).returncode == 0
        (received,) = sink.received
    assert received.message["Subject"].startswith("newsmon: 1 removed — ")
    assert rows(room["db"], "SELECT count(*) FROM digest_notices") == [(1,)]


def test_notices_follow_the_subscription_filters_and_triage(tmp_path: Path) -> None:
    db = tmp_path / "newsmon.db"
    aktobe = add_item(db, "https://a.test/1", "Пытки в Актобе", ["torture"], places=("Актобе",))
    almaty = add_item(db, "https://a.test/2", "Пытки в Алматы", ["torture"], places=("Алматы",))
    dismissed = add_item(db, "https://a.test/3", "Не о пытках", ["torture"], places=("Актобе",))
    write_subscriptions(tmp_path / "subscriptions.toml", """
email = "west@example.org"
name = "Запад"
topics = ["torture"]
frequency = "immediate"
regions = ["актобе"]
""", ALL_EN)
    room = {"db": db, "dir": tmp_path}
    with SmtpSink() as sink:
        assert run_digest(room, sink.port).returncode == 0
        set_triage(db, dismissed, "not_relevant")
        for item_id in (aktobe, almaty, dismissed):
            record_removed(db, item_id)
        assert run_digest(room, sink.port).returncode == 0
        later = {r.rcpt_tos[0]: r.message for r in sink.received[2:]}
    assert later["west@example.org"]["Subject"].startswith("newsmon: удалено 1 — ")
    west_text = later["west@example.org"].get_body(("plain",)).get_content()
    assert "== Удалено или изменено после отметки (1) ==" in west_text
    assert "Пытки в Актобе" in west_text and "Пытки в Алматы" not in west_text
    assert "Не о пытках" not in west_text
    assert rows(db, "SELECT recipient, item_id FROM digest_notices ORDER BY 1, 2") == [
        ("aigerim@example.org", aktobe), ("aigerim@example.org", almaty),
        ("west@example.org", aktobe)]


def test_dry_run_writes_the_notice_and_records_nothing(room: dict) -> None:
    with SmtpSink() as sink:
        assert run_digest(room, sink.port).returncode == 0
    record_removed(room["db"], room["item"])
    out = room["dir"] / "outbox"
    result = run_digest(room, free_port(), "--dry-run", str(out))
    assert result.returncode == 0, result.stderr
    (eml,) = out.glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert msg["Subject"].startswith("newsmon: 1 removed — ")
    assert f"{SECTION} (1) ==" in msg.get_body(("plain",)).get_content()
    assert rows(room["db"], "SELECT count(*) FROM digest_notices") == [(0,)]
