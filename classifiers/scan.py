"""One pass over a text for many word-anchored regexes.

Every rule, place, person and marker pattern starts with ``(?<!\\w)``, so it can only
match where a token starts. Instead of running a few hundred ``finditer`` scans (each
paying a per-character cost), ``Scanner`` walks the token starts once and tries only
the patterns whose possible first character is the one found there. The first-character
sets come from the regex parser at load time; a pattern whose first character cannot
be worked out is still correct: it is tried at every token start or scanned on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from re import _casefix as casefix  # the case equivalences the re module itself uses
from re import _constants as sre
from re import _parser as sre_parse

Span = tuple[int, int]
Hits = dict[int, list[Span]]

Bucket = tuple[re.Pattern[str] | None, tuple[int, ...]]

_TOKEN_START_RE = re.compile(r"(?<!\w)\S")
_ANY = "\x00any"  # marker: any non-space first character
_DECIMAL = "\x00decimal"  # marker: any Unicode decimal digit
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def _charset(items: list) -> set[str] | None:
    """First characters of one [...] class; None when it may match whitespace."""
    out: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] <= 2000:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            out.update("0123456789" + _DECIMAL)
        elif op is sre.CATEGORY and av in (sre.CATEGORY_WORD, sre.CATEGORY_NOT_SPACE):
            out.add(_ANY)
        else:
            return None
    return out


def _first(seq: Iterable) -> tuple[set[str] | None, bool]:
    """(first-character set or None, can-be-empty) of a parsed regex sequence."""
    out: set[str] = set()
    for op, av in seq:
        chars, nullable = _first_item(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_item(op: object, av: object) -> tuple[set[str] | None, bool]:
    """First-character set of one parsed regex element."""
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        return _charset(av), False
    if op in _ZERO_WIDTH:
        return set(), True
    if op is sre.SUBPATTERN:
        return _first(av[-1])
    if op is sre.ATOMIC_GROUP:
        return _first(av)
    if op is sre.BRANCH:
        out: set[str] = set()
        empty = False
        for branch in av[1]:
            chars, nullable = _first(branch)
            if chars is None:
                return None, False
            out |= chars
            empty = empty or nullable
        return out, empty
    if op in _REPEATS:
        chars, nullable = _first(av[2])
        return chars, nullable or av[0] == 0
    return None, False


@lru_cache(maxsize=1)
def _upper_of() -> dict[int, list[str]]:
    """Simple-lowercase code point -> every character that lowercases to it (BMP)."""
    inverse: dict[int, list[str]] = {}
    for code in range(0x10000):
        lower = chr(code).lower()
        if len(lower) == 1 and ord(lower) != code:
            inverse.setdefault(ord(lower), []).append(chr(code))
    return inverse


def _case_variants(char: str) -> set[str]:
    """Every character an IGNORECASE literal ``char`` matches."""
    lowers = {char.lower()[0]}
    lowers.update(chr(c) for c in casefix._EXTRA_CASES.get(ord(char.lower()[0]), ()))
    out = set(lowers) | {char}
    for low in lowers:
        out.update(_upper_of().get(ord(low), ()))
    return out


def first_chars(pattern: re.Pattern[str]) -> set[str] | None:
    """Characters a match can start with (with markers), None if unknown or possibly empty."""
    try:
        chars, nullable = _first(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - any parser surprise just means "scan it on its own"
        return None
    if chars is None or nullable or not chars:
        return None
    if pattern.flags & re.IGNORECASE:
        chars = set().union(*(c if c.startswith("\x00") else _case_variants(c) for c in chars))
    return chars


@dataclass(frozen=True)
class Scanner:
    """Patterns plus a first-character dispatch table; ``scan`` finds every match start."""

    patterns: tuple[re.Pattern[str], ...]
    table: dict[str, Bucket]
    anywhere: Bucket  # tried at every token start
    decimal: Bucket  # tried at a non-ASCII decimal digit
    alone: tuple[int, ...]  # scanned with their own search loop

    @classmethod
    def build(cls, patterns: Sequence[re.Pattern[str]]) -> Scanner:
        """Analyse each pattern's first characters and build the dispatch table."""
        by_char: dict[str, set[int]] = {}
        anywhere: set[int] = set()
        decimal: set[int] = set()
        alone: list[int] = []
        for i, pattern in enumerate(patterns):
            chars = first_chars(pattern)
            if chars is None:
                alone.append(i)
                continue
            for char in chars:
                target = {_ANY: anywhere, _DECIMAL: decimal}.get(char)
                if target is None:
                    target = by_char.setdefault(char, set())
                target.add(i)
        buckets: dict[frozenset[int], Bucket] = {}

        def bucket(indices: set[int]) -> Bucket:
            key = frozenset(indices | anywhere)
            if key not in buckets:
                buckets[key] = _bucket(patterns, sorted(key))
            return buckets[key]

        table = {c: bucket(s) for c, s in by_char.items()}
        return cls(tuple(patterns), table, bucket(set()), bucket(decimal), tuple(alone))

    def scan(self, text: str) -> Hits:
        """Pattern index -> spans of its matches at every position where one starts."""
        hits: Hits = {}
        table, patterns, anywhere, decimal = self.table, self.patterns, self.anywhere, self.decimal
        for token in _TOKEN_START_RE.finditer(text):
            pos = token.start()
            char = text[pos]
            entry = table.get(char)
            if entry is None:
                entry = decimal if char.isdecimal() else anywhere
            if entry[0] is None or entry[0].match(text, pos) is None:
                continue
            for i in entry[1]:
                match = patterns[i].match(text, pos)
                if match is not None:
                    hits.setdefault(i, []).append(match.span())
        for i in self.alone:
            spans = _all_starts(self.patterns[i], text)
            if spans:
                hits[i] = spans
        return hits


def _bucket(patterns: Sequence[re.Pattern[str]], indices: list[int]) -> Bucket:
    """Indices sharing a first character, with one regex that says whether any matches."""
    if not indices:
        return None, ()
    parts = [
        f"(?{'i' if patterns[i].flags & re.IGNORECASE else '-i'}:{patterns[i].pattern})"
        for i in indices
    ]
    try:
        union = re.compile("|".join(parts))
    except re.error:  # e.g. a pattern with global inline flags: try each one instead
        union = re.compile("")
    return union, tuple(indices)


def _all_starts(pattern: re.Pattern[str], text: str) -> list[Span]:
    """Spans of the match at every position where ``pattern`` matches (overlaps kept)."""
    spans: list[Span] = []
    match = pattern.search(text)
    while match is not None:
        spans.append(match.span())
        match = pattern.search(text, match.start() + 1)
    return spans


def leftmost(spans: list[Span]) -> list[Span]:
    """The non-overlapping subset ``finditer`` would return from all-start spans."""
    out: list[Span] = []
    end = -1
    for span in spans:
        if span[0] >= end:
            out.append(span)
            end = span[1] if span[1] > span[0] else span[0] + 1
    return out
