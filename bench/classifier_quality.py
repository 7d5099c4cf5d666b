"""Measure the topic classifier and language ID against the labelled dev set.

Reads ``../shared/data/topics_dev.jsonl`` (or the path given) at run time and prints
precision/recall/F1 per topic and language for ``classifiers.classify`` and, measured
in the same run, for a naive baseline: one keyword list per topic, whole words, no
morphology, no negative contexts, and plain langdetect for language.

    python bench/classifier_quality.py [PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import langdetect  # noqa: E402

from classifiers import TOPICS, classify  # noqa: E402

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "topics_dev.jsonl"
LANGS = ("ru", "kk", "en", "other", "all")
BASELINE_KEYWORDS = {
    "torture": {"пытки", "пытка", "пыток", "torture", "tortured", "азаптау", "избиение"},
    "art405": {"405", "экстремистской", "extremist", "экстремистік"},
    "detention": {"задержан", "задержаны", "арест", "detained", "arrested", "ұсталды", "қамау"},
}
_TOKEN_RE = re.compile(r"\w+")


def baseline(title: str, text: str) -> tuple[str, list[str]]:
    """Naive classifier: any keyword present assigns the topic; plain langdetect."""
    body = f"{title}\n\n{text}"
    words = set(_TOKEN_RE.findall(body.lower()))
    topics = [t for t in TOPICS if words & BASELINE_KEYWORDS[t]]
    langdetect.DetectorFactory.seed = 0
    try:
        lang = langdetect.detect(body[:2000])
    except langdetect.lang_detect_exception.LangDetectException:
        lang = "und"
    return lang, topics


def prf(gold: list[set[str]], pred: list[set[str]], topic: str) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and support of one topic."""
    tp = sum(topic in g and topic in p for g, p in zip(gold, pred, strict=True))
    fp = sum(topic not in g and topic in p for g, p in zip(gold, pred, strict=True))
    fn = sum(topic in g and topic not in p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fn


def run(items: list[dict]) -> dict[str, list]:
    """Classify every item with both systems."""
    out: dict[str, list] = {"ours": [], "base": [], "ours_lang": [], "base_lang": []}
    for item in items:
        result = classify(item.get("title") or "", item["text"])
        out["ours"].append(set(result["topics"]))
        out["ours_lang"].append(result["lang"])
        lang, topics = baseline(item.get("title") or "", item["text"])
        out["base"].append(set(topics))
        out["base_lang"].append(lang)
    return out


def print_table(items: list[dict], out: dict[str, list]) -> None:
    """Markdown table: topic x language, ours beside the baseline."""
    print("| topic | lang | n+ | P | R | F1 | baseline P | baseline R | baseline F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for topic in TOPICS:
        for lang in LANGS:
            idx = [i for i, it in enumerate(items) if lang == "all" or it["lang"] == lang]
            gold = [set(items[i]["topics"]) for i in idx]
            ours = prf(gold, [out["ours"][i] for i in idx], topic)
            base = prf(gold, [out["base"][i] for i in idx], topic)
            print(
                f"| {topic} | {lang} | {ours[3]} | {ours[0]:.2f} | {ours[1]:.2f} | {ours[2]:.2f}"
                f" | {base[0]:.2f} | {base[1]:.2f} | {base[2]:.2f} |"
            )


def print_language(items: list[dict], out: dict[str, list]) -> None:
    """Language-ID accuracy on the ru/kk/en items."""
    print("\n| language ID (ru/kk/en items) | ours | baseline (plain langdetect) |")
    print("|---|---|---|")
    for lang in ("ru", "kk", "en", "all"):
        idx = [i for i, it in enumerate(items) if it["lang"] in ("ru", "kk", "en")]
        idx = [i for i in idx if lang == "all" or items[i]["lang"] == lang]
        ours = sum(out["ours_lang"][i] == items[i]["lang"] for i in idx) / len(idx)
        base = sum(out["base_lang"][i] == items[i]["lang"] for i in idx) / len(idx)
        print(f"| {lang} (n={len(idx)}) | {ours:.3f} | {base:.3f} |")


def main(argv: list[str] | None = None) -> int:
    """Entry point: load the set, run both systems, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--errors", action="store_true", help="list misclassified item ids")
    args = parser.parse_args(argv)
    items = [json.loads(line) for line in args.path.open(encoding="utf-8") if line.strip()]
    started = time.perf_counter()
    out = run(items)
    elapsed = time.perf_counter() - started
    print(f"{len(items)} items from {args.path.name}; both systems ran in {elapsed:.1f} s\n")
    print_table(items, out)
    print_language(items, out)
    if args.errors:
        for i, item in enumerate(items):
            gold, pred = set(item["topics"]), out["ours"][i]
            if gold != pred:
                print(f"id={item['id']} lang={item['lang']} gold={sorted(gold)} got={sorted(pred)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
