"""Language identification: Kazakh on positive evidence, neighbours told apart, then langdetect.

langdetect has no Kazakh profile (it calls Kazakh "ru", "mk" or "bg"), and no Kyrgyz,
Tatar, Bashkir, Uzbek, Azerbaijani or Turkmen either. So the script of the text is worked
out first, and for Cyrillic and Latin text each candidate language is scored from the
letters and function words listed in ``classifiers/data/languages.toml``: a word holding
one of its letters counts 1 (2 for a letter no neighbour has), a function word counts 2.
Kazakh is chosen only when its score reaches a share of the words *and* beats every
neighbour of that script; Arabic-script Kazakh (tote) is told from Uyghur, Arabic and
Persian by its letters. Everything else goes to langdetect, seeded for determinism.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import langdetect
from langdetect.lang_detect_exception import LangDetectException

from .validate import RulesError, check_keys, read_toml

langdetect.DetectorFactory.seed = 0

PREFIX_CHARS = 1000  # plenty for the decision, and it bounds the cost
UNDETERMINED = "und"
MIN_SHARE = 0.15  # the winner's score must reach this share of the words
RIVAL_SHARE = 0.5  # rivals scoring at least this share of the candidate are met head to head
EVIDENCE_FILE = Path(__file__).with_name("data") / "languages.toml"

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’‘ʻ][^\W\d_]+)*")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_ARAB_RE = re.compile(r"[\u0600-\u06ff]")
# Arabic-script Kazakh (tote): ە ۇ ۋ ڭ ٴ are frequent, and ى inside a word (Arabic writes it
# only at the end, Persian writes ی); Uyghur adds ې ۆ ۈ ئ.
_TOTE_LETTERS = set("\u06d5\u06c7\u06cb\u06ad\u0674")
_TOTE_INNER_YA = re.compile("\u0649(?=[\u0620-\u064a\u0671-\u06d3])")
_UYGHUR_LETTERS = set("\u06d0\u06c6\u06c8\u0626")
_SENTENCE_END = set(".!?…:;\n")
_OPENERS = " \t\"«“'(—–-"


# (evidence letters in it, normed word, the same with dotless ı as i, count)
Words = list[tuple[frozenset[str], str, str, int]]


@dataclass(frozen=True)
class Evidence:
    """Letters, function words and word patterns that point to one language."""

    letters: frozenset[str]
    strong: frozenset[str]
    words: frozenset[str]
    against: dict[str, re.Pattern[str]] = field(default_factory=dict)  # rival -> word pattern
    dotless: bool = False  # Kazakh Latin: ı and i are one letter (sites type either)

    def known(self, norm: str, dotted: str) -> bool:
        """Is the word (``dotted``: with ı as i) one of this language's function words?"""
        return (dotted if self.dotless else norm) in self.words

    def score(self, words: Words) -> float:
        """Letter evidence (1 a word, 2 for a strong letter) plus 2 per function word."""
        total = 0.0
        vocabulary, dotless = self.words, self.dotless
        for special, norm, dotted, n in words:
            if (dotted if dotless else norm) in vocabulary:
                total += 2 * n
            elif special:
                if not self.strong.isdisjoint(special):
                    total += 2 * n
                elif not self.letters.isdisjoint(special):
                    total += n
        return total


def _norm(word: str) -> str:
    """How words are compared: lower case, ё as е, one apostrophe (dotless ı is kept:
    Kazakh "bır" is not Turkish "bir"; Kazakh's own words are matched with ı as i)."""
    return word.lower().replace("ё", "е").replace("’", "'").replace("‘", "'")


