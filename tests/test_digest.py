"""`newsmon digest` end to end: a real SMTP server on loopback receives what coordinators get."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alerts.message import message_id
from alerts.subscriptions import ensure_demo_subscription
from store import connect
from tests.support.smtp import (
    ALL_EN,
    SmtpSink,
    add_item,
    free_port,
    rows,
    run_cli,
    run_digest,
    set_triage,
    smtp_env,
    write_subscriptions,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def newsroom(tmp_path: Path) -> dict:
    """A database with flagged, unflagged and triaged-out items, and a subscriptions file."""
    db = tmp_path / "newsmon.db"
    ids = {
        "old_torture": add_item(db, "https://a.test/1", "Beaten in custody",
                                ["torture"], published="2024-11-18T09:00:00+00:00"),
        "new_torture": add_item(db, "https://a.test/2", "Torture complaint filed",
                                ["torture", "detention"], published="2024-11-20T09:00:00+00:00",
                                snippet="the officers tortured him"),
        "detention": add_item(db, "https://a.test/3", "Activist detained",
                              ["detention"], published="2024-11-19T09:00:00+00:00"),
        "unflagged": add_item(db, "https://a.test/4", "Weather", []),
        "dismissed": add_item(db, "https://a.test/5", "Not about torture", ["torture"]),
        "dupe": add_item(db, "https://a.test/6", "Same story again", ["detention"]),
    }
    set_triage(db, ids["dismissed"], "not_relevant")
    set_triage(db, ids["dupe"], "duplicate")
    set_triage(db, ids["detention"], "relevant")
    write_subscriptions(tmp_path / "subscriptions.toml", ALL_EN)
    return {"db": db, "ids": ids, "dir": tmp_path}


def test_digest_delivers_grouped_multipart_message(newsroom: dict) -> None:
    with SmtpSink() as sink:
        result = run_digest(newsroom, sink.port)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "" and result.stderr == ""  # quiet for cron
        (received,) = sink.received
    ids = newsroom["ids"]
    msg = received.message
    assert received.rcpt_tos == ["aigerim@example.org"]
    assert re.fullmatch(r"newsmon: 2 torture, 1 detention — \d{1,2} [A-Z][a-z]{2}", msg["Subject"])
    sent = [ids["new_torture"], ids["old_torture"], ids["detention"]]
    assert msg["Message-ID"] == message_id("aigerim@example.org", sent, "newsmon.test")
    assert msg["List-Unsubscribe"] == "<mailto:alerts@newsmon.test?subject=unsubscribe>"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    page = msg.get_body(("html",)).get_content()
    # Grouped by topic (torture first), newest first inside a group.
    assert text.index("== torture (2) ==") < text.index("Torture complaint filed") \
        < text.index("Beaten in custody") < text.index("== detention (1) ==") \
        < text.index("Activist detained")
    assert "«the officers tortured him»" in text
    assert ("Source: site-a | Date: 20 Nov 2024, 14:00 (Almaty time, UTC+5) | Language: ru | "
            "Topics: torture, detention") in text  # published 09:00 UTC, shown in Almaty
    assert "Original: https://a.test/2" in text
    assert f"In newsmon: https://dash.test/-/item/{ids['new_torture']}" in text
    assert f'href="https://dash.test/-/item/{ids["new_torture"]}"' in page
    assert "<h2>torture (2)</h2>" in page
    for left_out in ("Weather", "Not about torture", "Same story again"):
        assert left_out not in text and left_out not in page
    assert "subscriptions.toml" in text and "unsubscribe" in text  # how to change or stop
    logged = rows(newsroom["db"], "SELECT item_id, message_id FROM digest_log ORDER BY item_id")
    assert logged == [(i, msg["Message-ID"]) for i in sorted(sent)]


def test_second_run_sends_nothing_new_item_sends_one(newsroom: dict) -> None:
    with SmtpSink() as sink:
        assert run_digest(newsroom, sink.port).returncode == 0
        assert run_digest(newsroom, sink.port).returncode == 0
        assert len(sink.received) == 1
        add_item(newsroom["db"], "https://a.test/7", "Another detention", ["detention"])
        assert run_digest(newsroom, sink.port).returncode == 0
        assert len(sink.received) == 2
    assert sink.received[1].message["Subject"].startswith("newsmon: 1 detention — ")


def test_server_down_records_nothing_and_next_run_delivers(newsroom: dict) -> None:
    port = free_port()  # nothing listens here yet
    result = run_digest(newsroom, port)
    assert result.returncode == 1
    error_lines = result.stderr.strip().splitlines()
    assert "nothing recorded" in error_lines[0] and f"127.0.0.1:{port}" in error_lines[0]
    assert rows(newsroom["db"], "SELECT count(*) FROM digest_log") == [(0,)]
    assert rows(newsroom["db"], "SELECT count(*) FROM digest_state") == [(0,)]
    with SmtpSink(port=port) as sink:
        assert run_digest(newsroom, port).returncode == 0
        assert len(sink.received) == 1
    assert rows(newsroom["db"], "SELECT count(*) FROM digest_log") == [(3,)]


def test_timeout_records_nothing(newsroom: dict) -> None:
    with SmtpSink(delay=4) as sink:
        result = run_digest(newsroom, sink.port, NEWSMON_SMTP_TIMEOUT="1")
        assert result.returncode == 1
        assert "timed out" in result.stderr
    assert rows(newsroom["db"], "SELECT count(*) FROM digest_log") == [(0,)]


def test_refused_recipient_records_nothing_and_others_still_get_theirs(newsroom: dict) -> None:
    write_subscriptions(newsroom["dir"] / "subscriptions.toml", ALL_EN, """
