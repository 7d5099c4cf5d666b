"""Topic rules: load the per-topic TOML files, validate them and compile them once.

Rules are data a monitor edits (``classifiers/rules/<topic>.toml``); this module turns
them into compiled regexes held in an immutable ``Rules`` object that ``classify``
reuses, so classifying a text does no file IO and no regex compilation.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .entities import Gazetteer, load_gazetteer
from .scan import Scanner
from .validate import RulesError, Tables, check_keys, compile_regex, read_toml

TOPICS = ("torture", "art405", "detention")
LANGS = ("ru", "kk", "en", "*")
RULES_DIR = Path(__file__).with_name("rules")
DEFAULT_WINDOW = 100

_FILE_KEYS = {"topic": str, "threshold": float}
_FILE_OPTIONAL = {
    "description": str,
    "title_boost": float,
    "foreign_factor": float,
    "term": Tables,
    "negative": Tables,
    "examples": dict,
}
_RULE_KEYS = {"id": str, "lang": list, "pattern": str, "weight": float}
_RULE_OPTIONAL = {
    "near": str,
    "near_watchlist": bool,
    "window": int,
    "unless": str,
    "unless_window": int,
    "note": str,
}


@dataclass(frozen=True)
class Rule:
    """One weighted pattern, optionally needing a nearby pattern and cancelled by another."""

    id: str
    langs: tuple[str, ...]
    pattern: re.Pattern[str]
    weight: float
    near: re.Pattern[str] | None = None
    window: int = DEFAULT_WINDOW
    unless: re.Pattern[str] | None = None
    unless_window: int = 40
    near_watchlist: bool = False  # a watch-list person within the window also satisfies near


@dataclass(frozen=True)
class TopicRules:
    """All rules of one topic plus its threshold and its own example sentences."""

    topic: str
    threshold: float
    terms: tuple[Rule, ...]
    negatives: tuple[Rule, ...]
    title_boost: float = 1.5
    foreign_factor: float = 1.0
    positive_examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Rules:
    """The compiled rule set: topics in fixed order, the gazetteer and one shared scanner."""

    topics: tuple[TopicRules, ...]
    gazetteer: Gazetteer
    scanner: Scanner


def _patterns(topics: tuple[TopicRules, ...], gazetteer: Gazetteer) -> list[re.Pattern[str]]:
    """Every pattern a classify call looks for, so one scan finds them all."""
    out: list[re.Pattern[str]] = []
    for topic in topics:
        for rule in topic.terms + topic.negatives:
            out.extend(p for p in (rule.pattern, rule.near, rule.unless) if p is not None)
    out.extend(named.pattern for named in gazetteer.places + gazetteer.persons)
    out.append(gazetteer.kz_markers)
    return out


def _compile_rule(entry: dict[str, Any], where: str) -> Rule:
    """Validate one [[term]] or [[negative]] table and compile its regexes."""
    check_keys(entry, where, _RULE_KEYS, _RULE_OPTIONAL)
    where = f"{where} (id={entry['id']!r})"
    bad = [lang for lang in entry["lang"] if lang not in LANGS]
    if bad or not entry["lang"]:
        raise RulesError(f"{where}: lang must list some of {', '.join(LANGS)}, got {bad}")
    if not 0 < entry["weight"] <= 1:
        raise RulesError(f"{where}: weight must be in (0, 1]")
    near = entry.get("near")
    unless = entry.get("unless")
    if entry.get("near_watchlist") and not near:
        raise RulesError(f"{where}: near_watchlist needs 'near'")
    return Rule(
        id=entry["id"],
        langs=tuple(entry["lang"]),
        pattern=compile_regex(entry["pattern"], f"{where} pattern"),
        weight=float(entry["weight"]),
        near=compile_regex(near, f"{where} near") if near else None,
        window=entry.get("window", DEFAULT_WINDOW),
        unless=compile_regex(unless, f"{where} unless") if unless else None,
        unless_window=entry.get("unless_window", 40),
        near_watchlist=entry.get("near_watchlist", False),
    )


def _compile_list(raw: dict[str, Any], key: str, path: Path) -> tuple[Rule, ...]:
    """Compile every table of one array (term or negative), checking ids are unique."""
    entries = raw.get(key, [])
    rules = tuple(
        _compile_rule(e, f"{path.name}: [[{key}]] #{i + 1}") for i, e in enumerate(entries)
    )
    return rules


def load_topic_file(path: Path) -> TopicRules:
    """Load and validate one topic rule file."""
    raw = read_toml(path)
    check_keys(raw, path.name, _FILE_KEYS, _FILE_OPTIONAL)
    if raw["topic"] not in TOPICS:
        raise RulesError(f"{path.name}: unknown topic {raw['topic']!r}; expected one of {TOPICS}")
    if not 0 < raw["threshold"] <= 1:
        raise RulesError(f"{path.name}: threshold must be in (0, 1]")
    terms = _compile_list(raw, "term", path)
    negatives = _compile_list(raw, "negative", path)
    if not terms:
        raise RulesError(f"{path.name}: no [[term]] rules")
    ids = [r.id for r in terms + negatives]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RulesError(f"{path.name}: duplicate rule id(s) {', '.join(dupes)}")
    examples = raw.get("examples", {})
    check_keys(examples, f"{path.name}: [examples]", {}, {"positive": list, "negative": list})
    return TopicRules(
        topic=raw["topic"],
        threshold=float(raw["threshold"]),
        terms=terms,
        negatives=negatives,
        title_boost=float(raw.get("title_boost", 1.5)),
        foreign_factor=float(raw.get("foreign_factor", 1.0)),
        positive_examples=tuple(examples.get("positive", ())),
        negative_examples=tuple(examples.get("negative", ())),
        source=str(path),
    )


def load_rules(path: str | Path | None = None, data_dir: str | Path | None = None) -> Rules:
    """Load, validate and compile a rule directory, cached.

    Default: `$NEWSMON_RULES_DIR` (rules kept outside the checkout), else the packaged rules.
    """
    rules_dir = Path(path or os.environ.get("NEWSMON_RULES_DIR") or RULES_DIR)
    data = Path(data_dir) if data_dir is not None else None
    return _load_cached(rules_dir.resolve(), data.resolve() if data else None)


@lru_cache(maxsize=8)
def _load_cached(rules_dir: Path, data_dir: Path | None) -> Rules:
    """Compile once per directory (and build the scanner); classify calls reuse the result."""
    if not rules_dir.is_dir():
        raise RulesError(f"{rules_dir}: rule directory not found")
    by_topic: dict[str, TopicRules] = {}
    for file in sorted(rules_dir.glob("*.toml")):
        topic = load_topic_file(file)
        if topic.topic in by_topic:
            raise RulesError(f"{file.name}: topic {topic.topic!r} defined twice")
        by_topic[topic.topic] = topic
    missing = [t for t in TOPICS if t not in by_topic]
    if missing:
        raise RulesError(f"{rules_dir}: no rule file for topic(s) {', '.join(missing)}")
    topics = tuple(by_topic[t] for t in TOPICS)
    gazetteer = load_gazetteer(data_dir)
    return Rules(topics, gazetteer, Scanner.build(_patterns(topics, gazetteer)))
