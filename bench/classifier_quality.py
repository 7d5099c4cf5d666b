"""Measure the topic classifier and language ID on both labelled sets and on real pages.

Reads ``../shared/data/topics_dev.jsonl`` and ``topics_dev2.jsonl`` at run time and
prints, for ``classifiers.classify`` and, in the same run, a naive keyword baseline:
P/R/F1 per topic and language on each set and on both together, the dev -> dev2 F1 gap
per topic, language-ID accuracy, and the false positives on the extraction-benchmark
pages (AEB, trafilatura's evaluation pages and the real_pages folder), which are all
irrelevant to the three topics: how many are flagged, how many of those are marked
Kazakhstan-relevant, and how many pages are labelled ``kk``.

Then our own short hand-written sentences (``tests/quality/hard_sentences_*.jsonl``: ru,
kk in Cyrillic, both Latin alphabets and Arabic script, en), the development half and the
held-out half apart, per topic and script, and language ID on them and on one-line
sentences in the neighbouring languages.

    python bench/classifier_quality.py [--errors] [--pages trafilatura|paragraphs|none]
                                       [--halves dev,heldout]
                                       [--write-baseline tests/quality/classifier_baseline.json]
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

from bench.quality_data import (  # noqa: E402
    COLUMNS,
    HALVES,
    LANGS,
    TOPICS,
    benchmark_pages,
    column,
    language_accuracy,
    load_neighbours,
    load_sentences,
    load_set,
    paragraph_text,
    run_classifier,
    sentence_figures,
    topic_scores,
)
from classifiers import classify  # noqa: E402

BASELINE_KEYWORDS = {
    "torture": {"пытки", "пытка", "пыток", "torture", "tortured", "азаптау", "избиение"},
    "art405": {"405", "экстремистской", "extremist", "экстремистік"},
    "detention": {"задержан", "задержаны", "арест", "detained", "arrested", "ұсталды", "қамау"},
}
_TOKEN_RE = re.compile(r"\w+")


def baseline(title: str, text: str) -> dict:
    """Naive classifier: any keyword present assigns the topic; plain langdetect."""
    body = f"{title}\n\n{text}"
    words = set(_TOKEN_RE.findall(body.lower()))
    langdetect.DetectorFactory.seed = 0
    try:
        lang = langdetect.detect(body[:2000])
    except langdetect.lang_detect_exception.LangDetectException:
        lang = "und"
    return {"lang": lang, "topics": [t for t in TOPICS if words & BASELINE_KEYWORDS[t]]}


def trafilatura_text(html: str, url: str) -> str:
    """Page text as the crawler extracts it (the one page -> text function)."""
    from extraction import extract_text

    return extract_text(html, url) or ""


def print_topics(name: str, items: list[dict], ours: list, base: list) -> None:
    """Markdown table: topic x language, ours beside the baseline."""
    print(f"\n### {name} ({len(items)} items)\n")
    print("| topic | lang | n+ | P | R | F1 | baseline P | baseline R | baseline F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for topic in TOPICS:
        for lang in (*LANGS, "all"):
            o = topic_scores(items, ours, lang)[topic]
            b = topic_scores(items, base, lang)[topic]
            print(
                f"| {topic} | {lang} | {o.support} | {o.precision:.2f} | {o.recall:.2f} "
                f"| {o.f1:.2f} | {b.precision:.2f} | {b.recall:.2f} | {b.f1:.2f} |"
            )


def print_gap(runs: dict[str, dict]) -> None:
    """F1 per topic on each set and the dev -> dev2 gap, for ours and the baseline."""
    print("\n### Generalisation gap (F1, all languages)\n")
    print("| topic | dev F1 | dev2 F1 | gap | baseline dev F1 | baseline dev2 F1 | baseline gap |")
    print("|---|---|---|---|---|---|---|")
    for topic in TOPICS:
        f = {
            (s, k): topic_scores(runs[s]["items"], runs[s][k])[topic].f1
            for s in ("dev", "dev2")
            for k in ("ours", "base")
        }
        print(
            f"| {topic} | {f['dev', 'ours']:.2f} | {f['dev2', 'ours']:.2f} "
            f"| {f['dev', 'ours'] - f['dev2', 'ours']:+.2f} | {f['dev', 'base']:.2f} "
            f"| {f['dev2', 'base']:.2f} | {f['dev', 'base'] - f['dev2', 'base']:+.2f} |"
        )


def print_languages(runs: dict[str, dict]) -> None:
    """Language-ID accuracy on the ru/kk/en items of each set."""
    print("\n### Language ID (ru/kk/en items)\n")
    print("| set | lang | n | ours | baseline (plain langdetect) |")
    print("|---|---|---|---|---|")
    for name, run in runs.items():
        for lang in ("ru", "kk", "en", "all"):
            idx = [i for i, it in enumerate(run["items"])
                   if it["lang"] == lang or (lang == "all" and it["lang"] in ("ru", "kk", "en"))]
            items = [run["items"][i] for i in idx]
            ours = language_accuracy(items, [run["ours_lang"][i] for i in idx])
            base = language_accuracy(items, [run["base_lang"][i] for i in idx])
            print(f"| {name} | {lang} | {len(items)} | {ours:.3f} | {base:.3f} |")


def print_sentences(half: str, errors: bool) -> None:
    """Hard sentences of one half: P/R per topic, language and script; language ID."""
    rows = load_sentences(half)
    topics, langs = run_classifier(rows, classify)
    print(f"\n### Hard sentences, {half} half ({len(rows)} sentences)\n")
    print("| topic | " + " | ".join(COLUMNS) + " | all |")
    print("|---|" + "---|" * (len(COLUMNS) + 1))
    for topic in TOPICS:
        cells = []
        for col in (*COLUMNS, "all"):
            idx = [i for i, r in enumerate(rows) if col in ("all", column(r))]
            sc = topic_scores([rows[i] for i in idx], [topics[i] for i in idx])[topic]
            cells.append(f"{sc.precision:.2f}/{sc.recall:.2f} ({sc.support})")
        print(f"| {topic} P/R (n+) | " + " | ".join(cells) + " |")
    cells = []
    for col in (*COLUMNS, "all"):
        idx = [i for i, r in enumerate(rows) if col in ("all", column(r))]
        right = sum(langs[i] == rows[i]["lang"] for i in idx)
        cells.append(f"{right}/{len(idx)}")
    print("| language ID | " + " | ".join(cells) + " |")
    if errors:
        for row, got, lang in zip(rows, topics, langs, strict=True):
            if set(row["topics"]) != got or lang != row["lang"]:
                print(f"  {row['id']} {row['script']} {row['class']}: gold={row['topics']} "
                      f"got={sorted(got)} lang={lang} | {row['text']}")


def print_neighbour_languages(halves: list[str]) -> None:
    """Language ID on one-line sentences in each neighbouring language."""
    rows = [r for half in halves for r in load_neighbours(half)]
    _, langs = run_classifier(rows, classify)
    right: dict[str, list[int]] = {}
    for row, lang in zip(rows, langs, strict=True):
        right.setdefault(row["lang"], []).append(lang == row["lang"])
    print(f"\n### Language ID on one-line neighbour sentences ({', '.join(halves)})\n")
    print("| " + " | ".join(right) + " | all |")
    print("|" + "---|" * (len(right) + 1))
    cells = [f"{sum(v)}/{len(v)}" for v in right.values()]
    total = sum(sum(v) for v in right.values())
    print("| " + " | ".join(cells) + f" | {total}/{len(rows)} |")
    kk = [r["lang"] for r, lang in zip(rows, langs, strict=True) if lang == "kk"]
    print(f"\nNeighbour sentences taken for kk: {len(kk)} {kk}")


def page_false_positives(mode: str) -> None:
    """Flagged, KZ-relevant and kk-labelled counts on the irrelevant benchmark pages."""
    from bench.common import iter_real_pages

    started = time.perf_counter()
    pages = [(c, i, h, "") for c, i, h in benchmark_pages()]
    pages += [(p.corpus, p.page_id, p.html, p.url) for p in iter_real_pages()]
    counts = {"pages": 0, "flagged": 0, "kz_relevant": 0, "kk": 0}
    base_flagged = 0
    for corpus, page_id, html, url in pages:
        text = trafilatura_text(html, url) if mode == "trafilatura" else paragraph_text(html)
        result = classify("", text)
        counts["pages"] += 1
        counts["kk"] += result["lang"] == "kk"
        base_flagged += bool(baseline("", text)["topics"])
        if result["flagged"]:
            counts["flagged"] += 1
            counts["kz_relevant"] += bool(result["kz_relevant"])
            print(f"  flagged: {corpus} {page_id[:40]} {result['topics']} {result['scores']}")
    seconds = time.perf_counter() - started
    print(f"\n### Benchmark pages ({mode} text, {seconds:.0f} s)\n")
    print("| pages | flagged | flagged and kz_relevant | labelled kk | baseline flagged |")
    print("|---|---|---|---|---|")
    print(
        f"| {counts['pages']} | {counts['flagged']} | {counts['kz_relevant']} "
        f"| {counts['kk']} | {base_flagged} |"
    )


def baseline_figures(runs: dict[str, dict], halves: list[str]) -> dict:
    """The figures the pinned quality tests compare against."""
    out: dict = {f"sentences_{half}": sentence_figures(load_sentences(half), classify)
                 for half in halves}
    for name, run in runs.items():
        scores = topic_scores(run["items"], run["ours"])
        out[name] = {t: {"precision": round(s.precision, 3), "recall": round(s.recall, 3)}
                     for t, s in scores.items()}
        out[name]["language_accuracy"] = round(
            language_accuracy(run["items"], run["ours_lang"]), 3
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point: run both systems on both sets, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misclassified item ids")
    parser.add_argument("--pages", choices=("trafilatura", "paragraphs", "none"),
                        default="trafilatura")
    parser.add_argument("--write-baseline", type=Path, help="write the pinned figures here")
    parser.add_argument("--halves", default=",".join(HALVES),
                        help="hard-sentence halves to score (dev, heldout)")
    args = parser.parse_args(argv)
    halves = [h for h in args.halves.split(",") if h]
    runs: dict[str, dict] = {}
    for name in ("dev", "dev2"):
        items = load_set(name)
        ours, ours_lang = run_classifier(items, classify)
        base, base_lang = run_classifier(items, baseline)
        runs[name] = {"items": items, "ours": ours, "ours_lang": ours_lang,
                      "base": base, "base_lang": base_lang}
        print_topics(name, items, ours, base)
    together = {k: runs["dev"][k] + runs["dev2"][k] for k in runs["dev"]}
    print_topics("dev + dev2 together", together["items"], together["ours"], together["base"])
    print_gap(runs)
    print_languages(runs)
    if args.errors:
        for run in runs.values():
            for item, got in zip(run["items"], run["ours"], strict=True):
                if set(item["topics"]) != got:
                    print(f"id={item['id']} lang={item['lang']} gold={sorted(item['topics'])} "
                          f"got={sorted(got)}")
    for half in halves:
        print_sentences(half, args.errors)
    if halves:
        print_neighbour_languages(halves)
    if args.pages != "none":
        page_false_positives(args.pages)
    if args.write_baseline:
        figures = baseline_figures(runs, halves)
        args.write_baseline.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
