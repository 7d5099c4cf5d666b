"""Source health: runs recorded per source, warnings when a yielding source goes quiet."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils
from click.testing import CliRunner

from crawler.commands.sources_cmd import sources_cmd
from crawler.health import source_health
from crawler.sources import load_sources
from tests.sites import sources_toml

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


def add_run(db, source: str, ended: str, found: int, feeds: int = 1, failed: int = 0,
            failures: dict | None = None) -> None:
    db["source_runs"].insert({
        "run_id": ended, "source": source, "started_at": ended, "ended_at": ended,
        "feeds_fetched": feeds, "found": found, "new": found, "updated": 0, "unchanged": 0,
        "skipped": 0, "failed": failed, "failures_json": json.dumps(failures or {}),
        "finish_reason": "finished"}, pk=("run_id", "source"))


def make_sources(tmp_path):
    entries = [{"name": n, "title": n, "adapter": "wordpress", "base_url": f"https://{n}.kz",
                "languages": ["ru"]} for n in ("fine", "quiet", "broken", "fresh")]
    return load_sources(sources_toml(tmp_path / "s.toml", entries))


def test_warnings(tmp_path):
    db = sqlite_utils.Database(tmp_path / "db.sqlite")
    add_run(db, "fine", "2024-05-10T11:00:00Z", 5)
    for hour in ("08", "09", "10"):
        add_run(db, "quiet", f"2024-05-10T{hour}:00:00Z", 0)
    add_run(db, "quiet", "2024-05-09T08:00:00Z", 4)
    add_run(db, "broken", "2024-05-10T11:00:00Z", 0, feeds=0, failed=2,
            failures={"feed: HTTP 404": 2})
    db["items"].insert({"url": "u", "source": "fine", "fetched_at": "2024-05-09T00:00:00Z"})
    rows = {r["source"]: r for r in source_health(str(tmp_path / "db.sqlite"),
                                                  make_sources(tmp_path), now=NOW)}
    assert rows["fine"]["warning"] == "" and rows["fine"]["items_7d"] == 1
    assert "last 3 runs" in rows["quiet"]["warning"]
    assert rows["quiet"]["last_success"] == "2024-05-10T10:00:00Z"
    assert "feed: HTTP 404 ×2" in rows["broken"]["warning"]
    assert rows["broken"]["last_success"] is None
    assert rows["fresh"]["warning"] == "never crawled"


def test_quiet_for_a_day_warns_before_three_runs(tmp_path):
    db = sqlite_utils.Database(tmp_path / "db.sqlite")
    add_run(db, "quiet", "2024-05-08T10:00:00Z", 3)
    add_run(db, "quiet", "2024-05-10T10:00:00Z", 0)
    rows = {r["source"]: r for r in source_health(str(tmp_path / "db.sqlite"),
                                                  make_sources(tmp_path), now=NOW)}
    assert "since 2024-05-08T10:00:00Z" in rows["quiet"]["warning"]


def test_sources_command_prints_the_table(tmp_path):
    make_sources(tmp_path)
    result = CliRunner().invoke(sources_cmd, ["--sources", str(tmp_path / "s.toml")],
                                env={"NEWSMON_DB": str(tmp_path / "db.sqlite")})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("source")
    assert "never crawled" in result.output