email = "gone@example.org"
name = "Gone"
topics = ["torture"]
frequency = "immediate"
""", ALL_EN.replace("aigerim", "bolat").replace("Aigerim", "Bolat"))
    with SmtpSink(refuse={"gone@example.org"}) as sink:
        result = run_digest(newsroom, sink.port)
        assert result.returncode == 1
        assert "gone@example.org" in result.stderr
        assert sorted(r.rcpt_tos[0] for r in sink.received) == [
            "aigerim@example.org", "bolat@example.org"]
    recipients = rows(newsroom["db"], "SELECT DISTINCT recipient FROM digest_log ORDER BY 1")
    assert recipients == [("aigerim@example.org",), ("bolat@example.org",)]


def test_malicious_title_cannot_add_headers_or_recipients(tmp_path: Path) -> None:
    db = tmp_path / "newsmon.db"
    add_item(db, "https://a.test/x", "<script>alert(1)</script>\r\nBcc: x@y.test\r\nX-Evil: 1",
             ["torture"], snippet="<img src=x onerror=alert(2)>")
    write_subscriptions(tmp_path / "subscriptions.toml", ALL_EN)
    with SmtpSink() as sink:
        result = run_cli(["--db", str(db), "digest"], smtp_env(sink.port), tmp_path)
        assert result.returncode == 0, result.stderr
        (received,) = sink.received
    msg = received.message
    assert received.rcpt_tos == ["aigerim@example.org"]
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert set(msg.keys()) == {"Subject", "From", "To", "Date", "Message-ID", "List-Unsubscribe",
                               "Auto-Submitted", "MIME-Version", "Content-Type"}
    page = msg.get_body(("html",)).get_content()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bcc: x@y.test X-Evil: 1" in page
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "* <script>alert(1)</script> Bcc: x@y.test X-Evil: 1\n" in text


def test_subscription_filters(tmp_path: Path) -> None:
    db = tmp_path / "newsmon.db"
    aktobe = add_item(db, "https://a.test/1", "Пытки в Актобе", ["torture"], places=("Актобе",))
    add_item(db, "https://a.test/2", "Пытки в Алматы", ["torture"], places=("Алматы",))
    add_item(db, "https://a.test/3", "Aktobe in English", ["torture"], places=("Актобе",),
             lang="en")
    reikhert = add_item(db, "https://b.test/1", "Суд", ["art405"], source="site-b",
                        persons=("Roman Reikhert",))
    add_item(db, "https://b.test/2", "Другой суд", ["art405"], source="site-b")
    add_item(db, "https://a.test/4", "Reikhert elsewhere", ["art405"], persons=("Roman Reikhert",))
    write_subscriptions(tmp_path / "subscriptions.toml", """
