"""Time ``classify`` and ``detect_language`` per text against a one-regex baseline.

Reads ``../shared/data/topics_dev.jsonl`` (or the path given) at run time and times, over
the same texts in the same run: ``classify(title, text, lang)`` (language given, as the
pipeline passes it), ``classify(title, text)`` (language detected too),
``detect_language(text)``, and a trivial baseline: one ``re.search`` of a single combined
keyword regex. Inputs are the dev passages as they are and the same passages repeated to
exactly 2,000 characters. Each figure is the best of ``--repeat`` passes (ms per text) of
this process's CPU time (``time.process_time``), so load from other processes on a shared
machine inflates it as little as possible.

    python bench/classifier_speed.py [PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers import classify, detect_language, load_rules  # noqa: E402

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "topics_dev.jsonl"
BASELINE_RE = re.compile(
    r"пытк\w*|пыток|torture\w*|азаптау\w*|избиени\w*|405|экстремистск\w*|extremist|"
    r"задержан\w*|арест\w*|detained|arrested|ұсталды|қамау",
    re.IGNORECASE,
)
Item = tuple[str, str, str]


def best_ms(func: Callable[[Item], object], items: list[Item], repeat: int) -> float:
    """Best-of-``repeat`` mean milliseconds per item."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for item in items:
            func(item)
        best = min(best, time.process_time() - started)
    return best / len(items) * 1000


def main(argv: list[str] | None = None) -> int:
    """Entry point: load the texts, warm up, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.path.open(encoding="utf-8") if line.strip()]
    sets = {
        "dev passages": [(r.get("title") or "", r["text"], r["lang"]) for r in rows],
        "2,000 chars": [("", ((r["text"] + "\n") * 6)[:2000], r["lang"]) for r in rows],
    }
    load_rules()
    classify("", "warm-up text for langdetect profiles, the and of", None)
    cases: dict[str, Callable[[Item], object]] = {
        "classify (lang given)": lambda it: classify(it[0], it[1], it[2]),
        "classify (lang detected)": lambda it: classify(it[0], it[1]),
        "detect_language": lambda it: detect_language(it[1]),
        "baseline: one re.search": lambda it: BASELINE_RE.search(it[1]),
    }
    mean = {name: sum(len(it[1]) for it in items) / len(items) for name, items in sets.items()}
    print(f"{len(rows)} texts from {args.path.name}; best of {args.repeat} passes, ms per text\n")
    print("| function | " + " | ".join(f"{n} (mean {mean[n]:.0f} chars)" for n in sets) + " |")
    print("|---|" + "---|" * len(sets))
    for name, func in cases.items():
        cells = [f"{best_ms(func, items, args.repeat):.3f}" for items in sets.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
