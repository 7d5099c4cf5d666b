"""Topic rules: load the per-topic TOML files, validate them against the concepts, compile once.

Rules are data a monitor edits (``classifiers/rules/<topic>.toml``). A rule names the
concepts (``classifiers/lexicon/*.toml``) that must meet in one sentence or in a window of
neighbouring sentences, the concepts that must not be there, the languages it is for and
its weight. A negative names concepts that cancel the topic's evidence around them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .entities import Gazetteer, load_gazetteer
from .lexicon import KAZAKH_NEIGHBOURS, LEXICON_DIR, Lexicon, load_lexicon
from .scan import Scanner
from .validate import RulesError, Tables, check_keys, read_toml

TOPICS = ("torture", "art405", "detention")
LANGS = ("ru", "kk", "en", "other", "*")
SCOPES = ("sentence", "window")
RULES_DIR = Path(__file__).with_name("rules")
PERSON = "watchlist_person"  # built-in concept: a name from classifiers/data/watchlist.toml

_FILE_KEYS = {"topic": str, "threshold": float}
_FILE_OPTIONAL = {
    "description": str,
    "foreign_factor": float,
    "rule": Tables,
    "negative": Tables,
    "examples": dict,
}
_RULE_KEYS = {"id": str, "lang": list, "weight": float}
_RULE_OPTIONAL = {
    "all": list, "any": list, "and_any": list, "none": list, "scope": str, "reach": int,
    "note": str,
}
_NEGATIVE_KEYS = {"id": str, "lang": list}
_NEGATIVE_OPTIONAL = {
    "all": list, "any": list, "and_any": list, "none": list, "window": int, "note": str
}


@dataclass(frozen=True)
class Rule:
    """Concepts that must (all, any) and must not (none) meet in one scope, with a weight."""

    id: str
    langs: tuple[str, ...]
    all: tuple[str, ...]
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    scope: str = "sentence"
    weight: float = 0.5
    window: int = 0  # negatives only: sentences either side that they cancel
    and_any: tuple[str, ...] = ()  # one of these must be there as well
    reach: int = 1  # scope "window": sentences either side that count

    def applies_to(self, lang: str) -> bool:
        """Is the rule for texts in ``lang``? (``other`` = any language but ru, kk, en.)"""
        if "*" in self.langs or lang in self.langs:
            return True
        if "kk" in self.langs and lang in KAZAKH_NEIGHBOURS:
            return True  # short Kazakh is often taken for a neighbour: its forms decide
        return "other" in self.langs and lang not in ("ru", "kk", "en")


@dataclass(frozen=True)
class TopicRules:
    """All rules of one topic plus its threshold and its own example sentences."""

    topic: str
    threshold: float
    rules: tuple[Rule, ...]
    negatives: tuple[Rule, ...]
    foreign_factor: float = 1.0
    positive_examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Rules:
    """The compiled rule set: topics in fixed order, concepts, gazetteer, one scanner."""

    topics: tuple[TopicRules, ...]
    gazetteer: Gazetteer
    lexicon: Lexicon
    scanner: Scanner


def _concepts(entry: dict[str, Any], key: str, where: str, known: frozenset[str]) -> tuple:
    """The concept names under ``key``, each checked against the lexicon."""
    names = tuple(entry.get(key, ()))
    unknown = [n for n in names if n not in known and n != PERSON]
    if unknown:
        raise RulesError(f"{where}: unknown concept(s) in '{key}': {', '.join(unknown)}")
    return names


def _compile_rule(entry: dict[str, Any], where: str, known: frozenset[str], neg: bool) -> Rule:
    """Validate one [[rule]] or [[negative]] table."""
    if neg:
        check_keys(entry, where, _NEGATIVE_KEYS, _NEGATIVE_OPTIONAL)
    else:
        check_keys(entry, where, _RULE_KEYS, _RULE_OPTIONAL)
    where = f"{where} (id={entry['id']!r})"
    bad = [lang for lang in entry["lang"] if lang not in LANGS]
    if bad or not entry["lang"]:
        raise RulesError(f"{where}: lang must list some of {', '.join(LANGS)}, got {bad}")
    if not entry.get("all") and not entry.get("any"):
        raise RulesError(f"{where}: needs 'all' or 'any' concepts")
    weight = float(entry.get("weight", 1.0))
    if not 0 < weight <= 1:
        raise RulesError(f"{where}: weight must be in (0, 1]")
    scope = entry.get("scope", "sentence")
    if scope not in SCOPES:
        raise RulesError(f"{where}: scope must be one of {', '.join(SCOPES)}")
    for key in ("window", "reach"):
        if not 0 <= entry.get(key, 1) <= 5:
            raise RulesError(f"{where}: {key} must be 0..5 sentences")
    return Rule(
        id=entry["id"],
        langs=tuple(entry["lang"]),
        all=_concepts(entry, "all", where, known),
        any=_concepts(entry, "any", where, known),
        none=_concepts(entry, "none", where, known),
        scope=scope,
        weight=weight,
        window=entry.get("window", 0),
        and_any=_concepts(entry, "and_any", where, known),
        reach=entry.get("reach", 1),
    )


def _compile_list(raw: dict[str, Any], key: str, path: Path, known: frozenset[str]) -> tuple:
    """Compile every table of one array ([[rule]] or [[negative]])."""
    return tuple(
        _compile_rule(e, f"{path.name}: [[{key}]] #{i + 1}", known, key == "negative")
        for i, e in enumerate(raw.get(key, []))
    )


def load_topic_file(path: Path, lexicon: Lexicon) -> TopicRules:
    """Load and validate one topic rule file."""
    raw = read_toml(path)
    check_keys(raw, path.name, _FILE_KEYS, _FILE_OPTIONAL)
    if raw["topic"] not in TOPICS:
        raise RulesError(f"{path.name}: unknown topic {raw['topic']!r}; expected one of {TOPICS}")
    if not 0 < raw["threshold"] <= 1:
        raise RulesError(f"{path.name}: threshold must be in (0, 1]")
    rules = _compile_list(raw, "rule", path, lexicon.names)
    negatives = _compile_list(raw, "negative", path, lexicon.names)
    if not rules:
        raise RulesError(f"{path.name}: no [[rule]] tables")
    ids = [r.id for r in rules + negatives]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RulesError(f"{path.name}: duplicate rule id(s) {', '.join(dupes)}")
    examples = raw.get("examples", {})
    check_keys(examples, f"{path.name}: [examples]", {}, {"positive": list, "negative": list})
    return TopicRules(
        topic=raw["topic"],
        threshold=float(raw["threshold"]),
        rules=rules,
        negatives=negatives,
        foreign_factor=float(raw.get("foreign_factor", 1.0)),
        positive_examples=tuple(examples.get("positive", ())),
        negative_examples=tuple(examples.get("negative", ())),
        source=str(path),
    )


def load_rules(
    path: str | Path | None = None,
    data_dir: str | Path | None = None,
    lexicon_dir: str | Path | None = None,
) -> Rules:
    """Load, validate and compile a rule directory, cached.

    Default: `$NEWSMON_RULES_DIR` (rules kept outside the checkout), else the packaged rules;
    concepts from `$NEWSMON_LEXICON_DIR`, else the packaged lexicon.
    """
    data = Path(data_dir).resolve() if data_dir is not None else None
    return _load_cached(rules_path(path).resolve(), data, lexicon_path(lexicon_dir).resolve())


def rules_path(path: str | Path | None = None) -> Path:
    """The topic rule directory: given, else `$NEWSMON_RULES_DIR`, else the packaged one."""
    return Path(path or os.environ.get("NEWSMON_RULES_DIR") or RULES_DIR)


def lexicon_path(lexicon_dir: str | Path | None = None) -> Path:
    """The concept directory: given, else `$NEWSMON_LEXICON_DIR`, else the packaged one."""
    return Path(lexicon_dir or os.environ.get("NEWSMON_LEXICON_DIR") or LEXICON_DIR)


def forget_rules() -> None:
    """Drop every compiled rule set, so the next `load_rules` reads files edited since."""
    _load_cached.cache_clear()
    load_lexicon.cache_clear()


def _patterns(lexicon: Lexicon, gazetteer: Gazetteer) -> list[re.Pattern[str]]:
    """Every regex a classify call looks for, so one scan finds them all."""
    out = list(lexicon.regexes.values())
    out.extend(named.pattern for named in gazetteer.places + gazetteer.persons)
    out.append(gazetteer.kz_markers)
    return out


@lru_cache(maxsize=8)
def _load_cached(rules_dir: Path, data_dir: Path | None, lexicon_dir: Path) -> Rules:
    """Compile once per directory (and build the scanner); classify calls reuse the result."""
    if not rules_dir.is_dir():
        raise RulesError(f"{rules_dir}: rule directory not found")
    lexicon = load_lexicon(lexicon_dir)
    by_topic: dict[str, TopicRules] = {}
    for file in sorted(rules_dir.glob("*.toml")):
        topic = load_topic_file(file, lexicon)
        if topic.topic in by_topic:
            raise RulesError(f"{file.name}: topic {topic.topic!r} defined twice")
        by_topic[topic.topic] = topic
    missing = [t for t in TOPICS if t not in by_topic]
    if missing:
        raise RulesError(f"{rules_dir}: no rule file for topic(s) {', '.join(missing)}")
    topics = tuple(by_topic[t] for t in TOPICS)
    gazetteer = load_gazetteer(data_dir)
    return Rules(topics, gazetteer, lexicon, Scanner.build(_patterns(lexicon, gazetteer)))
