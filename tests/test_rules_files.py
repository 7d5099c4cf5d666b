"""Rule, concept and table files: every example sentence behaves, broken files fail loudly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from classifiers import RulesError, classify, load_rules
from classifiers.lexicon import LEXICON_DIR
from classifiers.rules import RULES_DIR

RULES = load_rules()
EXAMPLES = [
    pytest.param(t.topic, text, positive, id=f"{t.topic}-{'pos' if positive else 'neg'}-{i}")
    for t in RULES.topics
    for positive, texts in ((True, t.positive_examples), (False, t.negative_examples))
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize(("topic", "text", "positive"), EXAMPLES)
def test_rule_file_examples(topic: str, text: str, positive: bool) -> None:
    result = classify("", text)
    assert (topic in result["topics"]) is positive, (result["scores"], result["evidence"])


def test_every_topic_has_examples_in_every_language() -> None:
    for topic in RULES.topics:
        assert len(topic.positive_examples) >= 5 and len(topic.negative_examples) >= 5
        langs = {classify("", t)["lang"] for t in topic.positive_examples}
        assert {"ru", "kk", "en"} <= langs, topic.topic


def _copy_rules(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules"
    words = tmp_path / "lexicon"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(LEXICON_DIR, words)
    return rules, words


HEAD = 'topic = "detention"\nthreshold = 0.5\n'
RULE = '[[rule]]\nid = "x.one"\nlang = ["ru"]\nall = ["detain_act"]\nweight = 0.9\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (HEAD + RULE.replace("weight = 0.9", "weight = 0.9\ncolour = 1"), "colour"),
        (HEAD + RULE.replace("detain_act", "xx_act"), "unknown concept(s) in 'all': xx_act"),
        (HEAD + RULE.replace("weight = 0.9\n", ""), "missing required key 'weight'"),
        (HEAD + RULE.replace('["ru"]', '["xx"]'), "lang"),
        (HEAD + RULE.replace("weight = 0.9", "weight = 0.9\nscope = \"page\""), "scope"),
        ('topic = "detention"\n' + RULE, "threshold"),
        (HEAD + RULE + RULE, "duplicate rule id"),
        (HEAD + "[[rule]\n", "invalid TOML"),
    ],
)
def test_broken_rule_file_names_file_rule_and_problem(
    tmp_path: Path, body: str, message: str
) -> None:
    rules, words = _copy_rules(tmp_path)
    (rules / "detention.toml").write_text(body, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(rules, lexicon_dir=words)
    assert "detention.toml" in str(err.value) and message in str(err.value)
    if "id=" in str(err.value):
        assert "x.one" in str(err.value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[broken]\nru = ["пытка"]\ncolour = "red"\n', "colour"),
        ('[broken]\nnote = "nothing"\n', "no words and no regex"),
        ('[broken]\nregex = ["(unclosed"]\n', "bad regex"),
        ('[broken]\nkk = ["ұста:x"]\n', "class must be"),
        ('[broken]\nen = ["tort* chamber"]\n', "phrase must start with a plain word"),
        ('[torture_word]\nen = ["again"]\n', "defined twice"),
    ],
)
def test_broken_concept_file_names_file_concept_and_problem(
    tmp_path: Path, entry: str, message: str
) -> None:
    rules, words = _copy_rules(tmp_path)
    (words / "zz_broken.toml").write_text(entry, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(rules, lexicon_dir=words)
    assert message in str(err.value)
    assert "zz_broken.toml" in str(err.value) or "Kazakh entry" in str(err.value)


def test_valid_custom_rules_dir_is_used_and_cached(tmp_path: Path) -> None:
    rules, words = _copy_rules(tmp_path)
    (rules / "detention.toml").write_text(HEAD + RULE, encoding="utf-8")
    loaded = load_rules(rules, lexicon_dir=words)
    assert classify("", "Полиция задержала мужчину.", rules=loaded)["topics"] == ["detention"]
    assert load_rules(rules, lexicon_dir=words) is loaded



@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[broken]\nen = ["@no_such_concept beat"]\n', "unknown concept @no_such_concept"),
        ('[broken]\nen = ["@state_agent"]\n', "only allowed inside a phrase"),
        ('[broken]\nen = ["held"]\nmasks = ["no_such_concept"]\n', "masks unknown concept"),
        ('[broken]\nru = ["полицейский:xxxx"]\n', "no word forms"),
    ],
)
def test_broken_roles_and_masks_are_named(tmp_path: Path, entry: str, message: str) -> None:
    rules, words = _copy_rules(tmp_path)
    (words / "zz_broken.toml").write_text(entry, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(rules, lexicon_dir=words)
    assert message in str(err.value) and "zz_broken.toml" in str(err.value)


def test_and_any_names_unknown_concepts(tmp_path: Path) -> None:
    rules, words = _copy_rules(tmp_path)
    body = HEAD + RULE.replace("weight = 0.9", 'weight = 0.9\nand_any = ["xx_case"]')
    (rules / "detention.toml").write_text(body, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(rules, lexicon_dir=words)
    assert "unknown concept(s) in 'and_any': xx_case" in str(err.value)
