"""`newsmon learn`: trained on a fixture set and triage, cross-validated beside the rules,
stored beside the database, scores every item, and never changes a flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifiers import classify
from newsmon.cli import cli
from tests.support.db import rows, set_triage, store_item
from tests.support.learning import demo_articles, store_demo_items, write_labelled

FLAGS = ("SELECT id, flagged, topics, score_torture, score_art405, score_detention FROM items "
         "ORDER BY id")
TOPIC_ROWS = "SELECT item_id, topic, score, evidence FROM item_topics ORDER BY item_id, topic"


def newsmon(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


@pytest.fixture(scope="module")
def learnt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict, tuple]:
    folder = tmp_path_factory.mktemp("learn")
    db_path = folder / "newsmon.db"
    ids = store_demo_items(db_path)
    for title, item_id in list(ids.items())[:6]:
        set_triage(db_path, item_id, "relevant" if "избили" in title else "not_relevant")
    before = (rows(db_path, FLAGS), rows(db_path, TOPIC_ROWS))
    result = newsmon(db_path, "learn", "--dev", str(write_labelled(folder / "fixture.jsonl")),
                     "--json")
    assert result.exit_code == 0, result.output
    return db_path, ids, json.loads(result.output), before


def test_learn_reports_cross_validated_figures_beside_the_rules(learnt) -> None:
    _, ids, report, _ = learnt
    assert report["dev_items"] == len(ids) and report["triage_items"] == 6
    assert report["folds"] == 5
    articles = demo_articles()
    for topic in ("torture", "art405", "detention"):
        figures = report["figures"][topic]
        assert figures["scored"] == figures["labelled"] >= len(ids)
        positives = [a for a in articles if topic in a["expect_topics"]]
        caught = [a for a in positives if topic in classify(
            a["title"], "\n".join(a["paragraphs"]), a["lang"])["topics"]]
        dev = figures["dev"]
        assert dev["items"] == len(articles) and dev["positives"] == len(positives)
        assert (dev["rules"]["tp"], dev["rules"]["fn"]) == (len(caught),
                                                            len(positives) - len(caught))
        model = dev["model"]
        assert model["tp"] + model["fn"] == len(positives)
        assert 0 <= model["precision"] <= 1 and 0 <= model["recall"] <= 1


def test_the_model_is_stored_and_every_item_scored(learnt) -> None:
    db_path, ids, report, _ = learnt
    assert Path(report["model_file"]) == Path(f"{db_path}.model") and Path(
        report["model_file"]).is_file()
    assert rows(db_path, "SELECT count(DISTINCT item_id), count(*) FROM model_scores") == [
        (len(ids), 3 * len(ids))]
    assert rows(db_path, "SELECT count(*) FROM model_runs") == [(1,)]


def test_the_model_never_changes_a_flag(learnt) -> None:
    db_path, _, _, before = learnt
    # it does disagree with the rules somewhere ...
    assert rows(db_path, "SELECT count(*) FROM model_disagreements")[0][0] > 0
    # ... and yet every flag, score and piece of evidence is as the rules left it
    assert (rows(db_path, FLAGS), rows(db_path, TOPIC_ROWS)) == before


def test_score_new_scores_only_new_items_and_refuses_a_swapped_file(learnt) -> None:
    db_path, ids, _, _ = learnt
    new_id = store_item(db_path, "https://news.example.kz/new", "Полицейские избили активиста",
                        ["torture"])
    result = newsmon(db_path, "learn", "--score-new")
    assert result.exit_code == 0 and "scored 1 new item(s)" in result.output
    assert rows(db_path, "SELECT count(*) FROM model_scores WHERE item_id = ?", [new_id]) == [
        (3,)]
    model = Path(f"{db_path}.model")
    model.write_bytes(model.read_bytes() + b"tampered")
    refused = newsmon(db_path, "learn", "--score-new")
    assert refused.exit_code == 2 and "not the file `newsmon learn` wrote" in refused.output


def test_nothing_to_learn_from_is_a_clear_error(db_path: Path) -> None:
    store_item(db_path, "https://news.example.kz/1", "Заголовок")
    result = newsmon(db_path, "learn", "--no-dev")
    assert result.exit_code == 2
    assert "nothing to learn from" in result.output
