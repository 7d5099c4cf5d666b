"""Pure parts of the Datasette plugin: users config, anonymous rules, highlighting, SQL."""

from __future__ import annotations

import sqlite3

import pytest

from datasette_plugins.access import (
    UsersError,
    anonymous_decision,
    anonymous_mode,
    parse_users,
)
from datasette_plugins.highlight import evidence_matches, highlight
from datasette_plugins.queries import QueueFilter, queue_sql
from datasette_plugins.triage import TriageChange, TriageError, apply_change
from tests.support.datasette import make_db


def test_parse_users_accepts_semicolons_newlines_and_comments() -> None:
    a, b = "pbkdf2_sha256$1$a$" + "A" * 44, "pbkdf2_sha256$1$c$" + "B" * 44
    users = parse_users(f"alice:{a}; bob:{b}\n# x\n", "env")
    assert users == {"alice": a, "bob": b}


@pytest.mark.parametrize("text", ["alice", "alice:secret", "al ice:pbkdf2_sha256$x"])
def test_parse_users_rejects_plain_passwords_and_bad_names(text: str) -> None:
    with pytest.raises(UsersError, match="entry 1"):
        parse_users(text, "NEWSMON_USERS")


def test_anonymous_mode_is_validated() -> None:
    assert anonymous_mode({}) == "none"
    assert anonymous_mode({"NEWSMON_ANONYMOUS": "READ"}) == "read"
    with pytest.raises(UsersError):
        anonymous_mode({"NEWSMON_ANONYMOUS": "all"})


@pytest.mark.parametrize(("mode", "action", "resource", "sql", "expected"), [
    ("none", "view-instance", None, None, False),
    ("none", "view-table", ("newsmon", "items"), None, False),
    ("read", "view-table", ("newsmon", "items"), None, None),
    ("read", "view-table", ("newsmon", "Triage"), None, False),
    ("read", "view-query", ("newsmon", "q"), "select * from items", None),
    ("read", "view-query", ("newsmon", "q"), "select note from triage", False),
    ("read", "execute-sql", "newsmon", None, False),
    ("read", "view-database-download", "newsmon", None, False),
    ("read", "permissions-debug", None, None, None),
])
def test_anonymous_decision(mode, action, resource, sql, expected) -> None:
    assert anonymous_decision(mode, action, resource, sql) is expected


def test_highlight_escapes_then_marks() -> None:
    out = str(highlight("<b>Пытки</b> & пытки", ["пытки"]))
    assert out == "&lt;b&gt;<mark>Пытки</mark>&lt;/b&gt; &amp; <mark>пытки</mark>"
    assert str(highlight("a <i>", [])) == "a &lt;i&gt;"
    assert str(highlight("x", ["<script>"])) == "x"


def test_evidence_matches_ignores_bad_json() -> None:
    assert evidence_matches(['[{"match": "азап"}, {"match": ""}]', "oops", None]) == ["азап"]


def test_queue_sql_is_parameterised(tmp_path) -> None:
    make_db(tmp_path / "n.db")
    flt = QueueFilter({"source": "x' OR 1=1 --", "q": "ұсталды"})
    sql, params = queue_sql(flt)
    assert "x'" not in sql
    with sqlite3.connect(tmp_path / "n.db") as conn:
        assert conn.execute(sql, params).fetchall() == []


def test_apply_change_validates_and_logs(tmp_path) -> None:
    make_db(tmp_path / "n.db")
    with pytest.raises(TriageError):
        TriageChange.from_form({"status": "maybe"}, "alice")
    change = TriageChange.from_form({"status": "relevant", "note": " n "}, "alice")
    conn = sqlite3.connect(tmp_path / "n.db")
    assert apply_change(conn, [1, 2, 999], change) == 2
    assert conn.execute("SELECT count(*) FROM triage_log").fetchone() == (2,)
    with pytest.raises(TriageError):
        apply_change(conn, [999], change)
