"""Story grouping quality on the labelled pair set, and MinHash against SimHash for near-duplicates.

The pair set is `tests/data/story_reports.toml` plus the demo articles (each labelled with the
event it reports). Prints pairwise precision/recall of the whole grouping (what
docs/stories.md reports) and, for same-language pairs only, how well each signature tells
near-duplicates (republications) from the rest, with the cost per signature.

    python bench/story_quality.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import tomllib
from itertools import combinations
from pathlib import Path

from common import ROOT, print_machine, print_table
from simhash import Simhash

from store import connect
from stories.evaluate import demo_reports, expand_variants, gold_labels, pair_score
from stories.measure import group_reports
from stories.signature import minhash, pack, similarity
from stories.text import shingles, words

PAIRS = ROOT / "tests" / "data" / "story_reports.toml"
DEMO = ROOT / "newsmon" / "demo" / "articles.toml"


def labelled_reports() -> list[dict]:
    """The labelled set: our pair file and the demo articles."""
    data = tomllib.loads(PAIRS.read_text(encoding="utf-8"))
    demo = tomllib.loads(DEMO.read_text(encoding="utf-8"))["article"]
    return expand_variants(data) + demo_reports(demo)


def grouping() -> None:
    """Pairwise precision and recall of the grouping as the crawl runs it."""
    reports = labelled_reports()
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "pairs.db")
        predicted = group_reports(db, reports)
        db.close()
    score = pair_score(gold_labels(reports), predicted)
    print(f"reports {len(reports)}, gold pairs {score.true_positive + score.false_negative}")
    print_table(["precision", "recall", "TP", "FP", "FN"],
                [[f"{score.precision:.3f}", f"{score.recall:.3f}", str(score.true_positive),
                  str(score.false_positive), str(score.false_negative)]])
    for kind, a, b in score.wrong:
        print(f"  {kind}: {a} ~ {b}")


def near_duplicates() -> None:
    """Same-language pairs: MinHash (Jaccard >= t) against SimHash (distance <= k)."""
    reports = labelled_reports()
    gold = gold_labels(reports)
    started = time.perf_counter()
    mins = {r["key"]: pack(minhash(shingles(r["text"]))) for r in reports}
    min_cost = (time.perf_counter() - started) / len(reports)
    started = time.perf_counter()
    sims = {r["key"]: Simhash(list(shingle_texts(r["text"]))) for r in reports}
    sim_cost = (time.perf_counter() - started) / len(reports)
    pairs = [(a, b) for a, b in combinations(reports, 2) if a["lang"] == b["lang"]
             and (gold[a["key"]] != gold[b["key"]] or republication(a, b))]
    rows = []
    for name, cost, same in (
        [(f"MinHash J>={t}", min_cost, lambda a, b, t=t: similarity(mins[a], mins[b]) >= t)
         for t in (0.3, 0.5, 0.7)]
        + [(f"SimHash d<={k}", sim_cost, lambda a, b, k=k: sims[a].distance(sims[b]) <= k)
           for k in (3, 8, 12)]):
        tp = fp = fn = 0
        for a, b in pairs:
            truth = gold[a["key"]] == gold[b["key"]]
            guess = same(a["key"], b["key"])
            tp += truth and guess
            fp += guess and not truth
            fn += truth and not guess
        rows.append([name, f"{tp / (tp + fp) if tp + fp else 1:.2f}",
                     f"{tp / (tp + fn) if tp + fn else 1:.2f}", f"{cost * 1e6:.0f} µs"])
    gold_pairs = sum(gold[a["key"]] == gold[b["key"]] for a, b in pairs)
    print(f"\nsame-language pairs {len(pairs)}, of them republications {gold_pairs} "
          "(rewrites by another outlet left out)")
    print_table(["signature", "precision", "recall", "cost/item"], rows)


def republication(a: dict, b: dict) -> bool:
    """A pair of the same text from two outlets (a [[variant]], or the demo's pairs)."""
    return bool(a.get("of") or b.get("of") or (a.get("demo") and b.get("demo")))


def shingle_texts(text: str) -> list[str]:
    """SimHash features: the same 3-word shingles as MinHash."""
    tokens = words(text)
    return [" ".join(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))]


def main() -> int:
    print_machine("story grouping quality", " ".join(sys.argv))
    grouping()
    near_duplicates()
    return 0


if __name__ == "__main__":
    sys.exit(main())
