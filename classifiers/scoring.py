"""Score one topic over a text: weighted rule hits, proximity, cancelling contexts.

A topic's score is the sum of the weights of the rules that matched (a rule counts
once, with a small bonus for repeats and a boost when it hits the title) minus the
weights of the document-level negative contexts found, clamped to 0..1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import Rule, TopicRules
from .scan import Found

SNIPPET_RADIUS = 60
Persons = tuple[re.Pattern[str], ...]
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Hit:
    """One accepted rule match, kept as evidence."""

    rule: str
    start: int
    end: int


def snippet(text: str, start: int, end: int) -> str:
    """About 60 characters either side of a match, whitespace collapsed."""
    left = max(0, start - SNIPPET_RADIUS)
    right = min(len(text), end + SNIPPET_RADIUS)
    body = _SPACE_RE.sub(" ", text[left:right]).strip()
    return ("…" if left else "") + body + ("…" if right < len(text) else "")


def _near(rule: Rule, found: Found, start: int, end: int, persons: Persons) -> bool:
    """The rule's neighbour (or, if allowed, a watch-list person) is within its window."""
    low, high = start - rule.window, end + rule.window
    if found.within(rule.near, low, high):
        return True
    return rule.near_watchlist and any(found.within(p, low, high) for p in persons)


def _accepted(rule: Rule, found: Found, start: int, end: int, persons: Persons) -> bool:
    """A match counts if its required neighbour is near and no cancelling context is."""
    if rule.near is not None and not _near(rule, found, start, end, persons):
        return False
    return rule.unless is None or not found.within(
        rule.unless, start - rule.unless_window, end + rule.unless_window
    )


def rule_hits(rule: Rule, found: Found, persons: Persons = ()) -> list[Hit]:
    """Every accepted match of one rule (``persons``: watch-list name patterns)."""
    return [
        Hit(rule.id, start, end)
        for start, end in found.spans(rule.pattern)
        if _accepted(rule, found, start, end, persons)
    ]


def score_topic(
    topic: TopicRules, found: Found, title_len: int, kz_relevant: bool, persons: Persons = ()
) -> tuple[float, list[Hit]]:
    """Score a topic from one scan of the text (title first, ``title_len`` chars long)."""
    total = 0.0
    evidence: list[Hit] = []
    for rule in topic.terms:
        hits = rule_hits(rule, found, persons)
        if not hits:
            continue
        boost = topic.title_boost if hits[0].start < title_len else 1.0
        total += rule.weight * boost * (1 + 0.25 * min(len(hits) - 1, 2))
        evidence.append(hits[0])
    for rule in topic.negatives:
        if rule_hits(rule, found):
            total -= rule.weight
    if not kz_relevant:
        total *= topic.foreign_factor
    return max(0.0, min(1.0, total)), evidence
