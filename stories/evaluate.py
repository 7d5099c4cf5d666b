"""Pairwise precision and recall of the grouping on labelled reports (docs/stories.md).

A labelled report carries `story`, the event it reports; reports without one are each their
own event. Gold pairs are the pairs with the same label; predicted pairs share a story id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any


@dataclass
class PairScore:
    """Pairwise counts, with the pairs that went wrong (for the report)."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, a, b)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positive + self.false_negative
        return self.true_positive / gold if gold else 1.0


def pair_score(gold: Mapping[str, str], predicted: Mapping[str, Any]) -> PairScore:
    """Compare labels (`gold`: report -> event) with groups (`predicted`: report -> story)."""
    score = PairScore()
    for a, b in combinations(sorted(gold), 2):
        same_gold = gold[a] == gold[b]
        same_predicted = predicted[a] == predicted[b]
        if same_gold and same_predicted:
            score.true_positive += 1
        elif same_predicted:
            score.false_positive += 1
            score.wrong.append(("false_positive", a, b))
        elif same_gold:
            score.false_negative += 1
            score.wrong.append(("false_negative", a, b))
    return score


def gold_labels(reports: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """report key -> event label (its own key when it has no `story`)."""
    return {r["key"]: r.get("story") or r["key"] for r in reports}


def expand_variants(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Reports of a labelled file, with each [[variant]] made from the report it republishes."""
    reports = [dict(r, text="\n\n".join(r["paragraphs"])) for r in data.get("report", [])]
    by_key = {r["key"]: r for r in reports}
    for variant in data.get("variant", []):
        base = by_key[variant["of"]]
        paragraphs = [p for i, p in enumerate(base["paragraphs"])
                      if i not in set(variant.get("drop", []))]
        text = "\n\n".join(paragraphs)
        for old, new in variant.get("replace", []):
            text = text.replace(old, new)
        text = "\n\n".join(p for p in (variant.get("prefix"), text, variant.get("suffix")) if p)
        reports.append({**base, "key": variant["key"], "of": variant["of"],
                        "source": variant["source"],
                        "published": variant["published"], "title": variant["title"],
                        "text": text})
    return reports


def demo_reports(articles: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The demo articles as labelled reports (their `story` key, when they have one)."""
    return [{"key": f"demo-{a['site']}-{a['id']}", "story": a.get("story"), "demo": True,
             "source": a["site"], "lang": a["lang"], "published": a["published"],
             "title": a["title"], "text": "\n\n".join(a["paragraphs"])} for a in articles]
