"""Data safety: the first release's database migrates forward without loss; reclassify keeps
triage."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from core.clock import parse_utc
from store import connect
from store.migrations import MIGRATIONS, TIMESTAMP_COLUMNS
from tests.faults.helpers import record_figures, rows
from tests.faults.make_schema_v1 import FIXTURE, V1
from tests.support.cli import run_newsmon

pytestmark = pytest.mark.e2e

V1_TABLES = ("items", "item_topics", "item_entities", "triage", "crawl_runs", "crawl_errors",
             "digest_log")


@pytest.fixture()
def v1_copy(tmp_path: Path) -> Path:
    """A private copy of the committed v1 fixture (the fixture itself is never written)."""
    assert FIXTURE.exists(), "run python -m tests.faults.make_schema_v1"
    path = tmp_path / "newsmon.db"
    shutil.copy(FIXTURE, path)
    return path


def moment(value: object) -> object:
    """A timestamp as the instant it names (the one-form migration rewrites how, not when)."""
    if isinstance(value, str):
        try:
            return parse_utc(value)
        except ValueError:
            return value
    return value


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the v1 tables, in v1's columns only (later migrations may add columns);
    timestamp columns compared as instants."""
    data = {}
    for table in V1_TABLES:
        columns = [c for (_, c, *_rest) in rows(FIXTURE, f"PRAGMA table_info({table})")]
        stamps = set(TIMESTAMP_COLUMNS.get(table, ()))
        data[table] = [
            tuple(moment(v) if c in stamps else v for c, v in zip(columns, row, strict=True))
            for row in rows(db, f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2, 3")]
    return data


def test_old_timestamps_are_rewritten_in_the_one_form(v1_copy):
    connect(v1_copy).close()
    for table, columns in TIMESTAMP_COLUMNS.items():
        for column in columns:
            found = rows(v1_copy, "SELECT name FROM pragma_table_info(?) WHERE name = ?",
                         (table, column))
            if not found:
                continue
            values = [v for (v,) in rows(v1_copy, f"SELECT {column} FROM {table}") if v]
            assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v)
                       for v in values), (table, column, values)


def test_fixture_is_the_first_release_schema():
    applied = [name for (name,) in rows(FIXTURE, "SELECT name FROM _migrations ORDER BY name")]
    assert applied == sorted(fn.__name__ for fn in V1)
    assert len(MIGRATIONS) > len(V1), "nothing to migrate: the test would prove nothing"


def test_v1_database_migrates_forward_without_loss(v1_copy):
    before = snapshot(FIXTURE)
    db = connect(v1_copy)
    applied = {r["name"] for r in db["_migrations"].rows}
    db.close()
    assert applied == {fn.__name__ for fn in MIGRATIONS}
    after = snapshot(v1_copy)
    for table in V1_TABLES:
        assert after[table] == before[table], table
    assert rows(v1_copy, "PRAGMA integrity_check") == [("ok",)]
    assert rows(v1_copy, "PRAGMA foreign_key_check") == []
    hits = rows(v1_copy, "SELECT rowid FROM items_search WHERE items_search MATCH ?", ('"пытк"*',))
    assert hits == [(1,)]  # the (rebuilt, folded) full-text index still covers the old rows
    reopened = connect(v1_copy)  # a second open applies nothing and changes nothing
    reopened.close()
    assert snapshot(v1_copy) == after
    record_figures("migration_v1", {
        "v1_migrations": len(V1), "migrations_now": len(MIGRATIONS),
        "rows_checked": sum(len(v) for v in before.values()), "rows_lost": 0})


def test_reclassify_never_touches_triage(v1_copy):
    connect(v1_copy).close()
    triage_tables = [t for t in ("triage", "triage_log") if rows(
        v1_copy, "SELECT name FROM sqlite_master WHERE name = ?", (t,))]
    before = {t: rows(v1_copy, f"SELECT * FROM {t} ORDER BY 1") for t in triage_tables}
    result = run_newsmon("--db", str(v1_copy), "reclassify", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    for table in triage_tables:
        assert rows(v1_copy, f"SELECT * FROM {table} ORDER BY 1") == before[table], table
    # The classification really was redone (v1's fake evidence rule ids are gone) ...
    assert rows(v1_copy, "SELECT count(*) FROM item_topics WHERE evidence LIKE '%v1.%'") == [(0,)]
    # ... and the triage decisions still point at their items.
    assert rows(v1_copy, "SELECT t.status, i.url FROM triage t JOIN items i ON i.id = t.item_id "
                         "ORDER BY t.item_id")[0][0] == "relevant"
