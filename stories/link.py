"""Whether two reports tell the same event, from what they share: scored, thresholded, explained.

Two signals, each with its own threshold:

- near-duplicate (same language): estimated Jaccard similarity of word shingles at least
  NEAR_DUPLICATE, unless the two name different people (a templated court report about
  another defendant is not a republication);
- same event (any languages): shared decisive entities within WINDOW_DAYS. A person is
  required (a watch-list person, or the same surname in both texts); places, Criminal Code
  articles and closeness in time add to the score. Two detentions in one city, or two
  Art. 405 sentences, share a place and an article but no person, and stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NEAR_DUPLICATE = 0.5
#: Above this similarity the texts are the same whatever names a small edit changed.
CERTAIN_DUPLICATE = 0.85
WINDOW_DAYS = 7
CLOSE_DAYS = 2
THRESHOLD = 4.0
WEIGHTS = {"person": 3.0, "name": 2.0, "place": 1.0, "article": 1.0}
#: At most this many shared places or articles count (a long list of regions is not news).
CAP = {"place": 2, "article": 2}


@dataclass(frozen=True)
class Features:
    """What the grouping knows about one stored report."""

    item_id: int
    lang: str
    day: int  # days since 1970-01-01 of its publication (or first sight)
    persons: frozenset[str] = frozenset()  # watch-list names from the classifier
    names: frozenset[str] = frozenset()  # folded surname stems (stories.text)
    places: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    signature: bytes = b""

    def entity_keys(self) -> list[str]:
        """The keys a same-event candidate must share: its people."""
        return ([f"person:{p}" for p in sorted(self.persons)]
                + [f"name:{n}" for n in sorted(self.names)])


@dataclass
class Link:
    """Why two reports belong together: kind, score and the shared evidence."""

    kind: str  # near_duplicate | same_event
    score: float
    shared: dict[str, list[str]] = field(default_factory=dict)
    days: int = 0

    def explanation(self) -> str:
        """"same person Roman Reikhert, same place Aktobe, 2 days apart" (English, for logs)."""
        if self.kind == "near_duplicate":
            return f"near-duplicate text ({self.score:.0%} similar)"
        parts = [f"same {kind} {', '.join(values)}" for kind, values in self.shared.items()
                 if values]
        parts.append("same day" if self.days == 0 else
                     f"{self.days} day{'s' if self.days != 1 else ''} apart")
        return ", ".join(parts)


def _different_people(a: Features, b: Features) -> bool:
    """Both name people and none of them in common."""
    people_a, people_b = a.persons | a.names, b.persons | b.names
    return bool(people_a and people_b and not people_a & people_b)


def near_duplicate(a: Features, b: Features, similarity: float) -> Link | None:
    """A near-duplicate link when the texts are similar enough (same language only)."""
    if a.lang != b.lang or similarity < NEAR_DUPLICATE:
        return None
    if similarity < CERTAIN_DUPLICATE and _different_people(a, b):
        return None
    return Link("near_duplicate", round(similarity, 3))


def same_event(a: Features, b: Features) -> Link | None:
    """A same-event link when shared people, places and articles score THRESHOLD or more."""
    days = abs(a.day - b.day)
    if days > WINDOW_DAYS:
        return None
    shared = {
        "person": sorted(a.persons & b.persons),
        "name": sorted(a.names & b.names),
        "place": sorted(a.places & b.places),
        "article": sorted(a.articles & b.articles),
    }
    if not shared["person"] and not shared["name"]:
        return None
    score = sum(WEIGHTS[kind] * min(len(values), CAP.get(kind, len(values)))
                for kind, values in shared.items())
    score += 1.0 if days <= CLOSE_DAYS else 0.0
    if score < THRESHOLD:
        return None
    return Link("same_event", score, {k: v for k, v in shared.items() if v}, days)


def best_link(a: Features, b: Features, similarity: float) -> Link | None:
    """The stronger of the two signals for a pair, or None."""
    return near_duplicate(a, b, similarity) or same_event(a, b)