email = "west@example.org"
name = "Запад"
topics = ["torture"]
frequency = "immediate"
regions = ["актобе"]
languages = ["ru"]
""", """
email = "courts@example.org"
name = "Courts"
topics = ["art405"]
frequency = "daily"
sources = ["site-b"]
persons = ["roman reikhert"]
""")
    with SmtpSink() as sink:
        result = run_cli(["--db", str(db), "digest"], smtp_env(sink.port), tmp_path)
        assert result.returncode == 0, result.stderr
        by_rcpt = {r.rcpt_tos[0]: r.message for r in sink.received}
    sent = dict(rows(db, "SELECT recipient, group_concat(item_id) FROM digest_log GROUP BY 1"))
    assert sent == {"west@example.org": str(aktobe), "courts@example.org": str(reikhert)}
    assert by_rcpt["west@example.org"]["Subject"].startswith("newsmon: пытки 1 — ")
    assert by_rcpt["courts@example.org"]["Subject"].startswith("newsmon: ст. 405 1 — ")


def test_dry_run_writes_eml_files_and_records_nothing(newsroom: dict) -> None:
    out = newsroom["dir"] / "outbox"
    env = smtp_env(free_port())
    del env["NEWSMON_SMTP_HOST"]  # a dry run needs no server
    result = run_cli(["--db", str(newsroom["db"]), "digest", "--dry-run", str(out)], env,
                     newsroom["dir"])
    assert result.returncode == 0, result.stderr
    (eml,) = out.glob("*.eml")
    assert result.stdout.strip() == str(eml)
    assert b"Subject: newsmon: 2 torture, 1 detention" in eml.read_bytes()
    assert rows(newsroom["db"], "SELECT count(*) FROM digest_log") == [(0,)]
    assert rows(newsroom["db"], "SELECT count(*) FROM digest_state") == [(0,)]


def test_without_file_the_table_is_used(tmp_path: Path) -> None:
    db_path = tmp_path / "newsmon.db"
    add_item(db_path, "https://a.test/1", "Задержан активист", ["detention"])
    db = connect(db_path)
    ensure_demo_subscription(db)
    ensure_demo_subscription(db)  # idempotent
    db.close()
    with SmtpSink() as sink:
        result = run_cli(["--db", str(db_path), "digest"], smtp_env(sink.port), tmp_path)
        assert result.returncode == 0, result.stderr
        (received,) = sink.received
    assert received.rcpt_tos == ["coordinator@example.org"]
    assert "subscriptions table" in received.message.get_body(("plain",)).get_content()


def test_file_is_synced_into_the_table(newsroom: dict) -> None:
    result = run_digest(newsroom, free_port(), "--dry-run", str(newsroom["dir"] / "out"))
    assert result.returncode == 0, result.stderr
    assert rows(newsroom["db"], "SELECT email, topics, frequency FROM subscriptions") == [
        ("aigerim@example.org", '["torture", "art405", "detention"]', "immediate")]


@pytest.mark.parametrize(("body", "problem"), [
    ('email = "a@example.org"\nname = "A"\ntopics = ["tortur"]', "unknown topic(s) tortur"),
    ('email = "a@example.org"\nname = "A"\ntopics = ["torture"]\nfrequency = "hourly"',
     "'frequency' must be one of"),
    ('email = "a@example.org"\nname = "A"\ntopics = ["torture"]\nregion = ["X"]',
     "unknown key(s) region"),
    ('email = "a@example.org\\nBcc: b@example.org"\nname = "A"\ntopics = ["torture"]',
     "'email' is not a plain address"),
    ('name = "A"\ntopics = ["torture"]', "missing 'email'"),
])
def test_bad_subscriptions_exit_2_naming_file_entry_and_problem(
    newsroom: dict, body: str, problem: str
) -> None:
    path = write_subscriptions(newsroom["dir"] / "subs.toml", ALL_EN, body)
    result = run_digest(newsroom, free_port(), "--subscriptions", str(path))
    assert result.returncode == 2
    assert f"{path}: subscription #2" in result.stderr and problem in result.stderr


def test_missing_smtp_settings_exit_2(newsroom: dict) -> None:
    env = smtp_env(free_port())
    del env["NEWSMON_SMTP_HOST"]
    result = run_cli(["--db", str(newsroom["db"]), "digest"], env, newsroom["dir"])
    assert result.returncode == 2
    assert "NEWSMON_SMTP_HOST is not set" in result.stderr


def test_no_subscriptions_needs_no_smtp(tmp_path: Path) -> None:
    db = tmp_path / "newsmon.db"
    add_item(db, "https://a.test/1", "Задержан", ["detention"])
    env = smtp_env(free_port())
    del env["NEWSMON_SMTP_HOST"]
    result = run_cli(["--db", str(db), "digest"], env, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
