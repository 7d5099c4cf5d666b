"""One item seen as the classifier sees it: sentences, the concepts in each, and near misses.

A near miss is a rule of the topic that lacks exactly one piece in a sentence: the sentence
has some of the rule's concepts, none of its `none` concepts, and one `all` concept (or the
whole `any` group) is missing. A word of that sentence that no concept knows is then a
candidate for the missing concept.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifiers import Rules, detect_language
from classifiers.rules import PERSON, Rule, TopicRules
from classifiers.scoring import Located, locate

Span = tuple[int, int]


@dataclass(frozen=True)
class Analysed:
    """An item's text as classified: the body, its language, concepts per sentence."""

    body: str
    title_len: int
    lang: str
    doc: Located
    covered: tuple[Span, ...]  # every span some concept matched

    def sentence(self, i: int) -> str:
        s = self.doc.sentences[i]
        return " ".join(self.body[s.start : s.end].split())


def analyse(title: str | None, text: str | None, lang: str | None, rules: Rules) -> Analysed:
    """Sentences and concepts of one item, exactly as `classify` locates them."""
    title = (title or "").strip()
    body = f"{title}\n\n{text or ''}" if title else (text or "")
    lang = lang or detect_language(body)
    found = rules.scanner.scan(body)
    doc = locate(body, len(title), lang, rules, found)
    spans = [(s, e) for _, s, e in rules.lexicon.matcher(lang).find(body)]
    for pattern in rules.lexicon.regexes.values():
        spans.extend(found.spans(pattern))
    for named in rules.gazetteer.places + rules.gazetteer.persons:  # names are never terms
        spans.extend(found.spans(named.pattern))
    return Analysed(body, len(title), lang, doc, tuple(sorted(spans)))


def topic_concepts(topic: TopicRules, lang: str) -> frozenset[str]:
    """Concepts the topic's rules for `lang` look for (all and any)."""
    return frozenset(c for r in topic.rules if r.applies_to(lang) for c in (*r.all, *r.any))


def _context(rule: Rule, item: Analysed, i: int) -> set[str]:
    """Concepts a rule may use for its `any` group: the sentence, or its window."""
    reach = rule.reach if rule.scope == "window" else 0
    near = range(max(0, i - reach), min(len(item.doc.concepts), i + reach + 1))
    return {c for j in near for c in item.doc.concepts[j]}


def near_misses(topic: TopicRules, item: Analysed, i: int) -> list[tuple[str, str]]:
    """(rule id, missing concept) for each rule of `topic` one piece short in sentence `i`."""
    own = item.doc.concepts[i]
    out = []
    for rule in topic.rules:
        if not rule.applies_to(item.lang) or any(c in own for c in rule.none):
            continue
        context = _context(rule, item, i)
        missing = [c for c in rule.all if c not in own]
        any_ok = not rule.any or any(c in context for c in rule.any)
        has_some = any(c in own for c in rule.all) or any(c in context for c in rule.any)
        if not has_some:
            continue
        if len(missing) == 1 and any_ok:
            gap = missing[0]
        elif not missing and not any_ok:
            gap = rule.any[0]
        else:
            continue
        if gap != PERSON:
            out.append((rule.id, gap))
    return out


def near_sentences(topic: TopicRules, item: Analysed) -> list[int]:
    """Sentences holding a concept of the topic; the title and lede when none does."""
    wanted = topic_concepts(topic, item.lang)
    found = [i for i, concepts in enumerate(item.doc.concepts) if wanted & set(concepts)]
    return found or list(range(min(3, len(item.doc.sentences))))


def firing_sentences(rule: Rule, item: Analysed) -> list[int]:
    """Sentences where `rule`'s concepts meet (its `none` concepts not looked at)."""
    out = []
    for i, own in enumerate(item.doc.concepts):
        if all(c in own for c in rule.all) and (
                not rule.any or any(c in _context(rule, item, i) for c in rule.any)):
            out.append(i)
    return out


def concepts_around(rule: Rule, item: Analysed, sentences: list[int]) -> set[str]:
    """Every concept in the given sentences (and their window, for a window rule)."""
    return {c for i in sentences for c in _context(rule, item, i)}
