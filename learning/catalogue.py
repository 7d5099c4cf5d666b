"""The rule and concept files as written: which rules exist, where each concept lives.

Read with tomllib, without compiling the rules (no word forms generated), so a web page can
list every rule cheaply. Compiling, with its validation, stays in `classifiers.load_rules`.
"""

from __future__ import annotations

from pathlib import Path

from classifiers.rules import lexicon_path, rules_path
from classifiers.validate import RulesError, read_toml
from learning.precision import RuleInfo


def rule_catalogue(rules_dir: str | Path | None = None) -> list[RuleInfo]:
    """Every [[rule]] of every topic file, in file order."""
    out = []
    for path in sorted(rules_path(rules_dir).glob("*.toml")):
        raw = read_toml(path)
        for entry in raw.get("rule", []):
            if isinstance(entry, dict) and entry.get("id"):
                out.append(RuleInfo(str(entry["id"]), str(raw.get("topic", "")), path.name,
                                    float(entry.get("weight", 1.0)), str(entry.get("note", ""))))
    return out


def topic_file(topic: str, rules_dir: str | Path | None = None) -> Path:
    """The rule file of `topic`."""
    for path in sorted(rules_path(rules_dir).glob("*.toml")):
        if read_toml(path).get("topic") == topic:
            return path
    raise RulesError(f"{rules_path(rules_dir)}: no rule file for topic {topic!r}")


def concept_file(concept: str, lexicon_dir: str | Path | None = None) -> Path:
    """The concept file that defines `concept`."""
    for path in sorted(lexicon_path(lexicon_dir).glob("*.toml")):
        if concept in read_toml(path):
            return path
    raise RulesError(f"{lexicon_path(lexicon_dir)}: no concept {concept!r}")


def concept_tables(lexicon_dir: str | Path | None = None) -> dict[str, tuple[str, dict]]:
    """Concept name -> (the name of the file that defines it, its table)."""
    out: dict[str, tuple[str, dict]] = {}
    for path in sorted(lexicon_path(lexicon_dir).glob("*.toml")):
        for name, table in read_toml(path).items():
            out.setdefault(name, (path.name, table))
    return out
