"""Concepts: named word lists whose forms are generated, and one pass that finds them.

A concept file (``classifiers/lexicon/*.toml``) maps a concept name to entries per
language: ``ru`` lemmas whose every form pymorphy3 generates (``полицейский:nomn,ablt``
keeps only the forms of those cases; ``=полиции`` is one exact form), ``kk`` stems with a
class (``ұста:v``, ``белсенді:n``: forms from ``kazakh.py``, also in Latin and Arabic
script), ``en`` words (``detain*`` = any word starting so), ``other`` words for the
neighbouring languages, and ``any`` tokens for every language (ДВК, KNB). Several words in
one entry are a phrase of consecutive tokens; ``...`` skips up to three tokens and
``@concept`` is any single word of that concept (roles as word order). ``regex`` patterns
are found by the scanner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .formcache import close_form_cache
from .forms import Lookup, Spec, token_spec
from .validate import RulesError, check_keys, compile_regex, read_toml

LEXICON_DIR = Path(__file__).with_name("lexicon")
LANG_KEYS = ("ru", "kk", "en", "other", "any")
# Languages a short Kazakh text is most often taken for: Kazakh forms are looked for there too.
KAZAKH_NEIGHBOURS = frozenset({"ky", "tt", "ba", "uz", "tr", "az", "tk"})
TOKEN_RE = re.compile(r"\w+(?:['’‘ʻʼ`]\w+)*")
_APOSTROPHES = {c: "'" for c in "’‘ʻʼ`"}
_FOLD_ALIGNED = str.maketrans(
    {"ё": "е", "ı": "i", "ǧ": "ğ", "ŋ": "ñ", "\u0674": " ", "\u0621": " ", "\u0640": " ",
     **_APOSTROPHES}
)
_CONCEPT_KEYS = {**{k: list for k in LANG_KEYS}, "regex": list, "note": str, "masks": list}


Found = tuple[str, int, int]
Token = tuple[str, int, int]  # folded token, start, end
JOINED, SOFT, HARD = 0, 1, 2  # spaces or a hyphen; a comma or quotes; . ! ? ; : or a new line
_JOIN_RE = re.compile(r"[ \t\-‐–]*")
_HARD_RE = re.compile(r"[.!?;:…\n]")
GAP = 3
MEMO_SIZE = 200_000  # distinct tokens remembered per matcher (a few tens of MB at most)


@dataclass
class _Tokens:
    """The tokens of one text and, worked out only when a phrase asks, the break before each."""

    text: str
    items: list[Token]
    lookup: Lookup

    def brk(self, k: int) -> int:
        """JOINED, SOFT or HARD: what stands between token k-1 and token k."""
        last, start = self.items[k - 1][2], self.items[k][1]
        if start - last == 1 and self.text[last] == " ":
            return JOINED
        if _JOIN_RE.fullmatch(self.text, last, start):
            return JOINED
        return HARD if _HARD_RE.search(self.text, last, start) else SOFT


def _match_rest(rest: tuple[Spec, ...], toks: _Tokens, k: int) -> int | None:
    """Index of the last token when ``rest`` matches from token ``k`` on, else None."""
    if not rest:
        return k - 1
    spec, tail = rest[0], rest[1:]
    if spec.gap:
        for skip in range(GAP + 1):
            if skip and (k + skip > len(toks.items) or toks.brk(k + skip - 1) == HARD):
                return None  # a gap does not reach into the next sentence
            end = _match_rest(tail, toks, k + skip)
            if end is not None:
                return end
        return None
    if k >= len(toks.items) or not spec.accepts(toks.items[k][0], toks.lookup):
        return None
    brk = toks.brk(k)
    if brk == HARD or (spec.concept and brk != JOINED):
        return None  # no phrase crosses a sentence end; a role ("@x") not even a comma
    return _match_rest(tail, toks, k + 1)


@dataclass(frozen=True)
class Matcher:
    """Forms of one language group -> concept names: exact, word starts, paradigms, phrases."""

    single: dict[str, tuple[str, ...]]
    prefixes: dict[str, tuple[str, ...]]
    stems: dict[str, tuple[tuple[frozenset[str], str], ...]]
    phrases: dict[str, tuple[tuple[tuple[Spec, ...], str], ...]]  # first form -> phrases
    roles: dict[str, tuple[tuple[tuple[Spec, ...], str], ...]]  # "@concept" first -> phrases
    lengths: dict[str, tuple[int, ...]]  # first two letters -> lengths of word starts
    memo: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def concepts(self, token: str) -> list[str]:
        """Concepts a single (folded) token stands for, remembered: words repeat a lot."""
        found = self.memo.get(token)
        if found is None:
            if len(self.memo) > MEMO_SIZE:
                self.memo.clear()
            found = self.memo[token] = self._concepts(token)
        return found

    def _concepts(self, token: str) -> list[str]:
        """Concepts a single token stands for (Latin "ii" also read as "i": polısııa, polisiia)."""
        out = self._lookup(token)
        if not out and "ii" in token:
            out = self._lookup(token.replace("ii", "i"))
        return out

    def _lookup(self, token: str) -> list[str]:
        """Exact forms, word starts and stem + ending pairs."""
        out = list(self.single.get(token, ()))
        for n in self.lengths.get(token[:2], ()) + self.lengths.get(token[:1], ()):
            if n > len(token):
                continue
            start = token[:n]
            out.extend(self.prefixes.get(start, ()))
            out.extend(c for ends, c in self.stems.get(start, ()) if token[n:] in ends)
        return out

    def find(self, text: str) -> Iterator[Found]:
        """(concept, start, end) for every concept form in ``text``."""
        folded = _fold_aligned(text)
        items = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(folded)]
        toks = _Tokens(folded, items, self.concepts)
        lookup, phrases, roles = self.concepts, self.phrases, self.roles
        for i, (token, start, end) in enumerate(items):
            found = lookup(token)
            starts = []
            for concept in found:
                yield concept, start, end
                if concept in roles:
                    starts.append(roles[concept])
            if token in phrases:
                starts.append(phrases[token])
            for candidates in starts:
                for rest, concept in candidates:
                    last = _match_rest(rest, toks, i + 1)
                    if last is not None:
                        yield concept, start, items[last][2]


def _fold_aligned(text: str) -> str:
    """``fold`` with every position kept (hamza/tatweel become spaces, NFC skipped)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower()[0] for c in text)
    return low.translate(_FOLD_ALIGNED)