@lru_cache(maxsize=2)
def load_evidence(path: Path = EVIDENCE_FILE) -> dict[str, dict[str, Evidence]]:
    """Read languages.toml: script -> language -> Evidence."""
    raw = read_toml(path)
    check_keys(raw, path.name, {"cyrillic": dict, "latin": dict}, {"description": str})
    out: dict[str, dict[str, Evidence]] = {}
    for script in ("cyrillic", "latin"):
        out[script] = {}
        for lang, entry in raw[script].items():
            where = f"{path.name}: [{script}.{lang}]"
            optional = {"strong": str, "against": dict}
            check_keys(entry, where, {"letters": str, "words": str}, optional)
            if not entry["words"].split():
                raise RulesError(f"{where}: no words")
            dotless = lang == "kk" and script == "latin"
            out[script][lang] = Evidence(
                letters=frozenset(entry["letters"].lower()),
                strong=frozenset(entry.get("strong", "").lower()),
                words=frozenset(
                    _norm(w).replace("ı", "i") if dotless else _norm(w)
                    for w in entry["words"].split()
                ),
                against=_against(entry.get("against", {}), where, raw[script]),
                dotless=dotless,
            )
    return out


def _against(table: dict, where: str, languages: dict) -> dict[str, re.Pattern[str]]:
    """Word patterns that count for a language head to head against one rival."""
    out = {}
    for rival, pattern in table.items():
        if rival not in languages or not isinstance(pattern, str):
            raise RulesError(f"{where}.against: {rival!r} must be a language of the script = regex")
        try:
            out[rival] = re.compile(pattern)
        except re.error as exc:
            raise RulesError(f"{where}.against.{rival}: bad regex {pattern!r}: {exc}") from exc
    return out


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of ``text`` (``und`` when it cannot be told)."""
    sample = (text or "")[:PREFIX_CHARS]
    raw_words = _WORD_RE.findall(sample)
    if not raw_words:
        return UNDETERMINED
    initials = "".join(w[0] for w in raw_words)  # the script of each word is that of its start
    cyr = len(_CYR_RE.findall(initials))
    lat = len(_LAT_RE.findall(initials))
    arab = len(_ARAB_RE.findall(initials))
    if arab > max(cyr, lat):
        return _arabic_script(sample)
    script = "cyrillic" if cyr >= lat else "latin"
    if script == "cyrillic":  # Kazakh names in Russian text carry Kazakh letters: leave them out
        raw_words = _without_names(sample) or raw_words
    words = [w.lower().replace("’", "'").replace("‘", "'") for w in raw_words]
    guess = _by_evidence(words, script)
    if guess:
        return guess
    code = _langdetect(sample)
    if code in ("bg", "mk") and _looks_russian(words):
        return "ru"
    return code


def _without_names(sample: str) -> list[str]:
    """The words of ``sample`` except capitalised ones inside a sentence (names, places)."""
    out = []
    last, boundary = 0, True  # the text starts a sentence
    for match in _WORD_RE.finditer(sample):
        gap = sample[last : match.start()].rstrip(_OPENERS)
        if "\n" in gap:
            boundary = True
        elif gap.strip():
            boundary = gap.rstrip()[-1:] in _SENTENCE_END
        word = match.group()
        if boundary or not word[0].isupper():
            out.append(word)
        boundary, last = False, match.end()
    return out


def _by_evidence(words: list[str], script: str) -> str | None:
    """The language the letter and word evidence points to, or None to ask langdetect.

    A candidate wins when its score reaches MIN_SHARE of the words, beats Russian (or
    English) and beats every other candidate head to head, counting only the letters the
    other one lacks (Kazakh against Uzbek: ә ұ і ң ө ү һ against ў ҳ), plus function words.
    """
    table = load_evidence()[script]
    counts = Counter(words)  # each distinct word is looked at once
    letters = _evidence_letters(script)
    distinct: Words = []
    for word, n in counts.items():
        norm = _norm(word)
        distinct.append((letters.intersection(word), norm, norm.replace("ı", "i"), n))
    scores = {lang: ev.score(distinct) for lang, ev in table.items()}
    base = "ru" if script == "cyrillic" else "en"
    need = MIN_SHARE * len(words)
    ranked = sorted((lang for lang in scores if lang != base), key=scores.__getitem__)[::-1]
    for lang in ranked:
        if scores[lang] < need:
            break
        if scores[lang] < scores[base] or (
            scores[lang] == scores[base] and not _head_to_head(lang, base, table, distinct)
        ):
            continue
        # a rival with less than half the score is no contender; the strongest are tried first
        rivals = [r for r in ranked if r != lang and scores[r] >= RIVAL_SHARE * scores[lang]]
        if all(_head_to_head(lang, r, table, distinct) for r in rivals):
            if lang != "kk" or _kazakh_positive(words, script):
                return lang
    if scores[base] >= need and scores[base] >= scores[ranked[0]]:
        return base
    if script == "cyrillic" and not _kazakh_marks(words, script):
        if sum(not table["ky"].letters.isdisjoint(w) for w in words) >= 2:
            return "ky"  # ң ө ү in several words without any Kazakh mark
    return None


@lru_cache(maxsize=2)
def _evidence_letters(script: str) -> frozenset[str]:
    """Every letter any language of the script counts as evidence."""
    return frozenset().union(*(ev.letters | ev.strong for ev in load_evidence()[script].values()))


def _head_to_head(name: str, rival: str, table: dict[str, Evidence], words: Words) -> bool:
    """Does ``name`` beat ``rival`` on the letters the other lacks, function words and the
    word patterns each has against the other (Kazakh -де/-лер against Bashkir -дә/-ләр)?"""
    one, other = table[name], table[rival]
    own, theirs = one.letters - other.letters, other.letters - one.letters

    def points(ev: Evidence, letters: frozenset[str], pattern: re.Pattern[str] | None) -> int:
        """2 per function word, 1 per word holding one of ``letters`` or matching ``pattern``."""
        total, vocabulary = 0, ev.words
        search = pattern.search if pattern else None
        for special, norm, dotted, k in words:
            if (dotted if ev.dotless else norm) in vocabulary:
                total += 2 * k
            elif (special and not letters.isdisjoint(special)) or (search and search(norm)):
                total += k
        return total

    return points(one, own, one.against.get(rival)) > points(other, theirs, other.against.get(name))


# Letters that, once the neighbours are outscored, mark Kazakh: each is shared with one
# neighbour at most (never with Russian, Turkish or Azerbaijani).
_KK_MARKED = {"cyrillic": frozenset("әғқұі"), "latin": frozenset("ǵūńúýáóñq")}
SHORT = 12  # a text this short needs one mark of Kazakh, a longer one two
_KK_LATIN_SHAPE = re.compile(r"[bcdfghjklmnpqrstvxzşğ]y(?:[bcdfghjklmnpqrstvxzşğ]|$)")


def _kazakh_marks(words: list[str], script: str) -> int:
    """Kazakh function words, words with a letter that marks Kazakh and (Latin) words with
    y as a vowel between consonants (bostandyğynan, aldy), which Turkish never writes."""
    kk = load_evidence()[script]["kk"]
    own = sum(kk.known(_norm(w), _norm(w).replace("ı", "i")) for w in words)
    marked = _KK_MARKED[script]
    shape = _KK_LATIN_SHAPE if script == "latin" else None
    return own + sum(
        not marked.isdisjoint(w) or bool(shape and shape.search(w)) for w in words
    )


def _kazakh_positive(words: list[str], script: str) -> bool:
    """Kazakh needs its own words or letters, not only letters shared with many neighbours."""
    return _kazakh_marks(words, script) >= (1 if len(words) < SHORT else 2)


def _arabic_script(sample: str) -> str:
    """Tell tote Kazakh from Uyghur, Arabic and Persian."""
    tote = sum(ch in _TOTE_LETTERS for ch in sample) + len(_TOTE_INNER_YA.findall(sample))
    uyghur = sum(ch in _UYGHUR_LETTERS for ch in sample)
    if tote >= max(3, 0.02 * len(sample)) and tote > 3 * uyghur:
        return "kk"
    if uyghur >= 2:  # ئ ې ۆ ۈ: Uyghur writes them often, Kazakh tote never
        return "ug"
    return _langdetect(sample)


def _looks_russian(words: list[str]) -> bool:
    """Short Russian often comes back as bg/mk; without their letters it is Russian."""
    text = "".join(words)
    if any(ch in "ѓќѕјљњџђћ" for ch in text):
        return False
    return text.count("ъ") < 0.005 * len(text)


def _langdetect(sample: str) -> str:
    """Plain langdetect, mapped to ISO 639-1, ``und`` on failure."""
    try:
        code = langdetect.detect(sample)
    except LangDetectException:
        return UNDETERMINED
    return code.split("-")[0]
