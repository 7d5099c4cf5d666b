"""What one word of a concept entry stands for: exact forms, word starts, Kazakh paradigms.

Russian lemmas get every form from pymorphy3 (``лемма:nomn,ablt`` keeps only the forms
with those grammemes), Kazakh stems get theirs from the suffix tables of ``kazakh.py``
(in all four scripts), English ``word*`` is any word starting so. ``@concept`` inside a
phrase stands for any single word of that concept, so roles can be written as word
order ("@state_agent ... @violence_verb": the agent before the verb in English).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from .formcache import form_cache
from .kazakh import fold, load_kazakh

Lookup = Callable[[str], list[str]]  # folded token -> the concepts it stands for


@dataclass(frozen=True)
class Spec:
    """What one token may be: exact forms, word starts (``x*``), start + ending pairs, a concept."""

    forms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    paradigms: tuple[tuple[str, frozenset[str]], ...] = ()
    gap: bool = False  # "...": up to GAP tokens of anything
    concept: str = ""  # "@name": any single word of that concept

    @property
    def empty(self) -> bool:
        """True when the entry word yields nothing to match."""
        return not (self.forms or self.prefixes or self.paradigms or self.gap or self.concept)

    def accepts(self, token: str, lookup: Lookup) -> bool:
        """Is ``token`` (folded) one of the forms this spec stands for?"""
        if self.concept:
            return self.concept in lookup(token)
        if "ii" in token and self._form(token.replace("ii", "i")):
            return True  # Latin ия written "iia" (polisiia): the forms have "ia"
        return self._form(token)

    def _form(self, token: str) -> bool:
        """Exact forms, word starts, stem + ending pairs."""
        if token in self.forms:
            return True
        if self.prefixes and any(token.startswith(p) for p in self.prefixes):
            return True
        return bool(self.paradigms) and any(
            token.startswith(s) and token[len(s) :] in e for s, e in self.paradigms
        )


@lru_cache(maxsize=1)
def _morph():  # noqa: ANN202 - pymorphy3 has no type hints
    """The pymorphy3 analyser (Russian dictionaries), loaded once."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=4096)
def russian_forms(entry: str) -> frozenset[str]:
    """All forms of a Russian lemma, or those with the grammemes after the colon.

    ``лемма:nomn,ablt`` keeps the forms of either case; ``полиция:nomn+sing`` needs both
    grammemes (not the plural "полиции", which is also the genitive); ``-tag`` (or ``-a+b``)
    drops every spelling that is also such a form: ``полицейский:accs,-nomn`` keeps
    "полицейского" but not "полицейские", a nominative too.
    """
    word, _, tags = entry.partition(":")
    names = [t.strip() for t in tags.split(",") if t.strip()]
    wanted = [set(t.split("+")) for t in names if not t.startswith("-")]
    unwanted = [set(t[1:].split("+")) for t in names if t.startswith("-")]
    morph = _morph()
    parses = [p for p in morph.parse(word) if fold(p.normal_form) == fold(word)]
    forms = set() if wanted else {word}
    dropped: set[str] = set()
    for parse in parses[:2] or morph.parse(word)[:1]:
        for form in parse.lexeme:
            grammemes = set(form.tag.grammemes)
            if any(u <= grammemes for u in unwanted):
                dropped.add(form.word)
            elif not wanted or any(w <= grammemes for w in wanted):
                forms.add(form.word)
    return frozenset(fold(f) for f in forms - dropped)


def token_spec(word: str, lang: str) -> Spec:
    """Forms one word of an entry stands for, by the conventions of its language (generated
    once, then read from the form cache)."""
    cache = form_cache()
    key = f"{lang}|{word}"
    if (kept := cache.get(key)) is not None:
        return _from_json(kept)
    spec = _token_spec(word, lang)
    cache.put(key, _to_json(spec))
    return spec


def _to_json(spec: Spec) -> list:
    return [sorted(spec.forms), list(spec.prefixes),
            [[start, sorted(ends)] for start, ends in spec.paradigms], spec.gap, spec.concept]


def _from_json(data: list) -> Spec:
    forms, prefixes, paradigms, gap, concept = data
    return Spec(frozenset(forms), tuple(prefixes),
                tuple((start, _endings(tuple(ends))) for start, ends in paradigms), gap,
                concept)


@cache
def _endings(ends: tuple[str, ...]) -> frozenset[str]:
    """One shared set per distinct ending list: thousands of Kazakh stems share a handful of
    paradigms, and a set apiece read from the cache file cost tens of MB in every crawl."""
    return frozenset(ends)


def _token_spec(word: str, lang: str) -> Spec:
    if word == "...":
        return Spec(gap=True)
    if word.startswith("@") and len(word) > 1:
        return Spec(concept=word[1:])
    if word.endswith("*"):
        return Spec(prefixes=(fold(word[:-1]),))
    if word.startswith("=") and lang == "kk":  # one form, but in every script
        return Spec(frozenset(load_kazakh().spellings(fold(word[1:]))))
    if word.startswith("="):
        return Spec(frozenset({fold(word[1:])}))
    if lang == "ru" and re.search(r"[а-яё]", word.lower()):
        return Spec(frozenset(russian_forms(word)))
    if lang == "kk":
        pairs = load_kazakh().paradigms(word)
        exact = frozenset(s for s, e in pairs if e == {""})
        return Spec(exact, paradigms=tuple((s, e) for s, e in pairs if e != {""}))
    return Spec(frozenset({fold(word)}))