@dataclass(frozen=True)
class Lexicon:
    """Compiled concepts: one matcher per language group and the regex concepts."""

    names: frozenset[str]
    matchers: dict[str, Matcher]
    regexes: dict[str, re.Pattern[str]]
    masks: dict[str, frozenset[str]] = field(default_factory=dict)  # concept -> concepts it hides

    def matcher(self, lang: str) -> Matcher:
        """The matcher for a text in ``lang`` (ru, kk, en, Kazakh's neighbours, other)."""
        if lang in KAZAKH_NEIGHBOURS:
            return self.matchers["turkic"]
        return self.matchers.get(lang, self.matchers["other"])


def _add(table: dict[str, list[str]], key: str, concept: str) -> None:
    """Append ``concept`` to ``table[key]`` once."""
    bucket = table.setdefault(key, [])
    if concept not in bucket:
        bucket.append(concept)


Phrases = dict[str, list[tuple[tuple[Spec, ...], str]]]


def _add_phrase(
    specs: list[Spec], concept: str, where: str, tables: tuple[Phrases, Phrases]
) -> None:
    """Index a phrase by its first word: its forms, or the concept it refers to (``@x``)."""
    phrases, roles = tables
    first, rest = specs[0], tuple(specs[1:])
    if rest[-1].gap:
        raise RulesError(f"{where}: a phrase cannot end with '...'")
    if first.concept:
        roles.setdefault(first.concept, []).append((rest, concept))
        return
    if first.prefixes or first.paradigms or first.gap:
        raise RulesError(f"{where}: a phrase must start with a plain word or an @concept")
    for form in first.forms:
        phrases.setdefault(form, []).append((rest, concept))


