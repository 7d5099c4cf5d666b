"""The second opinion: a linear model over word and character n-grams, one per topic.

Trained on monitors' decisions and the labelled development sets, cross-validated, stored in a
file beside the database. It gives each item a probability per topic that the pages show
beside the rules' flags; it never sets or clears a flag. Character n-grams (2-4, within words)
let one model read Russian and Kazakh word forms in any script without a stemmer.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion

from core.domain import TOPICS
from learning.dataset import Example

MAX_CHARS = 5_000  # of each text: the opening says what a story is about
MIN_CLASS = 2  # a topic needs this many positive and negative examples to be learnt
FORMAT = 1


def text_of(title: str | None, text: str | None) -> str:
    """What the model reads of an item."""
    return f"{title or ''}\n{text or ''}"[:MAX_CHARS]


def make_vectorizer() -> FeatureUnion:
    """Word unigrams and bigrams beside character 2-4-grams within words, both TF-IDF."""
    return FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=50_000)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                  min_df=2, max_features=100_000)),
    ])


def _classifier() -> LogisticRegression:
    return LogisticRegression(C=4.0, class_weight="balanced", max_iter=2_000, solver="liblinear")


def _labels(examples: Sequence[Example], topic: str) -> tuple[np.ndarray, np.ndarray]:
    """Indexes of the examples labelled for `topic`, and their labels."""
    idx = [i for i, e in enumerate(examples) if e.labels.get(topic) is not None]
    return np.array(idx, dtype=int), np.array([bool(examples[i].labels[topic]) for i in idx])


def learnable(y: np.ndarray) -> bool:
    return int(y.sum()) >= MIN_CLASS and int((~y).sum()) >= MIN_CLASS


@dataclass
class Model:
    """A fitted vectorizer and one classifier per topic (None: too few labels for it)."""

    vectorizer: FeatureUnion
    classifiers: dict[str, LogisticRegression | None]
    trained_at: str = ""
    examples: int = 0
    format: int = FORMAT

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probability per topic for each text (topics it could not learn are left out)."""
        if not texts:
            return []
        matrix = self.vectorizer.transform(list(texts))
        columns = {t: c.predict_proba(matrix)[:, 1] for t, c in self.classifiers.items() if c}
        return [{t: round(float(p[i]), 3) for t, p in columns.items()} for i in range(len(texts))]


def fit(examples: Sequence[Example], trained_at: str = "") -> Model:
    """Train on every example (each topic on the examples labelled for it)."""
    texts = [text_of(e.title, e.text) for e in examples]
    vectorizer = make_vectorizer()
    matrix = vectorizer.fit_transform(texts)
    classifiers: dict[str, LogisticRegression | None] = {}
    for topic in TOPICS:
        idx, y = _labels(examples, topic)
        classifiers[topic] = _classifier().fit(matrix[idx], y) if learnable(y) else None
    return Model(vectorizer, classifiers, trained_at, len(examples))


@dataclass
class Folds:
    """Out-of-fold probabilities per topic (None where an example was not scored)."""

    probabilities: dict[str, list[float | None]] = field(default_factory=dict)
    folds: int = 0


def cross_validate(examples: Sequence[Example], folds: int = 5, seed: int = 0) -> Folds:
    """Each example scored by a model trained without it (k-fold, shuffled, seeded)."""
    out = Folds({t: [None] * len(examples) for t in TOPICS}, folds=min(folds, len(examples)))
    if out.folds < 2:
        return out
    texts = [text_of(e.title, e.text) for e in examples]
    for train, test in KFold(out.folds, shuffle=True, random_state=seed).split(texts):
        vectorizer = make_vectorizer()
        matrix = vectorizer.fit_transform([texts[i] for i in train])
        held = vectorizer.transform([texts[i] for i in test])
        for topic in TOPICS:
            labelled = [(k, bool(examples[i].labels[topic])) for k, i in enumerate(train)
                        if examples[i].labels.get(topic) is not None]
            y = np.array([v for _, v in labelled])
            if not learnable(y):
                continue
            model = _classifier().fit(matrix[[k for k, _ in labelled]], y)
            for i, p in zip(test, model.predict_proba(held)[:, 1], strict=True):
                out.probabilities[topic][i] = float(p)
    return out


def save(model: Model, path: Path) -> str:
    """Write the model file; its SHA-256 (recorded in the database, checked on load)."""
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    data = buffer.getvalue()
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


class ModelFileError(RuntimeError):
    """The model file is missing or is not the one `newsmon learn` wrote."""


def load(path: Path, sha256: str) -> Model:
    """Read the model file, only if it is the very file the database recorded (a pickle runs
    code when loaded: never load one that something else put there)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: {exc.strerror}; run `newsmon learn`") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelFileError(f"{path}: not the file `newsmon learn` wrote; run it again")
    model = joblib.load(io.BytesIO(data))
    if getattr(model, "format", None) != FORMAT:
        raise ModelFileError(f"{path}: written by another version; run `newsmon learn`")
    return model
