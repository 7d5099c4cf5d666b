"""The domain's fixed vocabularies: what every layer means by a topic or a triage status."""

from __future__ import annotations

#: The three topics newsmon flags, in the order they are shown and stored.
TOPICS: tuple[str, ...] = ("torture", "art405", "detention")

#: Triage decisions a monitor can record for an item (`new` = not yet looked at).
TRIAGE_STATUSES: tuple[str, ...] = ("new", "relevant", "not_relevant", "follow_up", "duplicate")

#: Statuses that take an item out of digests (a monitor said it is not worth sending).
UNSENT_STATUSES: frozenset[str] = frozenset({"not_relevant", "duplicate"})
