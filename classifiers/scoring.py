"""Score one topic from sentence-level evidence.

Concepts are located per sentence. A rule fires in a sentence when its concepts meet
there (scope ``sentence``) or in the sentence and its two neighbours (scope ``window``),
and none of its ``none`` concepts is in that scope. A topic negative cancels the topic's
evidence in the sentences around it, never elsewhere. The score of a window (a sentence
and its neighbours) is the noisy-or of the weights of the distinct rules fired in it,
``1 - Π(1 - w)``; the topic's score is that of its best window. So one explicit sentence
(weight 0.9) is enough, and weak cues (0.3) add up only when they sit close together.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .rules import PERSON, Rule, Rules, TopicRules
from .scan import Found
from .segment import Sentence, sentences

SNIPPET_RADIUS = 60
MAX_EVIDENCE = 6
_SPACE_RE = re.compile(r"\s+")
Span = tuple[int, int]


@dataclass(frozen=True)
class Hit:
    """One fired rule: where its anchor concept is, in which sentence, with what weight."""

    rule: str
    start: int
    end: int
    sentence: int
    weight: float


@dataclass(frozen=True)
class Located:
    """The concepts found in each sentence of a text (first span of each)."""

    sentences: list[Sentence]
    concepts: list[dict[str, Span]]
    where: dict[str, list[int]]  # concept -> sentences holding it, in order


def snippet(text: str, start: int, end: int) -> str:
    """About 60 characters either side of a match, whitespace collapsed."""
    left = max(0, start - SNIPPET_RADIUS)
    right = min(len(text), end + SNIPPET_RADIUS)
    body = _SPACE_RE.sub(" ", text[left:right]).strip()
    return ("…" if left else "") + body + ("…" if right < len(text) else "")


def locate(body: str, title_len: int, lang: str, rules: Rules, found: Found) -> Located:
    """Sentences of ``body`` (title first) and the concepts each one holds."""
    sents = sentences(body, keep_first=title_len)
    starts = [s.start for s in sents]
    per: list[dict[str, Span]] = [{} for _ in sents]

    def put(concept: str, spans: Iterable[Span]) -> None:
        """Record the first span of ``concept`` in each sentence the spans fall in."""
        for start, end in spans:
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and start < sents[i].end:
                per[i].setdefault(concept, (start, end))

    hits = list(rules.lexicon.matcher(lang).find(body))
    for name, pattern in rules.lexicon.regexes.items():
        hits.extend((name, start, end) for start, end in found.spans(pattern))
    for concept, start, end in _unmasked(hits, rules.lexicon.masks):
        put(concept, ((start, end),))
    for person in rules.gazetteer.persons:
        if person.kind == "person":  # people held or once held: political prisoners
            put(PERSON, found.starts(person.pattern))
    where: dict[str, list[int]] = {}
    for i, concepts in enumerate(per):
        for concept in concepts:
            where.setdefault(concept, []).append(i)
    return Located(sents, per, where)


def _unmasked(
    hits: list[tuple[str, int, int]], masks: dict[str, frozenset[str]]
) -> list[tuple[str, int, int]]:
    """Drop the hits a masking concept covers ("места лишения свободы" hides "лишения свободы")."""
    covers = [(start, end, masks[c]) for c, start, end in hits if c in masks]
    if not covers:
        return hits
    return [
        (c, start, end)
        for c, start, end in hits
        if not any(lo <= start and end <= hi and c in hidden for lo, hi, hidden in covers)
    ]


def _holds(rule: Rule, present: set[str] | dict[str, Span]) -> bool:
    """All of ``all``, one of ``any`` (if given), none of ``none``."""
    return (
        all(c in present for c in rule.all)
        and (not rule.any or any(c in present for c in rule.any))
        and (not rule.and_any or any(c in present for c in rule.and_any))
        and not any(c in present for c in rule.none)
    )


def _blocked(topic: TopicRules, doc: Located, lang: str) -> set[int]:
    """Sentences whose evidence a topic negative cancels."""
    out: set[int] = set()
    for neg in topic.negatives:
        if not neg.applies_to(lang):
            continue
        for i in _candidates(neg, doc, 0):
            if _holds(neg, doc.concepts[i]):
                out.update(range(i - neg.window, i + neg.window + 1))
    return out


def _candidates(rule: Rule, doc: Located, reach: int) -> list[int]:
    """Sentences that can anchor ``rule``: they hold one of its concepts (±reach)."""
    names = rule.all[:1] if rule.all else rule.any
    out = {j for n in names for i in doc.where.get(n, ()) for j in range(i - reach, i + reach + 1)}
    return sorted(i for i in out if 0 <= i < len(doc.sentences))


def _fire(rule: Rule, doc: Located, blocked: set[int]) -> list[Hit]:
    """Every sentence where ``rule`` fires."""
    hits = []
    reach = rule.reach if rule.scope == "window" else 0
    for i in _candidates(rule, doc, reach):
        if i in blocked:
            continue
        own = doc.concepts[i]
        anchor = next((own[c] for c in rule.all + rule.any if c in own), None)
        if anchor is None:
            continue
        if not all(c in own for c in rule.all) or any(c in own for c in rule.none):
            continue  # who did what: the "all" concepts meet in the anchor sentence
        if reach:  # the "any" context may stand in a neighbouring sentence
            near = range(max(0, i - reach), min(len(doc.concepts), i + reach + 1))
            used = [doc.concepts[j] for j in near if j not in blocked]
            context = [c for c in used if not rule.any or not set(rule.any).isdisjoint(c)]
            if any(n in c for c in context for n in rule.none):
                continue  # "none" is looked for where the evidence is
            present: set[str] = set(own) | {k for c in context for k in c}
        else:
            present = set(own)
        if _holds(rule, present):
            hits.append(Hit(rule.id, anchor[0], anchor[1], i, rule.weight))
    return hits


def _window_scores(hits: list[Hit]) -> tuple[float, int]:
    """Best noisy-or of distinct rules over windows of three sentences; its centre."""
    by_sentence: dict[int, dict[str, float]] = {}
    for hit in hits:
        rules = by_sentence.setdefault(hit.sentence, {})
        rules[hit.rule] = max(rules.get(hit.rule, 0.0), hit.weight)
    best, centre = 0.0, -1
    for i in by_sentence:
        merged: dict[str, float] = {}
        for j in (i - 1, i, i + 1):
            for rule, weight in by_sentence.get(j, {}).items():
                merged[rule] = max(merged.get(rule, 0.0), weight)
        miss = 1.0
        for weight in merged.values():
            miss *= 1 - weight
        if 1 - miss > best:
            best, centre = 1 - miss, i
    return best, centre


def score_topic(
    topic: TopicRules, doc: Located, lang: str, kz_relevant: bool
) -> tuple[float, list[Hit]]:
    """Score of one topic in [0, 1] and its evidence, strongest window first."""
    blocked = _blocked(topic, doc, lang)
    hits = [
        hit
        for rule in topic.rules
        if rule.applies_to(lang)
        for hit in _fire(rule, doc, blocked)
    ]
    score, centre = _window_scores(hits)
    if not kz_relevant:
        score *= topic.foreign_factor
    ranked = sorted(hits, key=lambda h: (abs(h.sentence - centre) > 1, -h.weight, h.start))
    evidence: dict[str, Hit] = {}
    for hit in ranked:
        evidence.setdefault(hit.rule, hit)
    return min(1.0, score), list(evidence.values())[:MAX_EVIDENCE]
