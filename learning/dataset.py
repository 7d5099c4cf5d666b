"""Labelled items: the triaged items of the store, and labelled JSON-lines files.

Both feed the suggestion evaluation and the model. A development file is read where it lies
at run time (`../shared/data/topics_dev*.jsonl` beside the checkout, or `NEWSMON_SHARED`) and
never copied into the project: it is third-party text.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from core.domain import TOPICS
from learning.labels import NOT_RELEVANT, RELEVANT, topic_label

ROOT = Path(__file__).resolve().parents[1]
DEV_FILES = ("topics_dev.jsonl", "topics_dev2.jsonl")


class DataError(ValueError):
    """A labelled file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Triaged:
    """A stored item monitors decided on: its text, triage, topic reports and stored flags."""

    item_id: int
    title: str
    text: str
    lang: str | None
    url: str
    status: str | None
    verdicts: dict[str, str] = field(default_factory=dict)
    flagged: frozenset[str] = frozenset()

    def label(self, topic: str, flagged: bool | None = None) -> bool | None:
        """Is it about `topic`? (`flagged`: the flag to judge, default the stored one.)"""
        flag = topic in self.flagged if flagged is None else flagged
        return topic_label(self.status, self.verdicts.get(topic), flag)


TRIAGED_SQL = """
    SELECT i.id, i.title, i.text, i.lang, i.url, t.status,
           (SELECT json_group_object(r.topic, r.verdict) FROM topic_reports r
             WHERE r.item_id = i.id) AS verdicts,
           (SELECT json_group_array(x.topic) FROM item_topics x WHERE x.item_id = i.id) AS flags
    FROM items i LEFT JOIN triage t ON t.item_id = i.id
    WHERE t.status IN (:relevant, :not_relevant)
       OR i.id IN (SELECT item_id FROM topic_reports)
    ORDER BY i.id"""


def triaged_items(db: sqlite_utils.Database) -> list[Triaged]:
    """Every item triaged relevant or not relevant, or with a topic report."""
    rows = db.execute(TRIAGED_SQL, {"relevant": RELEVANT, "not_relevant": NOT_RELEVANT})
    return [Triaged(item_id, title or "", text or "", lang, url or "", status,
                    json.loads(verdicts or "{}"), frozenset(json.loads(flags or "[]")))
            for item_id, title, text, lang, url, status, verdicts, flags in rows.fetchall()]


@dataclass(frozen=True)
class Example:
    """A text with a label per topic (None: not known) and where it came from. Items of a
    labelled file get negative ids, so they never collide with stored items."""

    item_id: int
    title: str
    text: str
    lang: str | None
    labels: dict[str, bool | None]
    origin: str

    def label(self, topic: str, flagged: bool | None = None) -> bool | None:
        """The label of `topic` (a labelled file's labels do not depend on flags)."""
        return self.labels.get(topic)


def triage_examples(items: list[Triaged]) -> list[Example]:
    """The triaged items as examples: a label only where monitors said something."""
    return [Example(t.item_id, t.title, t.text, t.lang,
                    {topic: t.label(topic) for topic in TOPICS}, "triage") for t in items]


def read_labelled(path: Path, first_id: int = -1) -> list[Example]:
    """A JSON-lines file of {"title", "text", "topics": [...], "lang"?}: every topic known.
    Ids count down from `first_id`."""
    out: list[Example] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            topics = set(record["topics"])
            text = str(record.get("text") or "")
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}: line {number}: not a labelled item ({exc})") from None
        unknown = topics - set(TOPICS)
        if unknown:
            raise DataError(f"{path}: line {number}: unknown topic(s) {sorted(unknown)}")
        lang = record.get("lang") if record.get("lang") in ("ru", "kk", "en") else None
        out.append(Example(first_id - len(out), str(record.get("title") or ""), text, lang,
                           {t: t in topics for t in TOPICS}, f"{path.name}:{number}"))
    return out


def read_all(paths: list[Path]) -> list[Example]:
    """Every labelled file, ids distinct across files."""
    out: list[Example] = []
    for path in paths:
        out.extend(read_labelled(path, first_id=-1 - len(out)))
    return out


def default_dev_files() -> list[Path]:
    """The development sets beside the checkout, where they exist."""
    shared = Path(os.environ.get("NEWSMON_SHARED") or ROOT.parent / "shared") / "data"
    return [shared / name for name in DEV_FILES if (shared / name).is_file()]
