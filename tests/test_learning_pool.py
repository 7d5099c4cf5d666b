"""Pooling triage between installations: export, import by canonical URL, and no newer local
decision replaced without saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from learning.feedback import TopicReport, record
from learning.pool import Word, choose
from newsmon.cli import cli
from store import connect
from tests.support.db import rows, store_item


def decide(db_path: Path, item_id: int, status: str, by: str, at: str, note: str = "") -> None:
    db = connect(db_path)
    db["triage"].upsert({"item_id": item_id, "status": status, "note": note, "updated_by": by,
                         "updated_at": at}, pk="item_id")
    db.close()


def newsmon(db_path: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input)


@pytest.mark.parametrize(("local", "theirs", "prefer", "action"), [
    (None, "relevant@2", "newer", "added"),
    ("new@9", "relevant@2", "newer", "added"),
    ("relevant@1", "relevant@2", "newer", "same"),
    ("relevant@1", "not_relevant@2", "newer", "replaced"),
    ("relevant@3", "not_relevant@2", "newer", "kept"),
    ("relevant@1", "not_relevant@2", "ours", "kept"),
    ("relevant@3", "not_relevant@2", "theirs", "replaced"),
])
def test_which_decision_wins(local: str | None, theirs: str, prefer: str, action: str) -> None:
    def word(text: str) -> Word:
        value, at = text.split("@")
        return Word(value, "x", f"2026-11-0{at}T00:00:00Z")

    assert choose(word(local) if local else None, word(theirs), prefer) == action


@pytest.fixture
def two_sites(tmp_path: Path) -> tuple[Path, Path]:
    """`there` decided on five articles; `here` has four of them, some decided differently."""
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    for n in range(1, 6):
        store_item(there, f"https://www.site.example/news/{n}", f"Статья {n}",
                   ["torture"] if n != 5 else [])
    for n in (1, 2, 3, 5):
        store_item(here, f"https://site.example/news/{n}", f"Статья {n}",
                   ["torture"] if n != 5 else [])
    decide(there, 1, "relevant", "bob", "2026-11-02T09:00:00Z", note="source: a cousin")
    decide(there, 2, "not_relevant", "bob", "2026-11-05T09:00:00Z")
    decide(there, 3, "relevant", "bob", "2026-11-01T09:00:00Z")
    decide(there, 4, "relevant", "bob", "2026-11-01T09:00:00Z")
    db = connect(there)
    record(db.conn, TopicReport(5, "torture", "missed", "", "bob", "2026-11-06T09:00:00Z"))
    db.close()
    decide(here, 2, "relevant", "alice", "2026-11-03T09:00:00Z", note="call back")
    decide(here, 3, "not_relevant", "alice", "2026-11-04T09:00:00Z")
    return here, there


def test_export_then_import_says_what_it_chose(two_sites: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    here, there = two_sites
    exported = newsmon(there, "triage", "export", str(tmp_path / "pool.jsonl"),
                       "--origin", "org-b")
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(x) for x in (tmp_path / "pool.jsonl").read_text().splitlines()]
    assert len(lines) == 5 and all(r["origin"] == "org-b" for r in lines)
    assert "note" not in json.dumps(lines)  # notes stay home unless --with-notes

    result = newsmon(here, "triage", "import", str(tmp_path / "pool.jsonl"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "added 2, replaced 1, kept 1, unknown 1"
    assert "kept not_relevant by alice at 2026-11-04T09:00:00Z over relevant by bob@org-b" \
        in result.output
    assert "not_relevant by bob@org-b at 2026-11-05T09:00:00Z replaced relevant by alice" \
        in result.output
    assert rows(here, "SELECT item_id, status, note, updated_by FROM triage ORDER BY item_id") == [
        (1, "relevant", "", "bob@org-b"),
        (2, "not_relevant", "call back", "bob@org-b"),  # our note is never replaced
        (3, "not_relevant", "", "alice"),
    ]
    assert rows(here, "SELECT item_id, status FROM triage_log ORDER BY id") == [
        (1, "relevant"), (2, "not_relevant")]
    assert rows(here, "SELECT item_id, topic, verdict, reported_by FROM topic_reports") == [
        (4, "torture", "missed", "bob@org-b")]  # item 5 there is item 4 here

    again = newsmon(here, "triage", "import", str(tmp_path / "pool.jsonl"))
    assert again.output.splitlines()[0] == "kept 1, same 3, unknown 1"


def test_prefer_ours_and_dry_run_write_nothing_newer(two_sites: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    here, there = two_sites
    pool = tmp_path / "pool.jsonl"
    newsmon(there, "triage", "export", str(pool), "--with-notes")
    assert "source: a cousin" in pool.read_text()
    before = rows(here, "SELECT * FROM triage ORDER BY item_id")
    dry = newsmon(here, "triage", "import", str(pool), "--dry-run")
    assert dry.output.startswith("would be added 2, replaced 1, kept 1")
    assert rows(here, "SELECT * FROM triage ORDER BY item_id") == before
    ours = newsmon(here, "triage", "import", str(pool), "--prefer", "ours")
    assert ours.output.splitlines()[0] == "added 2, kept 2, unknown 1"
    assert rows(here, "SELECT status, note FROM triage WHERE item_id IN (1, 2) "
                      "ORDER BY item_id") == [("relevant", "source: a cousin"),
                                              ("relevant", "call back")]


def test_a_bad_line_stops_the_import_before_anything_is_written(two_sites, tmp_path) -> None:
    here, _ = two_sites
    pool = tmp_path / "bad.jsonl"
    pool.write_text(json.dumps({"url": "https://site.example/news/1",
                                "triage": {"status": "relevant", "at": "2026-12-01T00:00:00Z"}})
                    + "\n" + json.dumps({"url": "https://site.example/news/3",
                                         "triage": {"status": "urgent", "at": "x"}}) + "\n")
    result = newsmon(here, "triage", "import", str(pool))
    assert result.exit_code == 2
    assert "bad.jsonl: line 2: 'status' must be one of" in result.output
    assert rows(here, "SELECT count(*) FROM triage WHERE item_id = 1") == [(0,)]
