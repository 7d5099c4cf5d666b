"""Rule files: every example sentence behaves, and broken files fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import RulesError, classify, load_rules
from classifiers.rules import RULES_DIR

RULES = load_rules()
EXAMPLES = [
    (t.topic, text, positive)
    for t in RULES.topics
    for positive, texts in ((True, t.positive_examples), (False, t.negative_examples))
    for text in texts
]


@pytest.mark.parametrize(("topic", "text", "positive"), EXAMPLES)
def test_rule_file_examples(topic: str, text: str, positive: bool) -> None:
    assert (topic in classify("", text)["topics"]) is positive


def test_every_topic_has_examples() -> None:
    for topic in RULES.topics:
        assert len(topic.positive_examples) >= 3 and len(topic.negative_examples) >= 3


def _write_rules(tmp_path: Path, detention_text: str) -> Path:
    for name in ("torture", "art405"):
        (tmp_path / f"{name}.toml").write_text((RULES_DIR / f"{name}.toml").read_text("utf-8"))
    (tmp_path / "detention.toml").write_text(detention_text, encoding="utf-8")
    return tmp_path


GOOD_HEAD = 'topic = "detention"\nthreshold = 0.5\n'
GOOD_TERM = '[[term]]\nid = "x.one"\nlang = ["ru"]\npattern = \'задерж\\w*\'\nweight = 0.5\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GOOD_HEAD + GOOD_TERM.replace("weight = 0.5", "weight = 0.5\ncolour = 1"), "colour"),
        (GOOD_HEAD + GOOD_TERM.replace("задерж\\w*", "задерж(\\w*"), "bad regex"),
        (GOOD_HEAD + GOOD_TERM.replace("weight = 0.5\n", ""), "missing required key 'weight'"),
        (GOOD_HEAD + GOOD_TERM.replace('["ru"]', '["xx"]'), "lang"),
        ('topic = "detention"\n' + GOOD_TERM, "threshold"),
        (GOOD_HEAD + GOOD_TERM + GOOD_TERM, "duplicate rule id"),
        (GOOD_HEAD + "[[term]\n", "invalid TOML"),
    ],
)
def test_broken_rule_file_names_file_and_rule(tmp_path: Path, body: str, message: str) -> None:
    rules_dir = _write_rules(tmp_path, body)
    with pytest.raises(RulesError) as err:
        load_rules(rules_dir)
    assert "detention.toml" in str(err.value) and message in str(err.value)


def test_valid_custom_rules_dir_is_used(tmp_path: Path) -> None:
    rules = load_rules(_write_rules(tmp_path, GOOD_HEAD + GOOD_TERM))
    assert classify("", "Полиция задержала мужчину.", rules=rules)["topics"] == ["detention"]
    assert load_rules(tmp_path) is rules  # compiled once, cached

