"""Source health: runs recorded per source, warnings when a yielding source goes quiet."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner

from newsmon.cli import cli
from newsmon.jobs.sources import source_health
from sites.sources import load_sources
from store import connect
from store.discovered import save_discovered
from tests.support.sites import sources_toml

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


def add_run(db, source: str, ended: str, found: int, feeds: int = 1, failed: int = 0,
            failures: dict | None = None) -> None:
    db["source_runs"].insert({
        "run_id": ended, "source": source, "started_at": ended, "ended_at": ended,
        "feeds_fetched": feeds, "feeds_not_modified": 0, "found": found, "new": found,
        "updated": 0, "unchanged": 0,
        "skipped": 0, "failed": failed, "failures_json": json.dumps(failures or {}),
        "finish_reason": "finished"}, pk=("run_id", "source"))


def make_sources(tmp_path):
    entries = [{"name": n, "title": n, "adapter": "wordpress", "base_url": f"https://{n}.kz",
                "languages": ["ru"]} for n in ("fine", "quiet", "broken", "fresh")]
    return load_sources(sources_toml(tmp_path / "s.toml", entries))


def test_warnings(tmp_path):
    db = connect(tmp_path / "db.sqlite")
    add_run(db, "fine", "2024-05-10T11:00:00Z", 5)
    for hour in ("08", "09", "10"):
        add_run(db, "quiet", f"2024-05-10T{hour}:00:00Z", 0)
    add_run(db, "quiet", "2024-05-09T08:00:00Z", 4)
    add_run(db, "broken", "2024-05-10T11:00:00Z", 0, feeds=0, failed=2,
            failures={"feed: HTTP 404": 2})
    db["items"].insert({"url": "u", "source": "fine", "fetched_at": "2024-05-09T00:00:00Z",
                        "first_seen": "2024-05-09T00:00:00Z"})
    rows = {r["source"]: r for r in source_health(db, make_sources(tmp_path), NOW)}
    assert rows["fine"]["warning"] == "" and rows["fine"]["items_7d"] == 1
    assert "last 3 runs" in rows["quiet"]["warning"]
    assert rows["quiet"]["last_success"] == "2024-05-10T10:00:00Z"
    assert "feed: HTTP 404 ×2" in rows["broken"]["warning"]
    assert rows["broken"]["last_success"] is None
    assert rows["fresh"]["warning"] == "never crawled"


def test_quiet_for_a_day_warns_before_three_runs(tmp_path):
    db = connect(tmp_path / "db.sqlite")
    add_run(db, "quiet", "2024-05-08T10:00:00Z", 3)
    add_run(db, "quiet", "2024-05-10T10:00:00Z", 0)
    rows = {r["source"]: r for r in source_health(db, make_sources(tmp_path), NOW)}
    assert "since 2024-05-08T10:00:00Z" in rows["quiet"]["warning"]


def test_feeds_answering_304_are_healthy_not_quiet(tmp_path):
    db = connect(tmp_path / "db.sqlite")
    add_run(db, "quiet", "2024-05-10T07:00:00Z", 4)
    for hour in ("08", "09", "10", "11"):
        add_run(db, "quiet", f"2024-05-10T{hour}:00:00Z", 0)
        db["source_runs"].update((f"2024-05-10T{hour}:00:00Z", "quiet"),
                                 {"feeds_not_modified": 1})
    rows = {r["source"]: r for r in source_health(db, make_sources(tmp_path), NOW)}
    assert rows["quiet"]["warning"] == ""


def test_a_replaced_feed_is_a_note_not_a_warning(tmp_path):
    entries = [{"name": "moved", "title": "m", "adapter": "feed", "base_url": "https://m.kz",
                "languages": ["ru"], "feeds": ["/rss"]}]
    sources = load_sources(sources_toml(tmp_path / "m.toml", entries))
    db = connect(tmp_path / "db.sqlite")
    add_run(db, "moved", "2024-05-10T11:00:00Z", 5)
    save_discovered(db, "moved", [
        {"kind": "feed", "path": "/feed/", "how": "link", "verified": True, "replaces": "/rss"},
        {"kind": "feed", "path": "/comments/feed/", "how": "link", "verified": False}])
    (row,) = source_health(db, sources, NOW)
    assert row["notes"] == ["feed moved: now https://m.kz/feed/ (was /rss)"]
    assert row["warning"] == ""
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "db.sqlite"), "sources",
                                      "--sources", str(tmp_path / "m.toml")])
    assert result.exit_code == 0, result.output
    assert "moved: feed moved: now https://m.kz/feed/ (was /rss)" in result.output


def test_sources_command_prints_the_table_and_exits_1_when_one_needs_attention(tmp_path):
    make_sources(tmp_path)
    connect(tmp_path / "db.sqlite").close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "db.sqlite"), "sources",
                                      "--sources", str(tmp_path / "s.toml")])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0].startswith("source")
    assert "never crawled" in result.output


def test_sources_command_refuses_a_missing_database(tmp_path):
    make_sources(tmp_path)
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(cli, ["--db", str(missing), "sources",
                                      "--sources", str(tmp_path / "s.toml")])
    assert result.exit_code == 2
    assert "no newsmon database here" in result.output and not missing.exists()


def test_sources_command_exits_2_on_a_bad_sources_file(tmp_path):
    (tmp_path / "s.toml").write_text("[[source]]\nname = 1\n", encoding="utf-8")
    connect(tmp_path / "db.sqlite").close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "db.sqlite"), "sources",
                                      "--sources", str(tmp_path / "s.toml")])
    assert result.exit_code == 2 and "s.toml" in result.output
