"""One pass over a text for many word-anchored regexes.

Every rule, place, person and marker pattern starts with ``(?<!\\w)``, so it can only
match where a token starts. Instead of a few hundred ``finditer`` scans (each paying a
per-character cost), ``Scanner`` walks the token starts once and tries only the patterns
whose possible first three (lower-cased) characters are the ones found there. The prefix
sets come from the regex parser at load time; a pattern whose start cannot be worked out
is still correct: it is searched on its own. ``scan`` reports every position where a
pattern matches; ``leftmost`` turns that into exactly what ``finditer`` would return.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from re import _casefix as casefix  # the case folds the re module itself applies
from re import _constants as sre
from re import _parser as sre_parse

Span = tuple[int, int]
Hits = dict[int, list[Span]]

PREFIX_LEN = 3
MAX_PREFIXES = 512
DECIMAL = "\x00"  # dispatch key standing for any non-ASCII decimal digit
UNKNOWN = "\x01"  # ends a prefix after which the characters cannot be listed
_TOKEN_START_RE = re.compile(r"(?<!\w)\S")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def _charset(items: list) -> set[str] | None:
    """Characters one [...] class matches; None when too many to list."""
    out: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] <= 2000:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            out.update("0123456789" + DECIMAL)
        else:
            return None
    return out


def _join(heads: set[str], tails: set[str] | None, done: set[str]) -> set[str]:
    """Extend the unfinished prefixes in ``heads`` by ``tails``; cut at PREFIX_LEN."""
    out = {h for h in heads if _complete(h)}
    short = heads - out
    if not short:
        return out
    if tails is None:
        done.update(h + UNKNOWN for h in short)  # what follows is unknown: they stay short
        return out
    out.update((h + t)[:PREFIX_LEN] for h in short for t in tails)
    if len(out) > MAX_PREFIXES:  # too many to list: keep first characters only
        done.update(h[:1] + UNKNOWN for h in out)
        return set()
    return out


def _prefixes(seq: Iterable) -> set[str]:
    """Every possible start (up to PREFIX_LEN chars) of a match of a parsed sequence."""
    done: set[str] = set()
    heads = {""}
    for op, av in seq:
        heads = _join(heads, _item(op, av), done)
        if not heads:
            break
    return done | heads


def _item(op: object, av: object) -> set[str] | None:
    """Possible starts of one parsed element ("" if it can be empty); None if unknown."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        return _charset(av)
    if op in _ZERO_WIDTH:
        return {""}
    if op is sre.SUBPATTERN:
        return _prefixes(av[-1])
    if op is sre.ATOMIC_GROUP:
        return _prefixes(av)
    if op is sre.BRANCH:
        return set().union(*(_prefixes(branch) for branch in av[1]))
    if op in _REPEATS:
        return _repeat(av[0], av[1], _prefixes(av[2]))
    return None


def _repeat(low: int, high: int, item: set[str]) -> set[str]:
    """Starts of ``item`` repeated low..high times, cut at PREFIX_LEN."""
    out: set[str] = {""} if low == 0 else set()
    heads = {""}
    for count in range(1, min(high, PREFIX_LEN + low) + 1):
        heads = {h if _complete(h) else (h + t)[:PREFIX_LEN] for h in heads for t in item}
        if count >= low:
            out |= heads
    return out


def _complete(prefix: str) -> bool:
    """A prefix is final when it is long enough or ends where the pattern becomes unknown."""
    return len(prefix) >= PREFIX_LEN or prefix.endswith(UNKNOWN)


def _keys(char: str, ignore_case: bool) -> set[str]:
    """Lower-case dispatch keys of a pattern character (with the re module's extra folds)."""
    low = char.lower()[0]
    if not ignore_case or char == DECIMAL:
        return {low}
    return {low} | {chr(c).lower()[0] for c in casefix._EXTRA_CASES.get(ord(low), ())}


