"""Issue 18, finding 9: no false "удалено". A cut-off or dripping answer is `unreachable`, never
a takedown; a page found gone is `missing` until a check a day later agrees, and only then does
the digest tell coordinators it was removed."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli import cli
from newsmon.demo.siteserver import Raw, SiteServer
from store import connect
from tests.faults.helpers import record_finding
from tests.support.db import rows
from tests.support.evidence import PARAGRAPHS, add_item, article_html, run_cli, set_html
from tests.support.hostile import cut_short, drip
from tests.support.smtp import write_subscriptions

pytestmark = pytest.mark.e2e

TITLE = "Задержанного избили в изоляторе"
COORDINATOR = """
email = "aigerim@example.org"
name = "Айгерим"
topics = ["torture"]
frequency = "immediate"
label_language = "ru"
"""
GONE = "<html><body><h1>Страница не найдена</h1></body></html>"


def recheck(db_path: Path, *args: str) -> list[str]:
    result = run_cli(db_path, "recheck", "--delay", "0", *args)
    assert result.exit_code == 0, result.output
    return [o for (o,) in rows(db_path, "SELECT outcome FROM rechecks ORDER BY id")]


def digest_text(db_path: Path, tmp_path: Path, n: int) -> str:
    """A dry-run digest (nothing recorded) as the coordinator would read it."""
    out = tmp_path / f"mail-{n}"
    subs = write_subscriptions(tmp_path / "subscriptions.toml", COORDINATOR)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "digest", "--dry-run", str(out),
                                      "--subscriptions", str(subs)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    import email
    from email.policy import default

    texts = [email.message_from_bytes(p.read_bytes(), policy=default).get_body(
        ("plain",)).get_content() for p in out.glob("*.eml")]
    return "\n".join(texts)


def test_cut_off_and_dripping_answers_are_unreachable_not_removed(db_path: Path,
                                                                   tmp_path: Path) -> None:
    page = article_html(TITLE, PARAGRAPHS)
    with SiteServer() as site:
        url = site.base_url + "/a.html"
        add_item(connect(db_path), url, page)
        site.pages["/a.html"] = cut_short(page[:300], declared=len(page.encode()))
        first = recheck(db_path, "--force")
        site.pages["/a.html"] = drip(page, every=0.3)
        second = recheck(db_path, "--force", "--timeout", "1")
    assert first + second[1:] == ["unreachable", "unreachable"]
    details = [d for (d,) in rows(db_path, "SELECT detail FROM rechecks ORDER BY id")]
    assert "cut short" in details[0] and "timeout after 1s" in details[1]
    assert "[удалено]" not in digest_text(db_path, tmp_path, 1)
    assert rows(db_path, "SELECT count(*) FROM snapshots") == [(1,)]


def dripping_headers(every: float) -> Raw:
    """A status line, then header bytes one at a time: each read is quick, the whole is not."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        h.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n")
        for byte in b"X-Slow: " + b"z" * 1000:
            if h.server.site.stopping.wait(every):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    return Raw(answer)


def test_headers_dripping_past_the_timeout_are_unreachable(db_path: Path) -> None:
    with SiteServer() as site:
        add_item(connect(db_path), site.base_url + "/a.html", article_html(TITLE, PARAGRAPHS))
        site.pages["/a.html"] = dripping_headers(every=0.2)
        outcomes = recheck(db_path, "--force", "--timeout", "1")
    assert outcomes == ["unreachable"]
    assert "timeout after 1s" in rows(db_path, "SELECT detail FROM rechecks")[0][0]


def test_removed_needs_a_second_check_a_day_later(db_path: Path, tmp_path: Path) -> None:
    with SiteServer() as site:
        url = site.base_url + "/a.html"
        item_id, _ = add_item(connect(db_path), url, article_html(TITLE, PARAGRAPHS))
        set_html(site, "/a.html", GONE, status=404)
        assert recheck(db_path, "--force") == ["missing"]
        assert recheck(db_path) == ["missing"]  # not due again yet: no second check
        assert "[удалено]" not in digest_text(db_path, tmp_path, 1)
        # a day passes: the confirming check is due without --force
        db = connect(db_path)
        db.execute("UPDATE rechecks SET checked_at = '2024-01-01T00:00:00Z'")
        db.conn.commit()
        db.close()
        assert recheck(db_path) == ["missing", "removed"]
    assert rows(db_path, "SELECT recheck_status FROM items WHERE id = ?", [item_id]) == [
        ("removed",)]
    assert "[удалено]" in digest_text(db_path, tmp_path, 2)


def test_a_page_back_before_the_second_check_is_not_removed(db_path: Path, tmp_path: Path
                                                             ) -> None:
    with SiteServer() as site:
        url = site.base_url + "/a.html"
        add_item(connect(db_path), url, article_html(TITLE, PARAGRAPHS))
        set_html(site, "/a.html", GONE, status=404)
        recheck(db_path, "--force", "--confirm-after", "0")
        set_html(site, "/a.html", article_html(TITLE, PARAGRAPHS))  # a glitch: it is back
        recheck(db_path, "--force", "--confirm-after", "0")
        set_html(site, "/a.html", GONE, status=404)
        outcomes = recheck(db_path, "--force", "--confirm-after", "0")
    assert outcomes == ["missing", "unchanged", "missing"]
    assert "[удалено]" not in digest_text(db_path, tmp_path, 1)
    record_finding(9, "takedowns", {"inputs": 5, "false_removed": 0})
