"""Split a page into sentences, leaving out blocks that look like related headlines.

Evidence is judged per sentence and per window of neighbouring sentences, so a long page
is judged on what its sentences say, not on words scattered over 20,000 characters. A
run of three or more short lines without sentence punctuation (a "read also" list, a
menu, a tag cloud) is skipped: its titles are other stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADLINE_MAX = 120  # a line this short without final punctuation may be a headline
HEADLINE_MIN_WORDS = 4  # ... if it has this many words (dates, bylines, labels are shorter)
HEADLINE_RUN = 3  # this many such lines in a row make a block of headlines
LONG_SENTENCE = 400  # longer "sentences" (no punctuation) are cut at spaces into pieces

_BREAK_RE = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(—–-]?\s*[^\W\d_a-zа-яё]|\d)")
_ABBREV_RE = re.compile(
    r"(?:(?<!\w)(?:ст|ч|п|г|гг|т|им|ул|д|стр|р|тыс|млн|млрд|ж|обл|art|no|nr|mr|mrs|dr|st|"
    r"vs|etc|e\.g|i\.e|б|бб)|(?<!\w)\w)\.$",
    re.IGNORECASE,
)
_END_PUNCT = ".!?…:;"


@dataclass(frozen=True)
class Sentence:
    """Character span of one sentence in the classified text."""

    start: int
    end: int


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``."""
    out = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((match.start() + lead, match.start() + len(line.rstrip())))
    return out


def _is_headline(text: str, span: tuple[int, int]) -> bool:
    """Short, several words, no sentence punctuation at the end."""
    line = text[span[0] : span[1]]
    words = len(line.split())
    return len(line) <= HEADLINE_MAX and line[-1] not in _END_PUNCT and words >= HEADLINE_MIN_WORDS


def kept_lines(text: str, keep_first: int = 0) -> list[tuple[int, int]]:
    """Lines outside headline blocks; lines starting before ``keep_first`` are always kept."""
    lines = _lines(text)
    flags = [_is_headline(text, span) for span in lines]
    drop = [False] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and flags[j]:
            j += 1
        if j - i >= HEADLINE_RUN:
            for k in range(i, j):
                drop[k] = lines[k][0] >= keep_first
        i = max(j, i + 1)
    return [span for span, dropped in zip(lines, drop, strict=True) if not dropped]


def _split_line(text: str, start: int, end: int) -> list[Sentence]:
    """Sentences of one line; an abbreviation (ст., г., initials) does not end one."""
    pieces: list[Sentence] = []
    cut = start
    for match in _BREAK_RE.finditer(text, start, end):
        if _ABBREV_RE.search(text[max(cut, match.start() - 8) : match.start()]):
            continue
        pieces.append(Sentence(cut, match.start()))
        cut = match.end()
    pieces.append(Sentence(cut, end))
    return [p for s in pieces for p in _cut_long(text, s)]


def _cut_long(text: str, sentence: Sentence) -> list[Sentence]:
    """Cut a run-on "sentence" into pieces of about LONG_SENTENCE chars at spaces."""
    out = []
    start = sentence.start
    while sentence.end - start > LONG_SENTENCE:
        space = text.rfind(" ", start + LONG_SENTENCE // 2, start + LONG_SENTENCE)
        cut = space if space > start else start + LONG_SENTENCE
        out.append(Sentence(start, cut))
        start = cut + 1
    out.append(Sentence(start, sentence.end))
    return out


def sentences(text: str, keep_first: int = 0) -> list[Sentence]:
    """Sentences of ``text`` in order, headline blocks left out."""
    return [s for start, end in kept_lines(text, keep_first) for s in _split_line(text, start, end)]