def dispatch_keys(pattern: re.Pattern[str]) -> set[str] | None:
    """Lower-cased prefixes (1 to PREFIX_LEN chars) every match starts with; None if unknown."""
    try:
        prefixes = _prefixes(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - any parser surprise just means "search it on its own"
        return None
    prefixes = {p.split(UNKNOWN)[0] for p in prefixes}
    if not prefixes or any(not p or p[0].isspace() for p in prefixes):
        return None
    ignore_case = bool(pattern.flags & re.IGNORECASE)
    keys: set[str] = set()
    for prefix in prefixes:
        if DECIMAL in prefix:  # a non-ASCII digit is looked up on its own
            prefix = prefix[: max(1, prefix.index(DECIMAL))]
        variants = [sorted(_keys(c, ignore_case)) for c in prefix]
        keys.update("".join(combo) for combo in itertools.product(*variants))
    return keys


class Found:
    """What one ``Scanner.scan`` call found, looked up by the pattern objects themselves."""

    __slots__ = ("_hits", "_index", "_text")

    def __init__(self, text: str, hits: Hits, index: dict[int, int]) -> None:
        self._text, self._hits, self._index = text, hits, index

    def starts(self, pattern: re.Pattern[str]) -> list[Span]:
        """Spans of ``pattern`` at every position where it matches, overlaps kept."""
        i = self._index.get(id(pattern))
        if i is None:  # not registered with the scanner: search on its own
            return _all_starts(pattern, self._text)
        return self._hits.get(i, [])

    def spans(self, pattern: re.Pattern[str]) -> list[Span]:
        """Exactly the spans ``pattern.finditer(text)`` yields."""
        return leftmost(self.starts(pattern))

    def within(self, pattern: re.Pattern[str], low: int, high: int) -> bool:
        """True when a match of ``pattern`` starts in ``[low, high)``."""
        spans = self.starts(pattern)
        i = bisect.bisect_left(spans, (low, -1))
        return i < len(spans) and spans[i][0] < high


@dataclass(frozen=True)
class Scanner:
    """Patterns plus a prefix dispatch table; ``scan`` finds every match start."""

    patterns: tuple[re.Pattern[str], ...]
    table: dict[str, tuple[int, ...]]  # lower-cased 1-3 char prefix -> pattern indices
    alone: tuple[int, ...]  # patterns searched with their own loop
    index: dict[int, int]  # id() of every registered pattern object -> its index

    @classmethod
    def build(cls, patterns: Iterable[re.Pattern[str]]) -> Scanner:
        """Deduplicate the patterns, work out their prefixes, build the dispatch table."""
        unique: dict[tuple[str, int], int] = {}
        index: dict[int, int] = {}
        kept: list[re.Pattern[str]] = []
        for pattern in patterns:
            key = (pattern.pattern, pattern.flags)
            if key not in unique:
                unique[key] = len(kept)
                kept.append(pattern)
            index[id(pattern)] = unique[key]
        by_key: dict[str, set[int]] = {}
        alone: list[int] = []
        for i, pattern in enumerate(kept):
            keys = dispatch_keys(pattern)
            if keys is None:
                alone.append(i)
            for key in keys or ():
                by_key.setdefault(key, set()).add(i)
        table = {  # a long key also holds the patterns of its shorter prefixes
            key: tuple(sorted(ids.union(*(by_key.get(key[:n], ()) for n in range(1, len(key))))))
            for key, ids in by_key.items()
        }
        return cls(tuple(kept), table, tuple(alone), index)

    def scan(self, text: str) -> Found:
        """Every position where each registered pattern matches."""
        hits: Hits = {}
        table, patterns = self.table, self.patterns
        low = _lower(text)
        for token in _TOKEN_START_RE.finditer(text):
            pos = token.start()
            key = low[pos : pos + PREFIX_LEN]
            indices = table.get(key) or table.get(key[:2]) or table.get(key[0])
            if indices is None:
                if not key[0].isdecimal():
                    continue
                indices = table.get(DECIMAL, ())
            for i in indices:
                match = patterns[i].match(text, pos)
                if match is not None:
                    hits.setdefault(i, []).append(match.span())
        for i in self.alone:
            spans = _all_starts(patterns[i], text)
            if spans:
                hits[i] = spans
        return Found(text, hits, self.index)


def _lower(text: str) -> str:
    """Lower-case with positions kept (İ lower-cases to two characters)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower()[0] for c in text)


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
