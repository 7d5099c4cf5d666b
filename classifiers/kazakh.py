"""Kazakh word forms: suffix templates applied to stems, then transliterated.

A lexicon entry names a Cyrillic stem and its class (``ұста:v`` a verb, ``белсенді:n`` a
noun). ``KazakhForms.forms`` builds every form the suffix tables of
``classifiers/data/kazakh.toml`` allow, with vowel harmony and consonant assimilation
worked out from the word built so far, and returns them in Cyrillic, the 2018 and 2021
Latin alphabets and the Arabic script (tote), each folded the way ``fold`` folds text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .validate import RulesError, check_keys, read_toml

TABLES = Path(__file__).with_name("data") / "kazakh.toml"
BACK, FRONT = set("аоұыяё"), set("әеөүіэи")  # и: такси-ге, журналист-тер
VOWELS = set("аәеёиоөұүыіэюя")
SONORANT = set("уйр")  # behave like vowels for the plural and instrumental
NASAL = set("мнң")
VOICELESS = set("кқпстфхцчшщбвгд")  # б в г д are devoiced at the end of a word
VOICING = {"к": "г", "қ": "ғ", "п": "б"}
HAMZA = "\u0674"
# letters written for the same sound by different sites: ё/е, dotless ı/i, ǧ/ğ, ŋ/ñ
_FOLD = str.maketrans({"ё": "е", "ı": "i", "ǧ": "ğ", "ŋ": "ñ", **{c: "'" for c in "’‘ʻʼ`"}})
SCRIPTS = ("latin2018", "latin2021", "tote")
KINDS = ("v", "va", "n", "nom", "acc", "")  # verb, active verb, noun, noun as subject / object


def fold(text: str) -> str:
    """Lower-case, NFC, ё→е, dotless ı→i, hamza and tatweel dropped: how text is matched."""
    text = unicodedata.normalize("NFC", text.lower()).translate(_FOLD)
    return text.replace(HAMZA, "").replace("\u0621", "").replace("\u0640", "")


def _front(word: str) -> bool:
    """Vowel harmony of a word: the class of its last back or front vowel."""
    for ch in reversed(word):
        if ch in BACK:
            return False
        if ch in FRONT:
            return True
    return False


def _sound(word: str) -> str:
    """Class of the last sound: vowel, sonorant, l, nasal, zh (ж з), voiced, voiceless."""
    last = word[-1]
    if last in VOWELS and last not in "у":
        return "vowel"
    if last in SONORANT:
        return "sonorant"
    if last == "л":
        return "l"
    if last in NASAL:
        return "nasal"
    if last in "жз":
        return "zh"
    return "voiceless" if last in VOICELESS else "voiced"


_BY_SOUND: dict[str, dict[str, str]] = {
    # archiphoneme: {sound class: letters}; "*" is the default; "|" separates options
    "G": {"voiceless": "K", "*": "Ğ"},
    "D": {"voiceless": "т", "*": "д"},
    "L": {"vowel": "л", "sonorant": "л", "voiceless": "т", "*": "д"},
    "N": {"vowel": "н", "nasal": "н", "voiceless": "т", "*": "д"},
    "Q": {"vowel": "н", "voiceless": "т", "*": "д"},
    "B": {"nasal": "н", "voiceless": "т", "*": "д"},
    "M": {"nasal": "м|б", "zh": "м|б", "voiceless": "п", "*": "м"},
    "S": {"vowel": "с", "*": ""},
    "P": {"vowel": "п", "*": "Yп"},
    "J": {"vowel": "й", "*": "A"},
    "V": {"vowel": "л", "l": "Yн", "*": "Yл"},
}
_BY_HARMONY = {"A": "ае", "Y": "ыі", "K": "қк", "Ğ": "ғг"}


def _append(word: str, template: str, boundary: bool = True) -> list[str]:
    """Every spelling of ``word`` + ``template`` with its archiphonemes resolved."""
    if not template:
        return [word]
    head, rest = template[0], template[1:]
    if head in _BY_SOUND:
        table = _BY_SOUND[head]
        options = table.get(_sound(word), table["*"]).split("|")
        return [w for option in options for w in _append(word, option + rest, boundary)]
    if head in _BY_HARMONY:
        head = _BY_HARMONY[head][_front(word)]
    if boundary and (head in VOWELS or head == "у") and word[-1] in VOICING:
        word = word[:-1] + VOICING[word[-1]]
    if boundary and word.endswith("ст") and head not in VOWELS:  # журналис-тер, журналис-ке
        return _append(word + head, rest, False) + _append(word[:-1] + head, rest, False)
    return _append(word + head, rest, False)


@dataclass(frozen=True, eq=False)
class KazakhForms:
    """The suffix and transliteration tables, loaded once."""

    verb_endings: tuple[str, ...]
    verb_nominal: tuple[str, ...]
    plural: tuple[str, ...]
    possessive: tuple[str, ...]
    case: tuple[str, ...]
    after_possessive: tuple[str, ...]
    scripts: tuple[dict[str, str], ...]

    def noun_forms(self, stem: str) -> set[str]:
        """stem + [plural] + [possessive] + [case], with the linking н after possessive 3.

        A stem that may itself end in the 3rd-person possessive (the head of a name such as
        «Көше партиясы», «қаңтар оқиғасы») also takes the endings after it: партиясын.
        """
        out = {stem}
        if stem.endswith(("ы", "і")):
            for case in self.after_possessive:
                out.update(_append(stem, case))
        bases = {stem} | {w for s in self.plural for w in _append(stem, s)}
        out |= bases
        for base in bases:
            for case in self.case:
                out.update(_append(base, case))
            for poss in self.possessive:
                for owned in _append(base, poss):
                    out.add(owned)
                    after = self.after_possessive if poss == "SY" else self.case
                    for case in after:
                        out.update(_append(owned, case))
        return out

    def accusative_forms(self, stem: str) -> set[str]:
        """stem + [plural] + [possessive] + accusative: the noun as a direct object."""
        bases = self.nominative_forms(stem)
        out = {w for b in bases for w in _append(b, "QY")}
        for base in bases - {stem}:  # after the 3rd-person possessive: күзетшісі-н
            if base.endswith(("ы", "і")):
                out.add(base + "н")
        return out

    def nominative_forms(self, stem: str) -> set[str]:
        """stem + [plural] + [possessive], no case: the noun as the subject of a sentence."""
        bases = {stem} | {w for s in self.plural for w in _append(stem, s)}
        return bases | {w for b in bases for p in self.possessive for w in _append(b, p)}

    def verb_forms(self, stem: str, passive: bool = True) -> set[str]:
        """Active (and passive) stems with the verb endings and the nominal forms declined."""
        out: set[str] = set()
        voices = [stem, *_append(stem, "V")] if passive else [stem]
        for voice in voices:  # the bare stems are imperatives: left out
            for ending in self.verb_endings:
                out.update(_append(voice, ending))
            for nominal in self.verb_nominal:
                for noun in _append(voice, nominal):
                    out |= self.noun_forms(noun)
        return out

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per process, loaded once
    def paradigms(self, entry: str) -> list[tuple[str, frozenset[str]]]:
        """(word start, endings) pairs in every script for ``stem:v`` / ``stem:n`` / ``word``.

        ``:va`` is a verb in the active voice only (who did it: ұрды, not ұрылды), ``:nom``
        a noun without case endings (the subject: полицейлер, not полицейлерді), ``:acc`` a
        noun in the accusative (the object: полицейлерді, күзетшісін).

        A token is a form of the entry when it is a word start followed by one of its
        endings. The endings depend only on the class, the stem's last letter and its
        harmony, so they are generated once per such triple and shared.
        """
        stem, _, kind = entry.partition(":")
        stem = fold(stem)
        if kind not in KINDS:
            raise RulesError(f"Kazakh entry {entry!r}: class must be one of :v :va :n :nom :acc")
        if not kind:
            return [(fold(w), frozenset({""})) for w in self.spellings(stem)]
        keep = 2 if stem.endswith("ст") else 1  # the т of -ст may drop before a suffix
        rep = ("е" if _front(stem) else "а") + stem[-keep:]
        out = [(stem[:-keep], self._endings(kind, rep, -1))]
        for i, table in enumerate(self.scripts):
            start = fold(self.transliterate(stem[:-keep], table))
            out.append((start, self._endings(kind, rep, i)))
        return out

    def spellings(self, word: str) -> set[str]:
        """A word in Cyrillic and in each transliteration."""
        return {word} | {fold(self.transliterate(word, t)) for t in self.scripts}

    @lru_cache(maxsize=512)  # noqa: B019 - one instance per process, loaded once
    def _endings(self, kind: str, rep: str, script: int) -> frozenset[str]:
        """Endings (from the stem's last letter on) of a class, in one script (-1 = Cyrillic)."""
        if script >= 0:  # one transliteration of all the Cyrillic endings at once
            endings = "\n".join(sorted(self._endings(kind, rep, -1)))
            return frozenset(fold(self.transliterate(endings, self.scripts[script])).split("\n"))
        if kind in ("v", "va"):
            forms = self.verb_forms(rep, passive=kind == "v")
        else:
            forms = {
                "nom": self.nominative_forms, "acc": self.accusative_forms, "n": self.noun_forms
            }[kind](rep)
        return frozenset(f[1:] for f in forms)

    def forms(self, entry: str) -> set[str]:
        """Every folded form of an entry in every script (for tests and measurements)."""
        return {start + end for start, ends in self.paradigms(entry) for end in ends}

    @staticmethod
    def transliterate(word: str, table: dict[str, str]) -> str:
        """Transliteration, two-letter keys (ия) first; characters outside the table kept."""
        pairs, single = _compiled(tuple(table.items()))
        for key, value in pairs:
            word = word.replace(key, value)
        return word.translate(single)


@lru_cache(maxsize=8)
def _compiled(items: tuple[tuple[str, str], ...]) -> tuple[tuple[tuple[str, str], ...], dict]:
    """A table as (two-letter replacements, str.translate map)."""
    pairs = tuple((k, v) for k, v in items if len(k) == 2)
    return pairs, str.maketrans({k: v for k, v in items if len(k) == 1})


@lru_cache(maxsize=2)
def load_kazakh(path: Path = TABLES) -> KazakhForms:
    """Read and validate ``kazakh.toml``."""
    raw = read_toml(path)
    optional = {"description": str, **{s: dict for s in SCRIPTS}}
    check_keys(raw, path.name, {"verb": dict, "noun": dict}, optional)
    check_keys(raw["verb"], f"{path.name}: [verb]", {"endings": list, "nominal": list}, {})
    noun_keys = {"plural": list, "possessive": list, "case": list, "after_possessive": list}
    check_keys(raw["noun"], f"{path.name}: [noun]", noun_keys, {})
    scripts = []
    for name in SCRIPTS:
        table = raw.get(name, {})
        if not all(isinstance(v, str) and 1 <= len(k) <= 2 for k, v in table.items()):
            raise RulesError(f"{path.name}: [{name}] must map one or two letters to strings")
        scripts.append(table)
    return KazakhForms(
        verb_endings=tuple(raw["verb"]["endings"]),
        verb_nominal=tuple(raw["verb"]["nominal"]),
        plural=tuple(raw["noun"]["plural"]),
        possessive=tuple(raw["noun"]["possessive"]),
        case=tuple(raw["noun"]["case"]),
        after_possessive=tuple(raw["noun"]["after_possessive"]),
        scripts=tuple(scripts),
    )