def _build_matcher(entries: list[tuple[str, str, str, str]], names: frozenset[str]) -> Matcher:
    """Index (concept, language, entry, where) of one language group."""
    single: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    stems: dict[str, list[tuple[frozenset[str], str]]] = {}
    tables: tuple[Phrases, Phrases] = ({}, {})
    for concept, lang, entry, where in entries:
        where = f"{where}: {entry!r}"
        specs = [token_spec(w, lang) for w in entry.split()]
        if any(s.empty for s in specs):
            raise RulesError(f"{where}: no word forms (check the lemma and tags)")
        unknown = [s.concept for s in specs if s.concept and s.concept not in names]
        if unknown:
            raise RulesError(f"{where}: unknown concept @{unknown[0]}")
        if len(specs) > 1:
            _add_phrase(specs, concept, where, tables)
            continue
        first = specs[0]
        if first.concept:
            raise RulesError(f"{where}: @concept is only allowed inside a phrase")
        for form in first.forms:
            _add(single, form, concept)
        for prefix in first.prefixes:
            _add(prefixes, prefix, concept)
        for start, ends in first.paradigms:
            if not start:
                raise RulesError(f"{where}: a Kazakh stem needs 2 letters or more")
            stems.setdefault(start, []).append((ends, concept))
    return Matcher(
        single={k: tuple(v) for k, v in single.items()},
        prefixes={k: tuple(v) for k, v in prefixes.items()},
        stems={k: tuple(v) for k, v in stems.items()},
        phrases={k: tuple(v) for k, v in tables[0].items()},
        roles={k: tuple(v) for k, v in tables[1].items()},
        lengths=_lengths_by_head([*prefixes, *stems]),
    )


def _lengths_by_head(starts: list[str]) -> dict[str, tuple[int, ...]]:
    """For each first two letters (one for one-letter starts), the lengths of word starts."""
    out: dict[str, set[int]] = {}
    for start in starts:
        out.setdefault(start[:2], set()).add(len(start))
    return {head: tuple(sorted(lengths)) for head, lengths in out.items()}


def _read_concepts(directory: Path) -> dict[str, dict]:
    """All concept tables of a directory, validated; names unique across files."""
    concepts: dict[str, dict] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise RulesError(f"{directory}: no concept files")
    for path in files:
        for name, table in read_toml(path).items():
            where = f"{path.name}: [{name}]"
            if name in concepts:
                raise RulesError(f"{where}: concept defined twice")
            check_keys(table, where, {}, _CONCEPT_KEYS)
            if not any(table.get(k) for k in (*LANG_KEYS, "regex")):
                raise RulesError(f"{where}: no words and no regex")
            concepts[name] = {**table, "_where": where}
    return concepts


@lru_cache(maxsize=4)
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read every concept file and generate the forms of every entry."""
    concepts = _read_concepts(directory)
    groups: dict[str, list[tuple[str, str, str, str]]] = {
        g: [] for g in ("ru", "kk", "en", "other")
    }
    regexes: dict[str, re.Pattern[str]] = {}
    masks: dict[str, frozenset[str]] = {}
    for name, table in concepts.items():
        unknown = [m for m in table.get("masks", ()) if m not in concepts]
        if unknown:
            raise RulesError(f"{table['_where']}: masks unknown concept(s) {', '.join(unknown)}")
        if table.get("masks"):
            masks[name] = frozenset(table["masks"])
        for lang in LANG_KEYS:
            targets = groups if lang == "any" else (lang,)
            for entry in table.get(lang, []):
                if not entry.split():
                    raise RulesError(f"{table['_where']}: empty entry in {lang}")
                for group in targets:
                    groups[group].append((name, lang, entry, table["_where"]))
        if table.get("regex"):
            regexes[name] = compile_regex("|".join(table["regex"]), f"{table['_where']} regex")
    groups["turkic"] = groups["kk"] + [e for e in groups["other"] if e[1] != "any"]
    matchers = {g: _build_matcher(e, frozenset(concepts)) for g, e in groups.items()}
    close_form_cache()
    return Lexicon(names=frozenset(concepts), matchers=matchers, regexes=regexes, masks=masks)
