"""The command line as users and cron see it: documented, JSON contract, clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from newsmon.cli import cli
from tests.support.cli import ROOT, run_newsmon

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRACT_KEYS = {"lang", "topics", "scores", "flagged", "evidence", "articles", "places",
                 "persons"}


COMMANDS = cli.list_commands(click.Context(cli))


def test_every_listed_command_loads():
    ctx = click.Context(cli)
    assert len(COMMANDS) >= 16
    assert all(isinstance(cli.get_command(ctx, name), click.Command) for name in COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_the_readme(name):
    assert re.search(rf"`newsmon {re.escape(name)}\b", README), f"README lacks newsmon {name}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    command = cli.get_command(click.Context(cli), name)
    assert command.help and command.help.strip()


def test_readme_starts_with_demo_and_test_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert commands[0].endswith("newsmon demo")
    assert commands[1] == "bash .ci/run"
    assert ".venv/bin/python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_classify_answers_the_json_contract(tmp_path: Path):
    lines = [
        {"title": "Активиста избили в полиции", "text": "В Актобе полицейские избили "
         "задержанного активиста, возбуждено дело по статье 146.", "url": "https://x/1"},
        {"title": "Белсенді ұсталды", "text": "Полиция белсендіні 10 тәулікке қамады."},
        {"title": "Weather", "text": "Sunny weather is expected in Almaty this weekend."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines),
                      encoding="utf-8")
    result = run_newsmon("classify", str(source))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    for answer in out:
        assert CONTRACT_KEYS <= set(answer)
        assert set(answer["scores"]) == {"torture", "art405", "detention"}
        assert answer["flagged"] == bool(answer["topics"])
    assert out[0]["url"] == "https://x/1"
    assert out[0]["lang"] == "ru" and "torture" in out[0]["topics"]
    assert "146" in out[0]["articles"] and "Aktobe" in out[0]["places"]
    assert all({"topic", "rule", "match", "snippet"} <= set(e) for e in out[0]["evidence"])
    assert out[1]["lang"] == "kk" and out[1]["topics"] == ["detention"]
    assert out[2]["lang"] == "en" and out[2]["flagged"] is False


def test_classify_reports_bad_lines_and_goes_on():
    stdin = 'not json\n{"title": "Weather", "text": "Rain in Astana."}\n[1, 2]\n'
    result = run_newsmon("classify", input=stdin)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["line"] == 1 and "invalid JSON" in out[0]["error"]
    assert out[1]["flagged"] is False
    assert out[2]["line"] == 3 and "error" in out[2]
    assert "line 1:" in result.stderr and "line 3:" in result.stderr


def test_reclassify_keeps_triage(db_path):
    from store import connect, save_item

    db = connect(db_path)
    item_id, _ = save_item(db, {
        "url": "https://x/a", "source": "s", "title": "Активиста избили в полиции",
        "text": "Полицейские избили задержанного активиста в Актобе.", "lang": "ru",
        "published": None, "authors": [], "fetched_at": "2026-11-21T00:00:00Z",
        "fetched_url": "https://x/a", "content_hash": "h"}, {"topics": [], "scores": {}})
    db["triage"].insert({"item_id": item_id, "status": "relevant", "note": "keep me",
                         "updated_by": "alice", "updated_at": "2026-11-21T00:00:00Z"})
    db.close()
    result = run_newsmon("--db", str(db_path), "reclassify")
    assert result.returncode == 0, result.stderr
    assert re.search(r"reclassified 1 items .* items/s", result.stdout)
    db = connect(db_path)
    assert db["items"].get(item_id)["flagged"] == 1
    assert db["triage"].get(item_id)["note"] == "keep me"
