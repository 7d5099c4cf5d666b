"""Rule jobs: the report from triage, suggestions, and accepting or dismissing one.

An accepted suggestion is the only way this code changes a rule file: the monitor has read
the diff and the items it changes, the file is rewritten under the run lock, the rules are
compiled again (a broken file is put back), and the stored items are reclassified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from classifiers import RulesError, load_rules
from classifiers.rules import forget_rules, lexicon_path, rules_path
from core.clock import utc_now
from learning.catalogue import rule_catalogue
from learning.dataset import DataError, Example, read_all, triaged_items
from learning.edits import (
    Edit,
    EditError,
    apply_edit,
    target_path,
    unified_diff,
    write_atomically,
)
from learning.evaluate import Effect
from learning.mining import add_candidates, mine
from learning.precision import rule_stats
from learning.reports import build_report, firings, latest_model
from learning.suggest import Suggestion, evaluate
from learning.suggest import suggest as find_suggestions
from newsmon.errors import ConfigError
from newsmon.jobs.classify import ReclassifyReport, checked_rules, reclassify
from newsmon.lock import run_lock
from sites.sources import Source

OPEN, ACCEPTED, DISMISSED = "open", "accepted", "dismissed"


def dev_items(paths: list[Path]) -> list[Example]:
    """The labelled development items (a bad file is a configuration error)."""
    try:
        return read_all(paths)
    except DataError as exc:
        raise ConfigError(str(exc)) from None


def report(db: sqlite_utils.Database, candidates: bool = True) -> dict:
    """`newsmon rules report`: rules worst first, topics, misses with candidate terms."""
    checked_rules()
    result = build_report(db)
    if candidates:
        add_candidates(result, db, load_rules())
    result["model"] = latest_model(db)
    return result


def decided_ids(db: sqlite_utils.Database) -> frozenset[str]:
    """Suggestions a monitor accepted or dismissed: never offered again."""
    return frozenset(r[0] for r in db.execute(
        "SELECT id FROM rule_suggestions WHERE status != ?", [OPEN]).fetchall())


def suggest(db: sqlite_utils.Database, dev: list[Example]) -> list[Suggestion]:
    """Find and evaluate suggestions; keep them (replacing the open ones) for `accept`."""
    checked_rules()
    rules = load_rules()
    missed = build_report(db)["missed"]
    candidates, _ = mine(db, rules, missed)
    stats = rule_stats(firings(db), rule_catalogue())
    found = find_suggestions(rules, rules_path().resolve(), lexicon_path().resolve(),
                             triaged_items(db), stats, candidates, dev, decided_ids(db))
    now = utc_now()
    with db.atomic():
        db.execute("DELETE FROM rule_suggestions WHERE status = ?", [OPEN])
        db["rule_suggestions"].upsert_all([{
            "id": s.edit.ident, "kind": s.edit.kind, "topic": s.edit.topic,
            "edit": s.edit.to_json(), "summary": s.edit.describe(),
            "effect": json.dumps(s.effect.as_dict(), ensure_ascii=False),
            "net": s.effect.net, "status": OPEN, "created_at": now,
        } for s in found], pk="id")
    return found


@dataclass
class Preview:
    """An open suggestion made against the files as they are now, with its fresh effect."""

    ident: str
    edit: Edit
    path: Path
    old: str
    new: str
    effect: Effect

    @property
    def diff(self) -> str:
        label = f"{'lexicon' if self.edit.in_lexicon else 'rules'}/{self.edit.file}"
        return unified_diff(label, self.old, self.new)


def open_suggestion(db: sqlite_utils.Database, ident: str) -> Edit:
    """The stored open suggestion `ident` (exit 2 when there is none)."""
    row = db.execute("SELECT edit, status FROM rule_suggestions WHERE id = ?",
                     [ident]).fetchone()
    if row is None:
        raise ConfigError(f"no suggestion {ident!r}; run `newsmon rules suggest`")
    if row[1] != OPEN:
        raise ConfigError(f"suggestion {ident} was {row[1]} already")
    return Edit.from_json(row[0])


def preview(db: sqlite_utils.Database, ident: str, dev: list[Example]) -> Preview:
    """The diff and the effect on today's triaged items (the files may have changed since
    the suggestion was made: it is tried again on them)."""
    checked_rules()
    edit = open_suggestion(db, ident)
    rules_dir, lexicon_dir = rules_path().resolve(), lexicon_path().resolve()
    path = target_path(edit, rules_dir, lexicon_dir)
    old = path.read_text(encoding="utf-8")
    try:
        new = apply_edit(edit, old)
    except EditError as exc:
        raise ConfigError(f"{path}: suggestion {ident} no longer fits: {exc}") from None
    eff = evaluate(edit, load_rules(), [*triaged_items(db), *dev], rules_dir, lexicon_dir)
    return Preview(ident, edit, path, old, new, eff)


def accept(db_path: str, db: sqlite_utils.Database, seen: Preview, sources: list[Source],
           by: str) -> ReclassifyReport:
    """Write the previewed edit (if the file is still as previewed), recompile, reclassify."""
    with run_lock(db_path, "rules accept"):
        if seen.path.read_text(encoding="utf-8") != seen.old:
            raise ConfigError(f"{seen.path} changed since the diff was shown; run again")
        write_atomically(seen.path, seen.new)
        forget_rules()
        try:
            load_rules()
        except RulesError as exc:
            write_atomically(seen.path, seen.old)
            forget_rules()
            raise ConfigError(f"{exc} (the file was put back as it was)") from None
        decide(db, seen.ident, ACCEPTED, by)
        return reclassify(db, sources)


def decide(db: sqlite_utils.Database, ident: str, status: str, by: str) -> None:
    """Record that `by` accepted or dismissed suggestion `ident`."""
    open_suggestion(db, ident)
    with db.atomic():
        db["rule_suggestions"].update(ident, {"status": status, "decided_by": by,
                                              "decided_at": utc_now()})
