"""Suggestions from triage, and one accepted: the diff is shown, the rule files (a copy, via
NEWSMON_RULES_DIR / NEWSMON_LEXICON_DIR) change with their comments kept, and the flags follow.
Nothing is written before a monitor accepts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifiers import classify
from classifiers.lexicon import LEXICON_DIR
from classifiers.rules import RULES_DIR, forget_rules
from learning.feedback import TopicReport, record
from newsmon.cli import cli
from store import connect, save_item
from tests.support.db import rows, set_triage

# Our own sentences. "отхлестать" (to lash) is a beating no concept knows yet; the rest of
# each sentence has a state agent and a person in custody, so agent_beats is one piece short.
MISSED = [("Надзиратели отхлестали заключённого", "Надзиратели отхлестали заключённого "
           "ремнём в колонии, рассказала его сестра."),
          ("Конвоиры отхлестали арестанта", "Конвоиры отхлестали арестанта в камере "
           "изолятора, заявил его адвокат.")]
FLAGGED = ("Полицейские избили задержанного", "Полицейские избили задержанного в отделе.")
OTHER = ("Погода в Астане", "Завтра в Астане ожидается солнечная погода без осадков.")


@pytest.fixture
def rule_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    rules, lexicon = tmp_path / "rules", tmp_path / "lexicon"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(LEXICON_DIR, lexicon)
    monkeypatch.setenv("NEWSMON_RULES_DIR", str(rules))
    monkeypatch.setenv("NEWSMON_LEXICON_DIR", str(lexicon))
    yield rules, lexicon
    forget_rules()


def store(db_path: Path, n: int, title: str, text: str) -> int:
    db = connect(db_path)
    row = {"url": f"https://news.example.kz/{n}", "source": "site-a", "title": title,
           "text": text, "lang": "ru", "published": f"2026-11-0{n}T09:00:00Z",
           "fetched_at": f"2026-11-0{n}T10:00:00Z", "content_hash": str(n)}
    item_id = save_item(db, row, classify(title, text, "ru"))[0]
    db.close()
    return item_id


def newsmon(db_path: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input,
                              catch_exceptions=False)


@pytest.fixture
def triaged(db_path: Path, rule_copy: tuple[Path, Path]) -> dict[str, int]:
    ids = {"flagged": store(db_path, 1, *FLAGGED), "other": store(db_path, 2, *OTHER)}
    ids |= {f"missed{i}": store(db_path, 3 + i, *m) for i, m in enumerate(MISSED)}
    set_triage(db_path, ids["flagged"], "relevant")
    set_triage(db_path, ids["other"], "not_relevant")
    db = connect(db_path)
    for key in ("missed0", "missed1"):
        record(db.conn, TopicReport(ids[key], "torture", "missed", "", "alice"))
    db.close()
    return ids


def test_a_missed_word_is_suggested_accepted_and_flags_follow(
        db_path: Path, rule_copy: tuple[Path, Path], triaged: dict[str, int]) -> None:
    _, lexicon = rule_copy
    before_acts = (lexicon / "acts.toml").read_text(encoding="utf-8")
    assert rows(db_path, "SELECT count(*) FROM item_topics WHERE topic = 'torture'") == [(1,)]

    found = newsmon(db_path, "rules", "suggest", "--no-dev", "--json")
    suggestions = json.loads(found.output)
    best = suggestions[0]
    assert best["summary"] == 'add "отхлестать" (ru) to concept beat_act (lexicon/acts.toml)'
    assert (best["fixes"], best["breaks"], best["examples_broken"]) == (2, 0, [])
    assert {c["item_id"] for c in best["changes"]} == {triaged["missed0"], triaged["missed1"]}
    assert (lexicon / "acts.toml").read_text(encoding="utf-8") == before_acts  # only proposed

    other = suggestions[1]  # the same word for another concept the rule lacked
    assert other["summary"] == 'add "отхлестать" (ru) to concept torture_word (lexicon/acts.toml)'
    assert newsmon(db_path, "rules", "dismiss", other["id"], "--by", "bob").exit_code == 0

    declined = newsmon(db_path, "rules", "accept", best["id"], "--no-dev", input="n\n")
    assert declined.exit_code == 1 and "not written" in declined.output
    assert (lexicon / "acts.toml").read_text(encoding="utf-8") == before_acts

    accepted = newsmon(db_path, "rules", "accept", best["id"], "--no-dev", "--yes",
                       "--by", "alice")
    assert accepted.exit_code == 0, accepted.output
    assert "+++ b/lexicon/acts.toml" in accepted.output and '"отхлестать"' in accepted.output
    after = (lexicon / "acts.toml").read_text(encoding="utf-8")
    assert '"отхлестать"' in after and after.startswith(before_acts.split("\n", 1)[0])
    assert len(after.splitlines()) == len(before_acts.splitlines())  # one line changed
    assert "отхлестать" not in (LEXICON_DIR / "acts.toml").read_text(encoding="utf-8")
    assert rows(db_path, "SELECT item_id FROM item_topics WHERE topic = 'torture' "
                         "ORDER BY item_id") == sorted(
        [(triaged["flagged"],), (triaged["missed0"],), (triaged["missed1"],)])
    assert rows(db_path, "SELECT status, decided_by FROM rule_suggestions WHERE id = ?",
                [best["id"]]) == [("accepted", "alice")]

    report = json.loads(newsmon(db_path, "rules", "report", "--json").output)
    torture = next(t for t in report["topics"] if t["topic"] == "torture")
    assert (torture["missed_open"], torture["missed_fixed"]) == (0, 2)
    again = json.loads(newsmon(db_path, "rules", "suggest", "--no-dev", "--json").output)
    assert not {best["id"], other["id"]} & {s["id"] for s in again}
    assert rows(db_path, "SELECT id, status FROM rule_suggestions WHERE status != 'open' "
                         "ORDER BY status") == [(best["id"], "accepted"), (other["id"],
                                                                          "dismissed")]


def test_an_accepted_suggestion_needs_an_open_one(db_path: Path, triaged: dict) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "rules", "accept", "s0000000",
                                      "--yes", "--no-dev"])
    assert result.exit_code == 2 and "no suggestion 's0000000'" in result.output


# Troops in a colony flag torture (0.6) even on a planned search (docs/classification.md,
# "Known weaknesses"); monitors say so, and the rule learns to stand down where a search is.
SEARCHES = ["Спецназ провёл плановый обыск в колонии под Карагандой.",
            "Бойцы спецназа провели плановый обыск в колонии Павлодара.",
            "В колонии Атырау спецназ провёл обыск, сообщил департамент."]
RAIDS = ["Спецназ ворвался в колонию и избил заключённых, рассказали родственники.",
         "Сотрудники спецназа вошли в колонию, после чего заключённые пожаловались на побои."]


def test_a_negative_context_is_accepted_into_a_rule_file(
        db_path: Path, rule_copy: tuple[Path, Path]) -> None:
    rules, _ = rule_copy
    before = (rules / "torture.toml").read_text(encoding="utf-8")
    searches = [store(db_path, n + 1, "", text) for n, text in enumerate(SEARCHES)]
    raids = [store(db_path, n + 5, "", text) for n, text in enumerate(RAIDS)]
    for item_id in searches:
        set_triage(db_path, item_id, "not_relevant")
    for item_id in raids:
        set_triage(db_path, item_id, "relevant")
    flagged = "SELECT item_id FROM item_topics WHERE topic = 'torture' ORDER BY item_id"
    assert rows(db_path, flagged) == [(i,) for i in searches + raids]

    suggestions = json.loads(newsmon(db_path, "rules", "suggest", "--no-dev", "--json").output)
    best = suggestions[0]
    assert best["summary"] == ("rule torture.troops_in_colony: cancel it where case_act is "
                               "(rules/torture.toml, none)")
    assert (best["fixes"], best["breaks"]) == (3, 0)

    accepted = newsmon(db_path, "rules", "accept", best["id"], "--no-dev", "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert '+none = ["case_act"]' in accepted.output
    after = (rules / "torture.toml").read_text(encoding="utf-8")
    assert after.replace('none = ["case_act"]\n', "", 1) == before  # one line, comments kept
    assert (RULES_DIR / "torture.toml").read_text(encoding="utf-8") != after
    assert rows(db_path, flagged) == [(i,) for i in raids]
