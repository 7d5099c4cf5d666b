"""Pinned quality: the classifier may not fall below the recorded figures on the labelled sets.

Like trafilatura's ``tests/eval_baseline.json``: the labelled sets are read from
``../shared/data/`` next to the checkout (never copied into the project), P/R per topic
and language-ID accuracy are computed on each set, and any figure more than 0.02 below
``tests/quality/classifier_baseline.json`` fails. Regenerate the file with
``python bench/classifier_quality.py --pages none --write-baseline
tests/quality/classifier_baseline.json`` only when a change is meant to move the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.quality_data import (
    SETS,
    SHARED,
    TOPICS,
    benchmark_pages,
    language_accuracy,
    load_set,
    paragraph_text,
    run_classifier,
    topic_scores,
)
from classifiers import classify

BASELINE = Path(__file__).with_name("quality") / "classifier_baseline.json"
TOLERANCE = 0.02
PAGE_CHARS = 20_000  # long pages are cut here to keep the test fast; most are shorter

needs_data = pytest.mark.skipif(
    not all(p.exists() for p in SETS.values()), reason="../shared/data not present"
)
needs_pages = pytest.mark.skipif(
    not (SHARED / "bench" / "extraction_data").is_dir(), reason="../shared/bench not present"
)


@needs_data
@pytest.mark.parametrize("name", sorted(SETS))
def test_quality_not_below_pinned_figures(name: str) -> None:
    pinned = json.loads(BASELINE.read_text(encoding="utf-8"))[name]
    items = load_set(name)
    topics, langs = run_classifier(items, classify)
    scores = topic_scores(items, topics)
    drops = []
    for topic in TOPICS:
        for key in ("precision", "recall"):
            got = getattr(scores[topic], key)
            if got < pinned[topic][key] - TOLERANCE:
                drops.append(f"{topic} {key} {got:.3f} < pinned {pinned[topic][key]:.3f}")
    accuracy = language_accuracy(items, langs)
    if accuracy < pinned["language_accuracy"] - TOLERANCE:
        drops.append(f"language accuracy {accuracy:.3f} < {pinned['language_accuracy']:.3f}")
    assert not drops, f"{name}: " + "; ".join(drops)


@needs_pages
def test_benchmark_pages_are_not_kazakh_and_rarely_flagged() -> None:
    """1,172 irrelevant real pages: none is kk, at most 2 flagged, none of those KZ-relevant."""
    kazakh, flagged = [], []
    count = 0
    for corpus, page_id, html in benchmark_pages():
        count += 1
        result = classify("", paragraph_text(html)[:PAGE_CHARS])
        if result["lang"] == "kk":
            kazakh.append(f"{corpus}/{page_id}")
        if result["flagged"]:
            flagged.append((f"{corpus}/{page_id}", result["topics"], result["kz_relevant"]))
    assert count > 1100
    assert not kazakh
    assert len(flagged) <= 2, flagged
    assert not any(relevant for _, _, relevant in flagged), flagged
