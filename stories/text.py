"""Text as the grouping sees it: normalised word shingles, and surname stems across ru/kk.

Shingles are over words, lower-cased, with digits kept (dates, ages and sentences in years
are what distinguishes two similar court reports). Surname stems fold the Kazakh letters onto
their Russian neighbours (Тәжібаевқа and Тажибаева both give "тажибаев"), so a Russian and
a Kazakh report of one person's case share the name even when he is not on the watch list.
"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"\w+", re.UNICODE)
SHINGLE_WORDS = 3
#: Kazakh-specific letters and the Russian letters they are spelt with in Russian texts;
#: ы/і/й → и and ё → е because transliterations of one name vary exactly there.
FOLD = str.maketrans("әғқңөұүһіыйё", "агкноуухииие")
#: A capitalised word that looks like a surname: a stem ending -ов/-ев/-ин/-ын (or the Kazakh
#: -ұлы/-қызы) and then only a case ending: Russian (-а, -у, -ым, -ой ...) or Kazakh, after the
#: feminine -а or not (-тың, -қа, -ны, -мен ...). Adjectives made from places (Актюбинской,
#: Уголовного) end otherwise and are left out.
SURNAME_RE = re.compile(
    r"(?<![\w.])([А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]{2,}(?:ов|ев|ёв|ин|ын|ұлы|улы|қызы|кызы))"
    r"([а-яёәғқңөұүһі]{0,6})(?!\w)")
ENDING_RE = re.compile(
    r"|а|у|ы|е|ой|ом|ым|им|ых|их|ыми|ими|ою"
    r"|а?(?:ны|ні|ды|ді|ты|ті|ға|ге|қа|ке|да|де|та|те|дан|ден|тан|тен|нан|нен|ның|нің|дың"
    r"|дің|тың|тің|мен|пен|бен|ның)")
SENTENCE_END = re.compile(r"[.!?…»\"]\s*$")
#: Capitalised -ин/-ов words that are not surnames.
NOT_NAMES = frozenset({"путин", "апрелин", "берлин", "ростов", "кишинев", "саратов", "тамбов"})


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return WORD_RE.findall((text or "").lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping `size`-word shingles as UTF-8 bytes (what MinHash hashes)."""
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i:i + size]).encode() for i in range(len(tokens) - size + 1)}


def fold(word: str) -> str:
    """Lower-case and fold Kazakh letters onto Russian spelling."""
    return word.lower().translate(FOLD)


def surname_stems(text: str) -> set[str]:
    """Folded surname stems of capitalised surname-like words not opening a sentence."""
    stems = set()
    for match in SURNAME_RE.finditer(text or ""):
        before = text[max(0, match.start() - 3):match.start()]
        if match.start() == 0 or SENTENCE_END.search(before) or before.endswith("\n"):
            continue
        if not ENDING_RE.fullmatch(match.group(2)):
            continue
        stem = fold(match.group(1))
        if stem not in NOT_NAMES and len(stem) >= 5:
            stems.add(stem)
    return stems
