"""Suggested edits written into the real rule and concept files: only the change, every comment
and layout kept; an edit that no longer fits says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import load_rules
from classifiers.lexicon import LEXICON_DIR
from classifiers.rules import RULES_DIR
from learning.edits import Edit, EditError, apply_edit, edited_copy, unified_diff

TORTURE = (RULES_DIR / "torture.toml").read_text(encoding="utf-8")
ACTS = (LEXICON_DIR / "acts.toml").read_text(encoding="utf-8")


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    diff = unified_diff("f", old, new).splitlines()
    return ([d[1:] for d in diff if d.startswith("-") and not d.startswith("---")],
            [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")])


def test_a_term_goes_into_its_concept_and_nothing_else_moves() -> None:
    new = apply_edit(Edit("term", "torture", "acts.toml", "beat_act", "ru", "отхлестать"), ACTS)
    removed, added = changed_lines(ACTS, new)
    assert len(removed) == len(added) == 1 and "отхлестать" in added[0]
    assert added[0].replace(', "отхлестать"', "") == removed[0]
    assert new.splitlines()[0] == ACTS.splitlines()[0]  # the file's opening comment


def test_a_term_for_a_language_the_concept_lacks_adds_the_key() -> None:
    text = '# people\n[troops]\nnote = "x"\nru = ["спецназ"]  # keep me\n'
    new = apply_edit(Edit("term", "torture", "x.toml", "troops", "en", "riot squad"), text)
    assert 'ru = ["спецназ"]  # keep me' in new and 'en = ["riot squad"]' in new


def test_a_negative_context_a_threshold_and_a_weight_keep_the_comments() -> None:
    new = apply_edit(Edit("none", "torture", "torture.toml", "torture.word", "", "film_genre"),
                     TORTURE)
    new = apply_edit(Edit("threshold", "torture", "torture.toml", value=0.55), new)
    new = apply_edit(Edit("weight", "torture", "torture.toml", "torture.prevention", "", 0.45),
                     new)
    removed, added = changed_lines(TORTURE, new)
    assert added == ["threshold = 0.55", "weight = 0.45",
                     'none = ["end_torture_demand", "film_genre"]']  # in file order
    assert removed == ["threshold = 0.5", "weight = 0.6", 'none = ["end_torture_demand"]']
    comments = [line for line in TORTURE.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in new.splitlines() for c in comments)


@pytest.mark.parametrize(("edit", "problem"), [
    (Edit("term", "torture", "acts.toml", "beat_act", "ru", "избить"), "already"),
    (Edit("term", "torture", "acts.toml", "no_such_concept", "ru", "x"), "no concept"),
    (Edit("none", "torture", "torture.toml", "torture.gone", "", "film_genre"), "no rule"),
    (Edit("threshold", "torture", "torture.toml", value=0.5), "already"),
])
def test_an_edit_that_no_longer_fits_says_why(edit: Edit, problem: str) -> None:
    text = ACTS if edit.in_lexicon else TORTURE
    with pytest.raises(EditError, match=problem):
        apply_edit(edit, text)


def test_an_edit_is_tried_on_a_copy_and_compiles() -> None:
    edit = Edit("term", "torture", "acts.toml", "beat_act", "ru", "отхлестать")
    with edited_copy(edit, RULES_DIR, LEXICON_DIR) as (rules_dir, lexicon_dir):
        assert rules_dir == RULES_DIR and lexicon_dir != LEXICON_DIR
        assert "отхлестать" in (lexicon_dir / "acts.toml").read_text(encoding="utf-8")
        rules = load_rules(rules_dir, lexicon_dir=lexicon_dir)
        assert "beat_act" in rules.lexicon.matcher("ru").concepts("отхлестали")
    assert not Path(lexicon_dir).exists()
    assert (LEXICON_DIR / "acts.toml").read_text(encoding="utf-8") == ACTS


def test_an_edit_has_a_stable_id_and_survives_storage() -> None:
    edit = Edit("none", "torture", "torture.toml", "torture.word", "", "film_genre")
    assert Edit.from_json(edit.to_json()) == edit
    assert edit.ident == Edit("none", "torture", "torture.toml", "torture.word", "",
                              "film_genre").ident != Edit("threshold", "torture",
                                                          "torture.toml", value=0.55).ident
