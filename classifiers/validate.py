"""Small checks shared by the loaders of the rule and gazetteer data files.

Every data file a monitor edits is validated on load, and each error names the file
and the rule (or entry) at fault, so a typo fails loudly instead of silently
changing what gets flagged.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any


class RulesError(ValueError):
    """A rule or data file is malformed; the message names the file and the entry."""


class Tables(list):
    """Type marker for check_keys: an array of tables ([[name]]), not of strings."""


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning syntax errors into RulesError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RulesError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def check_keys(
    entry: dict[str, Any], where: str, required: dict[str, type], optional: dict[str, type]
) -> None:
    """Reject unknown keys, missing keys and values of the wrong type."""
    if not isinstance(entry, dict):
        raise RulesError(f"{where}: expected a table, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(required) - set(optional))
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key in required:
        if key not in entry:
            raise RulesError(f"{where}: missing required key '{key}'")
    for key, value in entry.items():
        expected = required.get(key) or optional[key]
        if expected is Tables:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise RulesError(f"{where}: '{key}' must be an array of tables [[{key}]]")
            continue
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise RulesError(f"{where}: key '{key}' must be {expected.__name__}")
        if expected is list and not all(isinstance(item, str) for item in value):
            raise RulesError(f"{where}: key '{key}' must be a list of strings")


def compile_regex(pattern: str, where: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    """Compile a pattern anchored at a word start, naming the rule when it is bad."""
    if not pattern.strip():
        raise RulesError(f"{where}: empty pattern")
    flags = re.UNICODE | (re.IGNORECASE if ignore_case else 0)
    try:
        return re.compile(rf"(?<!\w)(?:{pattern})", flags)
    except (re.error, OverflowError, RecursionError) as exc:  # a{99999999999} overflows
        raise RulesError(f"{where}: bad regex {pattern[:200]!r}: {exc}") from None
