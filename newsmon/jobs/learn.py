"""`newsmon learn`: train the second-opinion model, cross-validate it beside the rules, store
it beside the database and score the stored items with it. It never touches a flag: it
writes `model_runs`, `model_scores` and the model file, nothing else."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from classifiers import classify, load_rules
from core.clock import utc_now
from learning.dataset import Example, triage_examples, triaged_items
from learning.figures import compare
from learning.model import (
    MAX_CHARS,
    Model,
    ModelFileError,
    cross_validate,
    fit,
    load,
    save,
    text_of,
)
from newsmon.errors import ConfigError
from newsmon.jobs.classify import checked_rules

logger = logging.getLogger(__name__)
BATCH = 500


def model_path(db_path: str) -> Path:
    """The model file lives beside the database it was trained from."""
    return Path(f"{os.path.abspath(db_path)}.model")


@dataclass
class LearnReport:
    triage: int = 0
    dev: int = 0
    figures: dict = field(default_factory=dict)
    folds: int = 0
    scored: int = 0
    run_id: int = 0
    path: str = ""
    seconds: float = 0.0


def learn(db_path: str, db: sqlite_utils.Database, dev: list[Example], folds: int = 5,
          score: bool = True) -> LearnReport:
    """Cross-validate, train on everything, save, score the stored items."""
    started = time.perf_counter()
    checked_rules()
    triage = [e for e in triage_examples(triaged_items(db)) if any(
        v is not None for v in e.labels.values())]
    examples = [*triage, *dev]
    if not examples:
        raise ConfigError("nothing to learn from: no triage decisions and no labelled file")
    rules = load_rules()
    by_rules = [frozenset(classify(e.title, e.text, e.lang, rules=rules)["topics"])
                for e in examples]
    held_out = cross_validate(examples, folds)
    report = LearnReport(len(triage), len(dev), compare(examples, held_out, by_rules),
                         held_out.folds)
    model = fit(examples, trained_at=utc_now())
    path = model_path(db_path)
    digest = save(model, path)
    report.run_id = db["model_runs"].insert({
        "trained_at": model.trained_at, "model_file": path.name, "sha256": digest,
        "items": len(examples), "figures": json.dumps(report.figures)}).last_pk
    report.path = str(path)
    if score:
        report.scored = score_items(db, model, report.run_id)
    report.seconds = time.perf_counter() - started
    return report


def score_items(db: sqlite_utils.Database, model: Model, run_id: int, only_new: bool = False
                ) -> int:
    """Write the model's probability per topic for every stored item (or the unscored)."""
    where = ("AND id NOT IN (SELECT item_id FROM model_scores WHERE run_id = :run)"
             if only_new else "")
    last, scored = 0, 0
    while True:
        rows = db.execute(
            f"SELECT id, title, substr(text, 1, :chars) FROM items WHERE id > :last {where} "
            "ORDER BY id LIMIT :batch",
            {"chars": MAX_CHARS, "last": last, "run": run_id, "batch": BATCH}).fetchall()
        if not rows:
            return scored
        texts = [text_of(title, text) for _, title, text in rows]
        found = model.predict(texts)
        db["model_scores"].upsert_all(
            ({"item_id": row[0], "topic": topic, "probability": p, "run_id": run_id}
             for row, probs in zip(rows, found, strict=True) for topic, p in probs.items()),
            pk=("item_id", "topic"))
        scored += len(rows)
        last = rows[-1][0]


def score_new(db_path: str, db: sqlite_utils.Database) -> int:
    """Score the items stored since the last `newsmon learn` with its model."""
    row = db.execute("SELECT id, sha256 FROM model_runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        raise ConfigError("no model yet: run `newsmon learn` first")
    try:
        model = load(model_path(db_path), row[1])
    except ModelFileError as exc:
        raise ConfigError(str(exc)) from None
    return score_items(db, model, row[0], only_new=True)
