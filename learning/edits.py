"""Edits to the rule and concept files: applied to the TOML text, comments and layout kept.

An edit is data (kind, file, target, value), so a suggestion can be stored, shown as a
unified diff, tried on a temporary copy of the files, and written when a monitor accepts it.
tomlkit edits the parsed document in place: every comment, blank line and array layout a
monitor wrote stays as it was.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomlkit

KINDS = ("term", "none", "threshold", "weight")


class EditError(ValueError):
    """The edit does not fit the file as it is now (target gone, already applied, ...)."""


@dataclass(frozen=True)
class Edit:
    """One change: a term added to a concept, a concept added to a rule's `none`, a topic's
    threshold or a rule's weight set."""

    kind: str
    topic: str
    file: str  # the file's name in the rules or the concept directory
    target: str = ""  # the concept (term), the rule id (none, weight); "" for threshold
    key: str = ""  # the concept's language key (term)
    value: Any = ""  # the entry, the concept, the number

    @property
    def in_lexicon(self) -> bool:
        return self.kind == "term"

    @property
    def ident(self) -> str:
        """A short id that stays the same for the same edit."""
        digest = hashlib.sha1(self.to_json().encode()).hexdigest()
        return f"s{digest[:7]}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Edit:
        return cls(**json.loads(text))

    def describe(self) -> str:
        """One line a monitor reads."""
        where = f"{'lexicon' if self.in_lexicon else 'rules'}/{self.file}"
        if self.kind == "term":
            return f'add "{self.value}" ({self.key}) to concept {self.target} ({where})'
        if self.kind == "none":
            return f"rule {self.target}: cancel it where {self.value} is ({where}, none)"
        if self.kind == "threshold":
            return f"{self.topic}: threshold {self.value} ({where})"
        return f"rule {self.target}: weight {self.value} ({where})"


def _rule_table(doc: Any, rule_id: str) -> Any:
    for table in doc.get("rule", []):
        if table.get("id") == rule_id:
            return table
    raise EditError(f"no rule {rule_id!r}")


def _append(table: Any, key: str, value: str) -> None:
    """Add `value` to the string array `table[key]` (created if missing)."""
    current = table.get(key)
    if current is None:
        table[key] = [value]
    elif value in current:
        raise EditError(f"{value!r} is already in {key}")
    else:
        current.append(value)


def apply_edit(edit: Edit, text: str) -> str:
    """The file text with `edit` made, everything else as it was."""
    doc = tomlkit.parse(text)
    if edit.kind == "term":
        table = doc.get(edit.target)
        if table is None:
            raise EditError(f"{edit.file}: no concept {edit.target!r}")
        _append(table, edit.key, str(edit.value))
    elif edit.kind == "none":
        _append(_rule_table(doc, edit.target), "none", str(edit.value))
    elif edit.kind in ("threshold", "weight"):
        table = doc if edit.kind == "threshold" else _rule_table(doc, edit.target)
        if float(table.get(edit.kind, 1.0)) == float(edit.value):
            raise EditError(f"{edit.kind} is already {edit.value}")
        table[edit.kind] = float(edit.value)
    else:
        raise EditError(f"unknown kind of edit {edit.kind!r}")
    return tomlkit.dumps(doc)


def unified_diff(label: str, old: str, new: str) -> str:
    """The change as `diff -u` shows it."""
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"a/{label}", f"b/{label}"))


def target_path(edit: Edit, rules_dir: Path, lexicon_dir: Path) -> Path:
    """The file `edit` changes."""
    return (lexicon_dir if edit.in_lexicon else rules_dir) / edit.file


@contextmanager
def edited_copy(edit: Edit, rules_dir: Path, lexicon_dir: Path) -> Iterator[tuple[Path, Path]]:
    """(rules dir, concept dir) with `edit` made in a temporary copy of the one it touches."""
    with tempfile.TemporaryDirectory(prefix="newsmon-edit-") as tmp:
        copy = Path(tmp) / ("lexicon" if edit.in_lexicon else "rules")
        source = lexicon_dir if edit.in_lexicon else rules_dir
        shutil.copytree(source, copy)
        path = copy / edit.file
        path.write_text(apply_edit(edit, path.read_text(encoding="utf-8")), encoding="utf-8")
        yield (rules_dir, copy) if edit.in_lexicon else (copy, lexicon_dir)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` by `text` at once (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
