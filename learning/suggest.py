"""Suggested edits to the rule and concept files, each tried on the triaged items.

Four kinds, each from what monitors said:
- a term for a concept, from the words of missed items where a rule was one piece short;
- a concept in a rule's `none`, from what the rule's wrong firings have and its right ones lack;
- a lower weight (0.45, a weak cue) for a rule that is clearly wrong more often than right;
- a topic's threshold, where moving it fixes more decided items than it breaks.
Only edits that fix more than they break are offered; a monitor accepts or dismisses each.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from classifiers import Rules, RulesError
from classifiers.kazakh import fold
from classifiers.rules import PERSON, Rule, TopicRules, forget_rules
from learning.analysis import analyse, concepts_around, firing_sentences
from learning.candidates import Candidate, fits
from learning.catalogue import concept_tables
from learning.dataset import Triaged
from learning.edits import Edit, EditError
from learning.evaluate import (
    Effect,
    Item,
    effect,
    example_failures,
    example_scores,
    outcomes,
    threshold_effect,
)
from learning.precision import RuleStats, wilson

logger = logging.getLogger(__name__)

WEAK_WEIGHT = 0.45
TERMS_PER_TOPIC = 6
CONCEPTS_PER_TERM = 2
NONE_RULES = 5
NONE_PER_RULE = 3
THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(11))  # 0.30 .. 0.80
ALTERNATIVES = 3  # edits that change exactly the same items: only the best few are offered


@dataclass
class Suggestion:
    edit: Edit
    effect: Effect

    def as_dict(self) -> dict:
        return {"id": self.edit.ident, "kind": self.edit.kind, "topic": self.edit.topic,
                "summary": self.edit.describe(), **self.effect.as_dict()}


def term_edits(candidates: dict[str, list[Candidate]], tables: dict[str, tuple[str, dict]]
               ) -> list[Edit]:
    """A term for the concepts a missed item's near misses lacked (where the word fits)."""
    out = []
    for topic, cands in candidates.items():
        for cand in cands[:TERMS_PER_TOPIC]:
            concepts = [c for c, _ in cand.concepts.most_common()
                        if c in tables and fits(cand, tables[c][1])]
            out.extend(Edit("term", topic, tables[c][0], c, cand.lang, cand.term)
                       for c in concepts[:CONCEPTS_PER_TERM])
    return out


def _rule(rules: Rules, rule_id: str) -> tuple[TopicRules, Rule] | None:
    for topic in rules.topics:
        for rule in topic.rules:
            if rule.id == rule_id:
                return topic, rule
    return None


def none_edits(rules: Rules, stats: list[RuleStats], items: dict[int, Triaged]) -> list[Edit]:
    """For the worst rules with wrong firings: concepts their wrong firings have, right lack."""
    out = []
    bad_rules = [s for s in stats if s.not_relevant and s.in_files][:NONE_RULES]
    for stat in bad_rules:
        found = _rule(rules, stat.rule)
        if found is None:
            continue
        topic, rule = found
        wrong, right = Counter(), set()
        for ids, bucket in ((stat.not_relevant, wrong), (stat.relevant, None)):
            for item_id in ids:
                item = items.get(item_id)
                if item is None:
                    continue
                seen = analyse(item.title, item.text, item.lang, rules)
                near = concepts_around(rule, seen, firing_sentences(rule, seen))
                if bucket is None:
                    right |= near
                else:
                    bucket.update(near)
        own = {*rule.all, *rule.any, *rule.none, PERSON}
        picks = [c for c, _ in wrong.most_common() if c not in right and c not in own]
        out.extend(Edit("none", topic.topic, Path(topic.source).name, rule.id, "", c)
                   for c in picks[:NONE_PER_RULE])
    return out


