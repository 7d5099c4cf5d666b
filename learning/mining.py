"""Candidate terms for the report: the missed items read from the store, against a background
sample of ordinary stored items."""

from __future__ import annotations

from collections import defaultdict

import sqlite_utils

from classifiers import Rules
from learning.analysis import analyse
from learning.candidates import Candidate, SentenceWords, candidate_terms, sentence_words, token_set

BACKGROUND = 300  # newest stored items whose words tell ordinary news from topic terms
MAX_CHARS = 20_000  # of each background text


def background(db: sqlite_utils.Database, size: int = BACKGROUND) -> list[set[str]]:
    """Word sets of the newest stored items (flagged or not)."""
    rows = db.execute("SELECT title, substr(text, 1, ?) FROM items ORDER BY id DESC LIMIT ?",
                      [MAX_CHARS, size]).fetchall()
    return [token_set(f"{title or ''}\n{text or ''}") for title, text in rows]


def mine(db: sqlite_utils.Database, rules: Rules, missed: list[dict]
         ) -> tuple[dict[str, list[Candidate]], dict[tuple[int, str], list[SentenceWords]]]:
    """Candidate terms per topic, and each open missed report's sentences near its topic."""
    per_item: dict[tuple[int, str], list[SentenceWords]] = {}
    by_topic: dict[str, list[tuple[int, str, list[SentenceWords]]]] = defaultdict(list)
    for report in missed:
        if report["flagged_now"]:
            continue
        row = db.execute("SELECT title, text, lang FROM items WHERE id = ?",
                         [report["item_id"]]).fetchone()
        if row is None:
            continue
        item = analyse(row[0], row[1], row[2], rules)
        sentences = sentence_words(report["topic"], item, rules)
        per_item[(report["item_id"], report["topic"])] = sentences
        by_topic[report["topic"]].append((report["item_id"], item.lang, sentences))
    words = background(db) if by_topic else []
    return ({topic: candidate_terms(topic, found, words) for topic, found in by_topic.items()},
            per_item)


def add_candidates(report: dict, db: sqlite_utils.Database, rules: Rules) -> dict:
    """The report with candidate terms per topic and the near sentences of each miss."""
    candidates, near = mine(db, rules, report["missed"])
    for miss in report["missed"]:
        miss["near"] = [{"sentence": s.text, "words": s.words,
                         "near_misses": [list(pair) for pair in s.near_misses]}
                        for s in near.get((miss["item_id"], miss["topic"]), [])]
    report["candidates"] = {t: [c.as_dict() for c in cands] for t, cands in candidates.items()}
    return report
