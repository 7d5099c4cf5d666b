"""Compare language ID: our letter/word evidence against lingua-language-detector.

lingua ships its models in the wheel and has a Kazakh profile, but no Kyrgyz, Tatar,
Bashkir, Uzbek, Turkmen or Uyghur. This measures, on the ru/kk/en items of both labelled
sets, on neighbour-language sentences written for the tests and on the one-line hard
sentences (``tests/quality``), the accuracy, ms per text and the memory each needs.
lingua is optional (``pip install lingua-language-detector``).

    python bench/language_id.py
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.quality_data import HALVES, load_neighbours, load_sentences, load_set  # noqa: E402
from classifiers.language import PREFIX_CHARS, detect_language  # noqa: E402
from tests.test_language import KAZAKH, NEIGHBOURS  # noqa: E402

LINGUA_LANGS = ("KAZAKH", "RUSSIAN", "ENGLISH", "TURKISH", "AZERBAIJANI", "POLISH", "GERMAN",
                "UKRAINIAN", "BELARUSIAN", "MONGOLIAN", "SPANISH")


def rss_mb() -> float:
    """Peak resident memory of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, detect, cases: list[tuple[str, str]]) -> None:
    """Accuracy and ms per text of one detector."""
    started = time.perf_counter()
    right = sum(detect(text) == lang for text, lang in cases)
    ms = (time.perf_counter() - started) / len(cases) * 1000
    print(f"| {name} | {right}/{len(cases)} | {ms:.2f} |")


def lingua_detector(all_languages: bool):  # noqa: ANN201 - optional dependency
    """A lingua detector (all 75 languages, or the ones that matter here), or None."""
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    if all_languages:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        builder = LanguageDetectorBuilder.from_languages(
            *(getattr(Language, n) for n in LINGUA_LANGS)
        )
    detector = builder.with_preloaded_language_models().build()

    def detect(text: str) -> str:
        """ISO 639-1 code lingua gives the first PREFIX_CHARS characters."""
        found = detector.detect_language_of(text[:PREFIX_CHARS])
        return found.iso_code_639_1.name.lower() if found else "und"

    return detect


def main() -> int:
    """Print one table per test set."""
    labelled = [(i["text"], i["lang"]) for s in ("dev", "dev2") for i in load_set(s)
                if i["lang"] in ("ru", "kk", "en")]
    sets = {
        "labelled ru/kk/en items (dev + dev2)": labelled,
        "Kazakh in 4 scripts (tests)": [(t, "kk") for t in KAZAKH],
        "neighbours (tests)": list(NEIGHBOURS),
        "one-line hard sentences ru/kk/en (both halves)": [
            (r["text"], r["lang"]) for h in HALVES for r in load_sentences(h)
        ],
        "one-line neighbour sentences (both halves)": [
            (r["text"], r["lang"]) for h in HALVES for r in load_neighbours(h)
        ],
    }
    before = rss_mb()
    detect_language("warm up")
    print(f"ours: +{rss_mb() - before:.0f} MB")
    detectors = {"ours": detect_language}
    for label, full in (("lingua, 11 languages", False), ("lingua, all 75", True)):
        before, started = rss_mb(), time.perf_counter()
        detector = lingua_detector(full)
        if detector is None:
            print("lingua-language-detector is not installed")
            break
        print(f"{label}: load {time.perf_counter() - started:.1f} s, +{rss_mb() - before:.0f} MB")
        detectors[label] = detector
    for set_name, cases in sets.items():
        print(f"\n### {set_name}\n\n| detector | right | ms/text |\n|---|---|---|")
        for name, detect in detectors.items():
            measure(name, detect, cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
