"""Crawled content is untrusted wherever it is shown: the terminal, logs, email."""

from __future__ import annotations

import email
import re
from email.policy import default as default_policy
from pathlib import Path

import lxml.html
import pytest

from newsmon.demo.siteserver import SiteServer
from newsmon.jobs.demo import summary
from store import connect, record_error, start_run
from tests.faults.helpers import FAST, TORTURE_SUBSCRIBER, article_text, feed_source, rss
from tests.support.cli import run_newsmon
from tests.support.hostile import page
from tests.support.net import free_port
from tests.support.smtp import add_item, run_cli, smtp_env, write_subscriptions

pytestmark = pytest.mark.e2e

#: C0/C1 controls other than newline and tab, and DEL: what lets text drive a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EVIL_TITLE = "\x1b[2J\x1b]0;pwned\x07Суд в Актобе \x1b[31mRED\x9b31m\x08\x08"
EVIL_HTML = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def controls(text: str) -> list[str]:
    return sorted({repr(m) for m in CONTROL.findall(text.replace("\r\n", "\n"))})


def test_crawl_output_and_stored_titles_carry_no_terminal_escapes(tmp_path: Path):
    body = (f"<html><head><title>{EVIL_TITLE}</title></head><body><article><h1>{EVIL_TITLE}"
            f"</h1><p>{article_text(1)}</p><p>\x1b[5m{article_text(2)}</p></article></body>"
            "</html>")
    routes = {"/a/evil.html": page(body), "/a/missing.html": page(b"no", 404),
              "/rss.xml": page(rss(["/a/evil.html", "/a/missing.html"]),
                               content_type="application/rss+xml")}
    with SiteServer(routes) as server:
        sources = feed_source(tmp_path / "sources.toml", "evil", server.base_url, ["/rss.xml"])
        db = tmp_path / "newsmon.db"
        result = run_newsmon("-vv", "--db", str(db), "crawl", "--sources", str(sources), *FAST)
    assert result.returncode == 1, result.stderr[-2000:]
    assert not controls(result.stdout), controls(result.stdout)
    assert not controls(result.stderr), controls(result.stderr)
    conn = connect(db)
    (title, text), = conn.execute("SELECT title, text FROM items").fetchall()
    conn.close()
    assert "Суд в Актобе" in title
    assert not controls(title), repr(title)
    assert not controls(text), "control characters stored in item text"


def test_demo_summary_prints_no_control_characters(tmp_path: Path):
    db_path = tmp_path / "newsmon.db"
    add_item(db_path, "https://a.test/1", EVIL_TITLE + EVIL_HTML, ["torture"])
    db = connect(db_path)
    run = start_run(db, "demo", ["evil\x1b[31m"])
    record_error(db, run, "evil\x1b[31m", "http://a.test/\x1b[2Jx", "fetch\x07",
                 "reason \x1b]0;title\x07")
    db.close()
    text = summary(db_path)
    assert "Суд в Актобе" in text
    assert not controls(text), controls(text)


def test_digest_email_escapes_crawled_titles_and_keeps_headers_intact(tmp_path: Path):
    db = tmp_path / "newsmon.db"
    title = f"{EVIL_HTML} Суд\r\nBcc: thief@evil.example\r\n\x1b[31m"
    add_item(db, "https://a.test/1?q=<b>&x=\"'", title, ["torture"],
             snippet=f"{EVIL_HTML}\r\nX-Injected: yes")
    write_subscriptions(tmp_path / "subscriptions.toml", TORTURE_SUBSCRIBER)
    env = smtp_env(free_port())
    del env["NEWSMON_SMTP_HOST"]
    out = tmp_path / "outbox"
    result = run_cli(["--db", str(db), "digest", "--dry-run", str(out)], env, tmp_path)
    assert result.returncode == 0, result.stderr
    (eml,) = out.glob("*.eml")
    raw = eml.read_bytes()
    msg = email.message_from_bytes(raw, policy=default_policy)
    assert msg.get_all("Bcc") is None and msg.get_all("X-Injected") is None
    assert [a.addr_spec for a in msg["To"].addresses] == ["aigerim@example.org"]
    for name, value in msg.items():
        assert not controls(str(value)), (name, value)
    html_part = msg.get_body(("html",))
    if html_part is not None:
        html = html_part.get_content()
        tree = lxml.html.document_fromstring(html)
        assert not tree.xpath("//script"), "a crawled <script> became markup"
        handlers = [a for el in tree.iter() if isinstance(el.tag, str)
                    for a in el.attrib if a.lower().startswith("on")]
        assert not handlers, handlers
        assert "&lt;script&gt;" in html
    text_part = msg.get_body(("plain",))
    assert not controls(text_part.get_content()), controls(text_part.get_content())
