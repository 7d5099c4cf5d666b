"""Candidate terms from missed items: the word a rule lacked, not names, places or the words
every text has; Russian words as lemmas whose forms the lexicon generates."""

from __future__ import annotations

from classifiers import load_rules
from classifiers.forms import russian_forms
from learning.analysis import analyse
from learning.candidates import (
    Candidate,
    SentenceWords,
    candidate_terms,
    entry_for,
    fits,
    sentence_words,
    token_set,
)
from learning.catalogue import concept_tables

LASHED = "Надзиратели отхлестали заключённого ремнём в колонии."


def test_the_rule_one_piece_short_and_the_unknown_word_are_found() -> None:
    item = analyse("", LASHED, "ru", load_rules())
    [sentence] = sentence_words("torture", item, load_rules())
    assert ("torture.agent_beats", "beat_act") in sentence.near_misses
    assert "отхлестали" in sentence.words
    assert "надзиратели" not in sentence.words  # a state agent: the concept knows it


def test_names_and_places_are_never_candidates() -> None:
    text = "Полицейские в Актобе отхлестали Ерлана Сапарова в изоляторе Кызылординской области."
    [sentence] = sentence_words("torture", analyse("", text, "ru", load_rules()), load_rules())
    assert "отхлестали" in sentence.words
    assert not {"ерлана", "сапарова", "актобе", "кызылординской"} & set(sentence.words)


def test_a_russian_word_becomes_a_lemma_whose_forms_include_it() -> None:
    assert entry_for("отхлестали", "ru") == "отхлестать"
    assert "отхлестали" in russian_forms("отхлестать")
    assert entry_for("ұрғылаған", "kk") == "=ұрғылаған"  # one form, in every script
    assert entry_for("flogged", "en") == "flogged"


def test_words_in_more_missed_items_come_first_and_common_words_never() -> None:
    def near(*words: str) -> list[SentenceWords]:
        return [SentenceWords(0, " ".join(words), [("torture.agent_beats", "beat_act")],
                              list(words))]

    missed = [(1, "ru", near("отхлестали", "вчера")), (2, "ru", near("отхлестали", "ремнем")),
              (3, "ru", near("вчера", "плетью"))]
    background = [token_set("вчера в городе прошёл дождь")] * 30 + [token_set("ремнем")]
    found = candidate_terms("torture", missed, background)
    assert [c.term for c in found] == ["отхлестать", "плеть", "ремень"]
    assert found[0].items == {1, 2} and found[0].concepts["beat_act"] == 2


def test_a_term_must_be_the_same_part_of_speech_as_the_concept() -> None:
    tables = concept_tables()
    verb = Candidate("отхлестать", "ru", "torture")
    noun = Candidate("мошенничество", "ru", "detention")
    assert fits(verb, tables["beat_act"][1]) and not fits(verb, tables["political_person"][1])
    assert fits(noun, tables["political_person"][1])
    assert fits(Candidate("flogged", "en", "torture"), tables["political_person"][1])
