"""Topic classification for newsmon: language, topics with evidence, and entities.

``classify`` is a pure function of (title, text, lang, rules): the rules are compiled
once by ``load_rules`` and cached, so a call does no file IO.
"""

from __future__ import annotations

from typing import Any

from .entities import find_articles, find_persons, find_places, is_kz_relevant
from .language import detect_language
from .rules import TOPICS, Rules, load_rules
from .scoring import locate, score_topic, snippet
from .validate import RulesError

__all__ = ["TOPICS", "Rules", "RulesError", "classify", "detect_language", "load_rules"]


def classify(
    title: str, text: str, lang: str | None = None, *, rules: Rules | None = None
) -> dict[str, Any]:
    """Classify one article; returns the ``newsmon classify`` JSON contract plus kz_relevant."""
    rules = rules or load_rules()
    title = (title or "").strip()
    body = f"{title}\n\n{text or ''}" if title else (text or "")
    lang = lang or detect_language(body)
    found = rules.scanner.scan(body)
    places = find_places(found, rules.gazetteer)
    kz_relevant = is_kz_relevant(found, places, rules.gazetteer)
    doc = locate(body, len(title), lang, rules, found)
    scores: dict[str, float] = {}
    topics: list[str] = []
    evidence: list[dict[str, str]] = []
    for topic in rules.topics:
        score, hits = score_topic(topic, doc, lang, kz_relevant)
        scores[topic.topic] = round(score, 2)
        if round(score, 2) >= topic.threshold:
            topics.append(topic.topic)
            evidence.extend(
                {
                    "topic": topic.topic,
                    "rule": hit.rule,
                    "match": body[hit.start : hit.end],
                    "snippet": snippet(body, hit.start, hit.end),
                }
                for hit in hits
            )
    return {
        "lang": lang,
        "topics": topics,
        "scores": scores,
        "flagged": bool(topics),
        "evidence": evidence,
        "articles": find_articles(body),
        "places": places,
        "persons": find_persons(found, rules.gazetteer),
        "kz_relevant": kz_relevant,
    }
