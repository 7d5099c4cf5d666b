"""`newsmon run` as cron runs it: crawl then digest, quiet, one at a time (exit 75 otherwise).

Most tests give the crawl half a sources file whose only source is disabled, so they need no
web site; one crawls the bundled demo sites on loopback and checks what is mailed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsmon.demo.sites import start_demo_sites
from newsmon.lock import run_lock
from tests.support.cli import newsmon_popen
from tests.support.smtp import (
    ALL_EN,
    SmtpSink,
    add_item,
    free_port,
    rows,
    run_cli,
    smtp_env,
    write_subscriptions,
)

pytestmark = pytest.mark.e2e

EX_TEMPFAIL = 75
SOURCES = """
[[source]]
name = "off"
title = "A disabled outlet"
adapter = "feed"
base_url = "http://127.0.0.1:9"
languages = ["ru"]
feeds = ["/rss"]
enabled = false
"""


@pytest.fixture
def station(tmp_path: Path) -> dict:
    """A folder as a cron job sees it: database with one flagged item, sources, subscriptions."""
    db = tmp_path / "newsmon.db"
    add_item(db, "https://a.test/1", "Activist detained in Aktobe", ["detention"])
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    write_subscriptions(tmp_path / "subscriptions.toml", ALL_EN)
    return {"db": db, "dir": tmp_path,
            "args": ["--db", str(db), "run", "--sources", str(tmp_path / "sources.toml")]}


def test_run_is_quiet_on_success_and_logs_to_file(station: dict) -> None:
    log_file = station["dir"] / "logs" / "newsmon.log"
    log_file.parent.mkdir()
    with SmtpSink() as sink:
        result = run_cli(station["args"], smtp_env(sink.port, NEWSMON_LOG_FILE=str(log_file)),
                         station["dir"])
        assert result.returncode == 0, result.stderr
        assert (result.stdout, result.stderr) == ("", "")
        assert len(sink.received) == 1
    assert rows(station["db"], "SELECT status FROM crawl_runs") == [("ok",)]
    log = log_file.read_text(encoding="utf-8")
    assert "newsmon run: crawl run 1 ok" in log and "1 message(s) with 1 item(s)" in log


def test_run_verbose_prints_one_summary_line(station: dict) -> None:
    with SmtpSink() as sink:
        result = run_cli(["-v", *station["args"]], smtp_env(sink.port), station["dir"])
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("newsmon run: crawl run 1 ok: 0 new") and "1 item(s) delivered" in line


def test_run_with_smtp_down_exits_nonzero_and_sends_later(station: dict) -> None:
    port = free_port()
    result = run_cli(station["args"], smtp_env(port), station["dir"])
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in result.stderr
    assert rows(station["db"], "SELECT count(*) FROM digest_log") == [(0,)]
    with SmtpSink(port=port) as sink:
        assert run_cli(station["args"], smtp_env(port), station["dir"]).returncode == 0
        assert len(sink.received) == 1


def test_two_runs_started_together_one_works_one_exits_75(station: dict) -> None:
    # A slow server keeps the first run busy long enough for the second to find it.
    with SmtpSink(delay=4) as sink:
        env = smtp_env(sink.port, NEWSMON_SMTP_TIMEOUT="30")
        procs = [newsmon_popen(*station["args"], env=env, cwd=station["dir"]) for _ in range(2)]
        outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
        assert len(sink.received) == 1
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, EX_TEMPFAIL], outcomes
    locked_stderr = next(err for code, err in outcomes if code == EX_TEMPFAIL)
    assert "newsmon run: another run is in progress" in locked_stderr
    assert "newsmon run)" in locked_stderr or ", newsmon run" in locked_stderr  # the holder
    assert rows(station["db"], "SELECT count(*) FROM digest_log") == [(1,)]


def test_run_exits_75_at_once_while_a_crawl_holds_the_lock(station: dict) -> None:
    with SmtpSink() as sink, run_lock(str(station["db"]), "crawl"):
        result = run_cli(station["args"], smtp_env(sink.port), station["dir"], timeout=60)
        assert result.returncode == EX_TEMPFAIL
        assert "another run is in progress" in result.stderr
        assert sink.received == []


def test_run_crawls_local_sites_and_mails_what_was_flagged(tmp_path: Path) -> None:
    sources, servers = start_demo_sites()
    try:
        (tmp_path / "sources.toml").write_text("\n".join(
            "[[source]]\n" + "\n".join(
                f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in (
                    ("name", s.name), ("title", s.title), ("adapter", s.adapter),
                    ("base_url", s.base_url), ("languages", list(s.languages)),
                    ("feeds", list(s.feeds)), ("sections", list(s.sections))))
            for s in sources), encoding="utf-8")
        write_subscriptions(tmp_path / "subscriptions.toml", ALL_EN)
        db = tmp_path / "newsmon.db"
        with SmtpSink() as sink:
            result = run_cli(["--db", str(db), "run", "--sources", str(tmp_path / "sources.toml"),
                              "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
                             smtp_env(sink.port), tmp_path)
            (received,) = sink.received
    finally:
        for server in servers:
            server.stop()
    assert result.stdout == "" and "INFO" not in result.stderr  # Scrapy's chatter kept out
    flagged = rows(db, "SELECT count(*) FROM items WHERE flagged = 1")[0][0]
    assert flagged > 0
    assert rows(db, "SELECT count(*) FROM digest_log") == [(flagged,)]
    counts = [int(n) for n in re.findall(r"(\d+) (?:torture|Art\. 405|detention)",
                                            received.message["Subject"])]
    # The subject counts stories: a republication or a ru/kk pair is one entry.
    stories = rows(db, "SELECT count(DISTINCT story_id) FROM items WHERE flagged = 1")[0][0]
    assert sum(counts) == stories < flagged
