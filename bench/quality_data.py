"""Labelled sets, benchmark pages and the scores the classifier is measured by.

Shared by ``bench/classifier_quality.py`` and the pinned quality test. Third-party text
is read in place from ``../shared/`` next to the checkout and never copied.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSMON_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SETS = {"dev": DATA / "topics_dev.jsonl", "dev2": DATA / "topics_dev2.jsonl"}
TOPICS = ("torture", "art405", "detention")
LANGS = ("ru", "kk", "en", "other")
# Our own short sentences (tests/quality): a development half, looked at while writing rules,
# a held-out half, written first and scored at the end, and a second held-out half written
# after that scoring (the first had been looked at by then) and scored once more.
QUALITY = ROOT / "tests" / "quality"
HALVES = ("dev", "heldout", "heldout2")
COLUMNS = ("ru", "kk cyrl", "kk latn2018", "kk latn2021", "kk arab", "en")


def column(row: dict) -> str:
    """Which language and script a hard sentence is reported under."""
    return f"kk {row['script']}" if row["lang"] == "kk" else row["lang"]


def _jsonl(path: Path) -> list[dict]:
    """The JSON lines of one file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_set(name: str) -> list[dict]:
    """The labelled items of one set (``dev`` or ``dev2``)."""
    return _jsonl(SETS[name])


def load_sentences(half: str) -> list[dict]:
    """Hard sentences of one half (``dev`` or ``heldout``): lang, script, class, topics, text."""
    return _jsonl(QUALITY / f"hard_sentences_{half}.jsonl")


def load_neighbours(half: str) -> list[dict]:
    """One-line sentences in the neighbouring languages, for language ID only (none: [])."""
    path = QUALITY / f"neighbour_sentences_{half}.jsonl"
    return _jsonl(path) if path.exists() else []


@dataclass(frozen=True)
class Score:
    """Precision, recall, F1 and the number of positives of one topic."""

    precision: float
    recall: float
    f1: float
    support: int


def prf(gold: list[set[str]], pred: list[set[str]], topic: str) -> Score:
    """Precision, recall and F1 of one topic (1.0 when there is nothing to get wrong)."""
    pairs = list(zip(gold, pred, strict=True))
    tp = sum(topic in g and topic in p for g, p in pairs)
    fp = sum(topic not in g and topic in p for g, p in pairs)
    fn = sum(topic in g and topic not in p for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tp + fn)


def topic_scores(items: list[dict], pred: list[set[str]], lang: str = "all") -> dict[str, Score]:
    """Scores per topic over the items of one language (``all`` for every item)."""
    idx = [i for i, it in enumerate(items) if lang == "all" or it["lang"] == lang]
    gold = [set(items[i]["topics"]) for i in idx]
    guess = [pred[i] for i in idx]
    return {topic: prf(gold, guess, topic) for topic in TOPICS}


def language_accuracy(
    items: list[dict], langs: list[str], only: tuple[str, ...] = ("ru", "kk", "en")
) -> float:
    """Share of the items (of the languages in ``only``; empty = all) whose language is right."""
    idx = [i for i, it in enumerate(items) if not only or it["lang"] in only]
    return sum(langs[i] == items[i]["lang"] for i in idx) / len(idx)


def sentence_figures(rows: list[dict], classify: Callable[..., dict]) -> dict:
    """P/R per topic and language accuracy of the classifier on hard sentences."""
    topics, langs = run_classifier(rows, classify)
    scores = topic_scores(rows, topics)
    out: dict = {t: {"precision": round(s.precision, 3), "recall": round(s.recall, 3)}
                 for t, s in scores.items()}
    out["language_accuracy"] = round(language_accuracy(rows, langs), 3)
    return out


def run_classifier(items: list[dict], classify: Callable[..., dict]) -> tuple[list, list]:
    """Topics and languages the classifier gives each item."""
    topics, langs = [], []
    for item in items:
        result = classify(item.get("title") or "", item["text"])
        topics.append(set(result["topics"]))
        langs.append(result["lang"])
    return topics, langs


def paragraph_text(html: str) -> str:
    """Cheap page text: the paragraphs and headings only (menus and link lists are left out).

    About ten times faster than trafilatura on the benchmark pages and close enough to an
    article body for counting false positives; the benchmark can use trafilatura instead.
    """
    from lxml import html as lxml_html

    try:
        doc = lxml_html.fromstring(html.encode("utf-8", "replace"))
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return ""
    return "\n".join(e.text_content().strip() for e in doc.iter("p", "h1", "h2", "h3"))


def benchmark_pages() -> Iterator[tuple[str, str, str]]:
    """(corpus, page id, html) of the 1,172 extraction-benchmark pages (AEB + trafilatura)."""
    from bench.common import iter_pages

    for page in iter_pages(("aeb", "trafilatura")):
        yield page.corpus, page.page_id, page.html
