"""What an edit would change: the triaged items reclassified with the edited rules.

The edited files live in a temporary copy (learning.edits), are compiled by the same loader
the crawl uses, and the triaged items are classified again in memory; nothing is stored.
The caller drops the compiled copies (`classifiers.rules.forget_rules`) when it is done. An
item that gains or loses a flag is judged by what monitors said about that topic: a missed
item flagged, or a wrongly flagged item unflagged, is fixed; the reverse is broken; an item
nobody decided that topic for is only listed. The rule file's own example sentences are
checked too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from classifiers import Rules, classify, detect_language, load_rules
from classifiers.forms import russian_forms
from classifiers.kazakh import fold
from learning.dataset import Example, Triaged
from learning.edits import Edit, edited_copy

Outcome = tuple[frozenset[str], dict[str, float]]  # (topics, scores)
Item = Triaged | Example  # a stored item monitors decided on, or a labelled file's item


@lru_cache(maxsize=4096)
def language(title: str, text: str) -> str:
    """The language `classify` would detect (rules do not change it: found once per text)."""
    title = title.strip()
    return detect_language(f"{title}\n\n{text}" if title else text)


def outcomes(items: Iterable[Item], rules: Rules) -> dict[int, Outcome]:
    """Topics and scores of each item under `rules`."""
    out = {}
    for item in items:
        lang = item.lang or language(item.title, item.text)
        result = classify(item.title, item.text, lang, rules=rules)
        out[item.item_id] = (frozenset(result["topics"]), result["scores"])
    return out


def example_failures(rules: Rules, topics: Iterable[str] | None = None,
                     keep: Callable[[str], bool] | None = None) -> set[str]:
    """Example sentences of the rule files that `rules` get wrong ("+" must, "-" must not);
    only those of `topics`, and only the sentences `keep` keeps, when given."""
    wanted = set(topics) if topics is not None else None
    failed = set()
    for topic in rules.topics:
        if wanted is not None and topic.topic not in wanted:
            continue
        for sign, sentences in (("+", topic.positive_examples), ("-", topic.negative_examples)):
            for sentence in sentences:
                if keep is not None and not keep(sentence):
                    continue
                result = classify("", sentence, language("", sentence), rules=rules)
                if (topic.topic in result["topics"]) != (sign == "+"):
                    failed.add(f"{topic.topic} {sign} {sentence}")
    return failed


@dataclass(frozen=True)
class Change:
    """One item's flag for one topic, gained or lost, and what monitors said of the topic."""

    item_id: int
    topic: str
    change: str  # gained | lost
    label: bool | None
    title: str

    @property
    def verdict(self) -> str:
        if self.label is None:
            return "undecided"
        return "fixes" if self.label == (self.change == "gained") else "breaks"

    @property
    def origin(self) -> str:
        return "dev" if self.item_id < 0 else "triage"

    def as_dict(self) -> dict:
        return {"item_id": self.item_id, "topic": self.topic, "change": self.change,
                "verdict": self.verdict, "origin": self.origin, "title": self.title}


@dataclass
class Effect:
    """Everything an edit changes on the triaged items and in the rule files' examples."""

    changes: list[Change] = field(default_factory=list)
    examples_broken: list[str] = field(default_factory=list)

    def count(self, verdict: str, origin: str | None = None) -> int:
        return sum(1 for c in self.changes
                   if c.verdict == verdict and origin in (None, c.origin))

    @property
    def net(self) -> int:
        """Fixed minus broken (a broken example sentence counts as broken)."""
        return self.count("fixes") - self.count("breaks") - len(self.examples_broken)

    def as_dict(self) -> dict:
        return {"fixes": self.count("fixes"), "breaks": self.count("breaks"),
                "undecided": self.count("undecided"), "net": self.net,
                "triage": {v: self.count(v, "triage") for v in ("fixes", "breaks", "undecided")},
                "dev": {v: self.count(v, "dev") for v in ("fixes", "breaks")},
                "changes": [c.as_dict() for c in self.changes],
                "examples_broken": self.examples_broken}


def compare(items: list[Item], base: dict[int, Outcome], after: dict[int, Outcome]
            ) -> list[Change]:
    """Flags gained and lost between two classifications of the same items."""
    changes = []
    for item in items:
        if item.item_id not in after:
            continue
        before, now = base[item.item_id][0], after[item.item_id][0]
        for topic in sorted(before ^ now):
            gained = topic in now
            label = item.label(topic, flagged=topic in before)
            changes.append(Change(item.item_id, topic, "gained" if gained else "lost",
                                  label, item.title or item.text[:80]))
    return changes


def may_change(edit: Edit, item: Item, base: dict[int, Outcome], folded: str) -> bool:
    """Could `edit` change this item at all? (Skips classifying items it cannot touch.)"""
    if edit.kind == "term":
        return may_hold(edit, folded)
    return base[item.item_id][1].get(edit.topic, 0.0) > 0  # the topic's rules fired somewhere


def may_hold(edit: Edit, folded: str) -> bool:
    """Could a (folded) text hold a form of the term `edit` adds?"""
    return _stem(str(edit.value), edit.key) in folded


def _stem(entry: str, key: str) -> str:
    """What every form of a concept entry starts with (its first word); "" when any text may
    hold one (Kazakh forms are also spelled in Latin and Arabic script)."""
    if key in ("kk", "other"):
        return ""
    word = fold(entry.lstrip("=").split()[0].rstrip("*"))
    if key == "ru" and not entry.startswith("=") and any("а" <= ch <= "я" for ch in word):
        return os.path.commonprefix(sorted(russian_forms(word))) or word[:1]
    return word


def effect(edit: Edit, items: list[Item], base: dict[int, Outcome], base_failures: set[str],
           rules_dir: Path, lexicon_dir: Path, folded: dict[int, str]) -> Effect:
    """Classify the items `edit` could touch with the edited rules; compare with `base`."""
    with edited_copy(edit, rules_dir, lexicon_dir) as (edited_rules, edited_lexicon):
        rules = load_rules(edited_rules, lexicon_dir=edited_lexicon)
        touched = [i for i in items if may_change(edit, i, base, folded[i.item_id])]
        after = outcomes(touched, rules)
        if edit.in_lexicon:  # a concept may serve every topic; only sentences with the term
            failures = example_failures(rules, keep=lambda s: may_hold(edit, fold(s)))
        else:
            failures = example_failures(rules, [edit.topic])
    return Effect(compare(items, base, after), sorted(failures - base_failures))


def example_scores(rules: Rules, topic: str) -> list[tuple[str, str, float]]:
    """("+"/"-", sentence, score) of each example sentence of one topic's file."""
    rules_of = next(t for t in rules.topics if t.topic == topic)
    return [(sign, sentence, classify("", sentence, rules=rules)["scores"][topic])
            for sign, sentences in (("+", rules_of.positive_examples),
                                    ("-", rules_of.negative_examples))
            for sentence in sentences]


def threshold_effect(topic: str, threshold: float, current: float, items: list[Item],
                     base: dict[int, Outcome], examples: list[tuple[str, str, float]]
                     ) -> Effect:
    """A topic's threshold moved: flags follow from the scores already computed."""
    after = {}
    for item in items:
        topics, scores = base[item.item_id]
        flagged = round(scores.get(topic, 0.0), 2) >= threshold
        after[item.item_id] = (topics - {topic} | ({topic} if flagged else set()), scores)
    broken = [f"{topic} {sign} {sentence}" for sign, sentence, score in examples
              if (round(score, 2) >= current) == (sign == "+")
              and (round(score, 2) >= threshold) != (sign == "+")]
    return Effect(compare(items, base, after), broken)
