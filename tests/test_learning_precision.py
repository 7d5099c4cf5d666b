"""Per-rule precision from triage: what counts as a right or wrong firing, the interval, the
order. Figures by hand, not by the code under test."""

from __future__ import annotations

import json

import pytest

from learning.labels import topic_label
from learning.precision import Firing, RuleInfo, rule_stats, topic_stats, wilson


def evidence(*rules: str) -> str:
    return json.dumps([{"topic": "torture", "rule": r, "match": "x", "snippet": "x"}
                       for r in rules])


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (0, 0, 0.0, 1.0),
    (0, 1, 0.0, 0.7935),
    (1, 1, 0.2065, 1.0),
    (5, 10, 0.2366, 0.7634),  # the textbook case
    (3, 5, 0.2307, 0.8824),
    (0, 20, 0.0, 0.1611),
])
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    assert wilson(k, n) == pytest.approx((low, high), abs=5e-4)


def test_a_wrong_topic_report_outweighs_the_items_relevant_triage() -> None:
    firings = [
        Firing(1, "torture", evidence("t.a", "t.b"), "relevant", None, "2026-11-01T00:00:00Z"),
        Firing(2, "torture", evidence("t.a"), "relevant", "wrong", "2026-11-03T00:00:00Z"),
        Firing(3, "torture", evidence("t.a"), "not_relevant", None, "2026-11-02T00:00:00Z"),
        Firing(4, "torture", evidence("t.a"), "follow_up", None, None),
        Firing(5, "torture", evidence("t.b"), None, "missed", None),  # missed, flagged since
    ]
    stats = {s.rule: s.as_dict() for s in rule_stats(firings, [])}
    assert stats["t.a"]["hits"] == 4
    assert (stats["t.a"]["relevant_items"], stats["t.a"]["not_relevant_items"]) == ([1], [2, 3])
    assert stats["t.a"]["undecided"] == 1
    assert stats["t.a"]["precision"] == pytest.approx(1 / 3, abs=1e-3)
    assert stats["t.a"]["last_fired"] == "2026-11-03T00:00:00Z"
    assert stats["t.b"]["relevant_items"] == [1, 5] and stats["t.b"]["precision"] == 1.0


def test_rules_never_fired_are_listed_and_gone_rules_are_marked() -> None:
    catalogue = [RuleInfo("t.quiet", "torture", "torture.toml", 0.6)]
    stats = {s.rule: s for s in rule_stats([Firing(1, "torture", evidence("t.old"), None, None,
                                                   None)], catalogue)}
    assert stats["t.quiet"].hits == 0 and stats["t.quiet"].in_files
    assert stats["t.old"].hits == 1 and not stats["t.old"].in_files


def test_worst_first_puts_the_surest_bad_rule_first_and_undecided_last() -> None:
    def firings(rule: str, right: int, wrong: int, undecided: int = 0) -> list[Firing]:
        statuses = ["relevant"] * right + ["not_relevant"] * wrong + [None] * undecided
        return [Firing(i, "torture", evidence(rule), s, None, None)
                for i, s in enumerate(statuses)]

    order = [s.rule for s in rule_stats(
        firings("one_wrong", 0, 1) + firings("many_wrong", 0, 8) + firings("good", 9, 1)
        + firings("half", 5, 5) + firings("unknown", 0, 0, undecided=30), [])]
    # 0 of 1 may still be a good rule (upper bound 0.79); 5 of 10 is at best 0.76
    assert order == ["many_wrong", "half", "one_wrong", "good", "unknown"]


def test_topic_figures_count_misses_open_and_fixed() -> None:
    firings = [Firing(1, "detention", evidence("d.a"), "relevant", None, None),
               Firing(2, "detention", evidence("d.a"), "not_relevant", None, None),
               Firing(3, "detention", evidence("d.a"), None, None, None)]
    [entry] = [t.as_dict() for t in topic_stats(["detention"], firings,
                                                [("detention", False), ("detention", True)])]
    assert (entry["flagged"], entry["relevant"], entry["not_relevant"]) == (3, 1, 1)
    assert (entry["missed_open"], entry["missed_fixed"]) == (1, 1)
    assert entry["recall_known"] == 0.5  # 1 relevant flagged, 1 relevant still missed


@pytest.mark.parametrize(("status", "verdict", "flagged", "label"), [
    ("relevant", None, True, True),
    ("relevant", None, False, None),  # relevant for another topic: says nothing of this one
    ("not_relevant", None, False, False),
    ("not_relevant", "missed", False, True),
    ("relevant", "wrong", True, False),
    ("follow_up", None, True, None),
    (None, None, False, None),
])
def test_what_a_decision_says_about_one_topic(status, verdict, flagged, label) -> None:
    assert topic_label(status, verdict, flagged) is label