def weight_edits(stats: list[RuleStats]) -> list[Edit]:
    """A weak weight for rules wrong more often than right, at 95 % confidence."""
    return [Edit("weight", s.topic, s.file, s.rule, "", WEAK_WEIGHT) for s in stats
            if s.in_files and s.decided >= 2 and (s.weight or 0) > WEAK_WEIGHT
            and wilson(len(s.relevant), s.decided)[1] < 0.5]


def threshold_suggestions(rules: Rules, items: list[Item], base: dict) -> list[Suggestion]:
    """Per topic, the threshold (0.30-0.80) that fixes most, if it fixes more than it breaks."""
    out = []
    for topic in rules.topics:
        examples = example_scores(rules, topic.topic)
        tried = []
        for value in THRESHOLDS:
            if value == topic.threshold:
                continue
            eff = threshold_effect(topic.topic, value, topic.threshold, items, base, examples)
            tried.append((eff.net, -abs(value - topic.threshold), value, eff))
        best = max(tried, key=lambda t: t[:2], default=None)
        if best and best[0] > 0:
            edit = Edit("threshold", topic.topic, Path(topic.source).name, "", "", best[2])
            out.append(Suggestion(edit, best[3]))
    return out


def suggest(rules: Rules, rules_dir: Path, lexicon_dir: Path, items: list[Triaged],
            stats: list[RuleStats], candidates: dict[str, list[Candidate]],
            dev: list[Item] = (), skip: frozenset[str] = frozenset()) -> list[Suggestion]:
    """Every edit worth offering, best first (most fixed minus broken on the triaged items
    and the labelled development items together)."""
    labelled: list[Item] = [*items, *dev]
    base = outcomes(labelled, rules)
    base_failures = example_failures(rules)
    folded = {i.item_id: fold(f"{i.title}\n{i.text}") for i in labelled}
    edits = [*term_edits(candidates, concept_tables(lexicon_dir)),
             *none_edits(rules, stats, {i.item_id: i for i in items}), *weight_edits(stats)]
    found = []
    for edit in dict.fromkeys(edits):  # in order of promise: candidates are ranked already
        if edit.ident in skip:
            continue
        try:
            eff = effect(edit, labelled, base, base_failures, rules_dir, lexicon_dir, folded)
        except (EditError, RulesError) as exc:
            logger.info("suggestion %s left out: %s", edit.describe(), exc)
            continue
        if eff.net > 0:
            found.append(Suggestion(edit, eff))
    forget_rules()  # the temporary copies are gone: never hand their rules out again
    found.extend(s for s in threshold_suggestions(rules, labelled, base)
                 if s.edit.ident not in skip)
    ranked = sorted(enumerate(found), key=lambda p: (
        -p[1].effect.net, p[1].effect.count("breaks"), len(p[1].effect.changes), p[0]))
    return _few_alternatives([s for _, s in ranked])


def _few_alternatives(ranked: list[Suggestion]) -> list[Suggestion]:
    """At most ALTERNATIVES suggestions with the very same changes (the first, best ones)."""
    seen: Counter = Counter()
    out = []
    for suggestion in ranked:
        key = frozenset((c.item_id, c.topic, c.change) for c in suggestion.effect.changes)
        seen[key] += 1
        if seen[key] <= ALTERNATIVES:
            out.append(suggestion)
    return out


def evaluate(edit: Edit, rules: Rules, items: list[Item], rules_dir: Path, lexicon_dir: Path
             ) -> Effect:
    """The effect of one edit on `items` under today's rules (for a suggestion about to be
    accepted: the files may have changed since it was made)."""
    base = outcomes(items, rules)
    if edit.kind == "threshold":
        topic = next(t for t in rules.topics if t.topic == edit.topic)
        return threshold_effect(edit.topic, float(edit.value), topic.threshold, items, base,
                                example_scores(rules, edit.topic))
    folded = {i.item_id: fold(f"{i.title}\n{i.text}") for i in items}
    try:
        return effect(edit, items, base, example_failures(rules), rules_dir, lexicon_dir, folded)
    finally:
        forget_rules()
