"""Per-rule and per-topic precision from triage, with Wilson score intervals.

A rule "fired" on an item when the item's stored evidence for a topic names it (evidence is
kept only for topics that were flagged, so every firing helped a flag). Its precision is
the share of decided firings that monitors called right; the interval says how sure that is
on so few decisions (0 of 1 and 0 of 20 are both 0 %, and mean very different things).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from learning.labels import NOT_RELEVANT, RELEVANT, flag_verdict

Z95 = 1.959964


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (95 % by default); (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class RuleInfo:
    """One [[rule]] as its file states it."""

    rule: str
    topic: str
    file: str
    weight: float
    note: str = ""


@dataclass
class RuleStats:
    """How one rule did: firings, decided firings, and when it last fired."""

    rule: str
    topic: str
    file: str = ""
    weight: float | None = None
    in_files: bool = True
    hits: int = 0
    relevant: list[int] = field(default_factory=list)
    not_relevant: list[int] = field(default_factory=list)
    last_fired: str | None = None

    @property
    def decided(self) -> int:
        return len(self.relevant) + len(self.not_relevant)

    @property
    def precision(self) -> float | None:
        return len(self.relevant) / self.decided if self.decided else None

    def as_dict(self) -> dict:
        """The `newsmon rules report --json` form."""
        low, high = wilson(len(self.relevant), self.decided)
        return {
            "rule": self.rule, "topic": self.topic, "file": self.file, "weight": self.weight,
            "in_files": self.in_files, "hits": self.hits, "relevant": len(self.relevant),
            "not_relevant": len(self.not_relevant), "undecided": self.hits - self.decided,
            "precision": _round(self.precision), "ci_low": round(low, 3),
            "ci_high": round(high, 3), "last_fired": self.last_fired,
            "items_url": f"/-/rules/{self.rule}",  # the Rules page lists its items there
            "relevant_items": sorted(self.relevant),
            "not_relevant_items": sorted(self.not_relevant),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(frozen=True)
class Firing:
    """One stored flag: item, topic, its evidence JSON, the item's triage and topic report."""

    item_id: int
    topic: str
    evidence: str | None
    status: str | None
    verdict: str | None
    when: str | None


def evidence_rules(evidence: str | None) -> list[str]:
    """Rule ids named in one evidence JSON list (malformed JSON names none)."""
    try:
        entries = json.loads(evidence or "[]")
    except ValueError:
        return []
    if not isinstance(entries, list):
        return []
    return list(dict.fromkeys(
        str(e["rule"]) for e in entries if isinstance(e, dict) and e.get("rule")))


def rule_stats(firings: Iterable[Firing], catalogue: Iterable[RuleInfo]) -> list[RuleStats]:
    """Every rule of the files (fired or not) and every rule seen in evidence, worst first."""
    stats = {info.rule: RuleStats(info.rule, info.topic, info.file, info.weight)
             for info in catalogue}
    for firing in firings:
        decided = flag_verdict(firing.status, firing.verdict)
        for rule in evidence_rules(firing.evidence):
            entry = stats.get(rule)
            if entry is None:  # evidence of a rule since removed or renamed
                entry = stats[rule] = RuleStats(rule, firing.topic, in_files=False)
            entry.hits += 1
            if decided == RELEVANT:
                entry.relevant.append(firing.item_id)
            elif decided == NOT_RELEVANT:
                entry.not_relevant.append(firing.item_id)
            if firing.when and (entry.last_fired is None or firing.when > entry.last_fired):
                entry.last_fired = firing.when
    return sorted(stats.values(), key=worst_first)


def worst_first(stats: RuleStats) -> tuple:
    """Decided rules before undecided ones; among them the lowest upper bound first (the rule
    we are surest is bad), then the lowest precision, then the most decisions."""
    if not stats.decided:
        return (1, 0.0, 0.0, -stats.hits, stats.rule)
    high = wilson(len(stats.relevant), stats.decided)[1]
    return (0, round(high, 6), stats.precision or 0.0, -stats.decided, stats.rule)


@dataclass
class TopicStats:
    """A topic's flags and their decisions, and the misses monitors reported."""

    topic: str
    flagged: int = 0
    relevant: int = 0
    not_relevant: int = 0
    missed_open: int = 0
    missed_fixed: int = 0

    def as_dict(self) -> dict:
        decided = self.relevant + self.not_relevant
        low, high = wilson(self.relevant, decided)
        found = self.relevant + self.missed_open
        return {
            "topic": self.topic, "flagged": self.flagged, "relevant": self.relevant,
            "not_relevant": self.not_relevant,
            "precision": _round(self.relevant / decided if decided else None),
            "ci_low": round(low, 3), "ci_high": round(high, 3),
            "missed_open": self.missed_open, "missed_fixed": self.missed_fixed,
            # Of the relevant items monitors know of, the share the rules flagged: misses are
            # only counted when someone found them, so this is an upper bound on recall.
            "recall_known": _round(self.relevant / found if found else None),
        }


def topic_stats(topics: Iterable[str], firings: Iterable[Firing],
                missed: Iterable[tuple[str, bool]]) -> list[TopicStats]:
    """Per topic: flags, decided flags, and missed reports still open or fixed by a rule."""
    out = {t: TopicStats(t) for t in topics}
    for firing in firings:
        entry = out.setdefault(firing.topic, TopicStats(firing.topic))
        entry.flagged += 1
        decided = flag_verdict(firing.status, firing.verdict)
        entry.relevant += decided == RELEVANT
        entry.not_relevant += decided == NOT_RELEVANT
    for topic, flagged_now in missed:
        entry = out.setdefault(topic, TopicStats(topic))
        if flagged_now:
            entry.missed_fixed += 1
        else:
            entry.missed_open += 1
    return list(out.values())
