"""Precision and recall of the model (cross-validated) beside the rules', on the same items.

The rules' figures on the development sets are flattering: the rules were written while
reading those sets. The triage figures are the honest ones for both.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.domain import TOPICS
from learning.dataset import Example
from learning.labels import MODEL_YES as YES
from learning.model import Folds


def prf(pairs: Sequence[tuple[bool, bool]]) -> dict:
    """(gold, predicted) pairs -> counts, precision, recall, F1 (None where undefined)."""
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision and recall else None)
    return {"tp": tp, "fp": fp, "fn": fn,
            **{k: None if v is None else round(v, 3)
               for k, v in (("precision", precision), ("recall", recall), ("f1", f1))}}


def origin_group(example: Example) -> str:
    return "triage" if example.origin == "triage" else "dev"


def compare(examples: Sequence[Example], folds: Folds,
            rule_topics: Sequence[frozenset[str]]) -> dict[str, dict]:
    """Per topic and per origin (all, triage, dev): the model's and the rules' figures on the
    examples labelled for the topic that the model scored."""
    out: dict[str, dict] = {}
    for topic in TOPICS:
        probs = folds.probabilities.get(topic, [])
        rows = [(origin_group(e), bool(e.labels[topic]), probs[i] >= YES, topic in rule_topics[i])
                for i, e in enumerate(examples)
                if e.labels.get(topic) is not None and i < len(probs) and probs[i] is not None]
        by_origin = {}
        for group in ("all", "triage", "dev"):
            chosen = [r for r in rows if group in ("all", r[0])]
            by_origin[group] = {
                "items": len(chosen), "positives": sum(r[1] for r in chosen),
                "model": prf([(g, m) for _, g, m, _ in chosen]),
                "rules": prf([(g, r) for _, g, _, r in chosen]),
            }
        labelled = sum(1 for e in examples if e.labels.get(topic) is not None)
        out[topic] = {"labelled": labelled, "scored": len(rows), **by_origin}
    return out
