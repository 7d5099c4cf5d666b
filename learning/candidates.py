"""Candidate terms from missed items: words near the topic that no concept knows.

For each item monitors reported missed for a topic, the words of its sentences near the topic
(learning.analysis) that no concept matched, are counted across the missed items and set
against how common they are in ordinary news (a background sample of stored items). Names are
left out (a rule must not name a person), and so are the words most texts have.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from classifiers import Rules
from classifiers.forms import russian_forms
from classifiers.kazakh import fold
from classifiers.lexicon import TOKEN_RE
from learning.analysis import Analysed, near_misses, near_sentences

MIN_LETTERS = 4
COMMON_SHARE = 0.2  # a word in more than this share of background texts is not a term
MIN_BACKGROUND = 20  # ... judged only with at least this many background texts
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


#: pymorphy3 parts of speech, coarsely: only these can be a term; names never.
#: Participles decline like adjectives and often stand for people (протестующий, задержанный).
POS_CLASSES = {"NOUN": "noun", "VERB": "verb", "INFN": "verb", "GRND": "verb", "PRTF": "adj",
               "PRTS": "adj", "ADJF": "adj", "ADJS": "adj"}
NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})


@lru_cache(maxsize=1)
def _morph():  # noqa: ANN202 - pymorphy3 has no type hints
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=50_000)
def russian_pos(word: str) -> str | None:
    """Coarse part of speech of a Russian word (noun, verb, adj); None for names, function
    words and anything else that is no term."""
    tag = _morph().parse(word)[0].tag
    if NAME_TAGS & set(tag.grammemes):
        return None
    return POS_CLASSES.get(str(tag.POS))


def lexicon_key(lang: str) -> str:
    """The concept-file key an item's words go under (Kazakh's neighbours go to `other`)."""
    return lang if lang in ("ru", "kk", "en") else "other"


@lru_cache(maxsize=50_000)
def entry_for(word: str, lang: str) -> str:
    """The concept entry that stands for `word` (folded): a lemma in Russian (its forms are
    generated), one form in every script in Kazakh, the word itself elsewhere."""
    key = lexicon_key(lang)
    if key == "ru" and re.search(r"[а-я]", word):
        lemma = fold(_morph().parse(word)[0].normal_form)
        return lemma if word in russian_forms(lemma) else f"={word}"
    if key == "kk":
        return f"={word}"
    return word


@dataclass
class SentenceWords:
    """One sentence near the topic: its text, the rules one piece short, the unknown words."""

    index: int
    text: str
    near_misses: list[tuple[str, str]]
    words: list[str]


def _words(item: Analysed, i: int) -> list[str]:
    """Folded words of sentence `i` no concept covers, names and short words left out."""
    s = item.doc.sentences[i]
    out = []
    for n, m in enumerate(TOKEN_RE.finditer(item.body, s.start, s.end)):
        token = m.group()
        if len(_LETTERS.findall(token)) < MIN_LETTERS:
            continue
        if any(a < m.end() and m.start() < b for a, b in item.covered):
            continue
        if n and token[0].isupper():
            continue  # a name mid-sentence
        word = fold(token)
        if item.lang == "ru" and re.search(r"[а-я]", word) and russian_pos(word) is None:
            continue
        out.append(word)
    return list(dict.fromkeys(out))


def sentence_words(topic: str, item: Analysed, rules: Rules) -> list[SentenceWords]:
    """The sentences of a missed item near `topic`, with near misses and unknown words."""
    topic_rules = next(t for t in rules.topics if t.topic == topic)
    return [SentenceWords(i, item.sentence(i), near_misses(topic_rules, item, i), _words(item, i))
            for i in near_sentences(topic_rules, item)]


@dataclass
class Candidate:
    """A term worth adding: the entry, the missed items it is in, the concepts it would fill."""

    term: str
    lang: str
    topic: str
    items: set[int] = field(default_factory=set)
    concepts: Counter = field(default_factory=Counter)
    forms: set[str] = field(default_factory=set)
    background: int = 0
    example: str = ""

    def as_dict(self) -> dict:
        return {"term": self.term, "lang": self.lang, "topic": self.topic,
                "items": sorted(self.items), "forms": sorted(self.forms),
                "concepts": [c for c, _ in self.concepts.most_common()],
                "background": self.background, "example": self.example}


def token_set(text: str) -> set[str]:
    """Folded words of a text (for background counts)."""
    return {fold(m.group()) for m in TOKEN_RE.finditer(text or "")}


def candidate_terms(topic: str, missed: Iterable[tuple[int, str, list[SentenceWords]]],
                    background: list[set[str]], limit: int = 15) -> list[Candidate]:
    """Rank the unknown words of missed items: in more missed items first, rarer in ordinary
    news next. `missed` holds (item id, language, its sentences near the topic)."""
    common = _common_words(background)
    found: dict[tuple[str, str], Candidate] = {}
    for item_id, lang, sentences in missed:
        for sentence in sentences:
            gaps = Counter(concept for _, concept in sentence.near_misses)
            for word in sentence.words:
                if word in common:
                    continue
                key = (entry_for(word, lang), lexicon_key(lang))
                cand = found.setdefault(key, Candidate(key[0], key[1], topic,
                                                       example=sentence.text))
                cand.items.add(item_id)
                cand.forms.add(word)
                cand.concepts.update(gaps)
    for cand in found.values():
        cand.background = sum(1 for words in background if cand.forms & words)
    ranked = sorted(found.values(), key=lambda c: (-len(c.items), c.background,
                                                   -sum(c.concepts.values()), c.term))
    return ranked[:limit]


def _common_words(background: list[set[str]]) -> set[str]:
    """Words in more than COMMON_SHARE of the background texts (none if there are few)."""
    if len(background) < MIN_BACKGROUND:
        return set()
    counts = Counter(word for words in background for word in words)
    return {w for w, n in counts.items() if n > COMMON_SHARE * len(background)}


def concept_pos(table: dict) -> set[str]:
    """Coarse parts of speech of a concept's one-word Russian entries (empty: no Russian)."""
    words = [e.split(":")[0].lstrip("=") for e in table.get("ru", []) if len(e.split()) == 1]
    return {pos for w in words if "*" not in w and (pos := russian_pos(fold(w)))}


def fits(candidate: Candidate, table: dict) -> bool:
    """Could the candidate stand beside the concept's words? (Russian: same part of speech.)"""
    if candidate.lang != "ru":
        return True
    wanted = concept_pos(table)
    return not wanted or russian_pos(candidate.term.lstrip("=")) in wanted
