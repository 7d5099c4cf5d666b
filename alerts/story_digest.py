"""Digest entries by story: the reports of one event listed once, with their outlets and links;
a new report of a story already sent to this coordinator listed once as an update.

Pure functions over `DigestItem`s (their `story_id` and `update` are set by `alerts.select`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alerts.contents import DigestItem
from alerts.labels import label


def story_label(lang: str, key: str) -> str:
    """The word for `key` in `lang` (the digest catalogues, `alerts/labels.py`)."""
    return label(lang, f"story_{key}")


@dataclass(frozen=True)
class StoryEntry:
    """One line of a digest: the reports of one story (the lead first), or one update."""

    items: tuple[DigestItem, ...]
    update: bool = False

    @property
    def lead(self) -> DigestItem:
        return self.items[0]

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(item.source for item in self.items))

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(item.lang for item in self.items if item.lang))

    def summary(self, lang: str) -> str:
        """"3 reports from 2 outlets (ru, kk)" in the label language."""
        return story_label(lang, "reports").format(
            n=len(self.items), m=len(self.outlets), langs=", ".join(self.languages))


def story_entries(items: Sequence[DigestItem]) -> list[StoryEntry]:
    """Items of one story together (its earliest report leads), updates apart, newest first."""
    by_story: dict[tuple[int, bool], list[DigestItem]] = {}
    for item in items:
        by_story.setdefault((item.story_id or item.id, item.update), []).append(item)
    entries = []
    for (_, update), members in by_story.items():
        members.sort(key=lambda item: (item.published, item.id))
        if update:
            entries += [StoryEntry((item,), update=True) for item in members]
        else:
            entries.append(StoryEntry(tuple(members)))
    entries.sort(key=lambda e: (max(i.published for i in e.items), e.lead.id), reverse=True)
    return entries


Groups = list[tuple[str, list[StoryEntry]]]


def group_items(items: Sequence[DigestItem], topic_order: Sequence[str]) -> Groups:
    """New stories by the topic of their first report (in `topic_order`), newest first;
    updates to stories sent before are listed apart (`updates`)."""
    entries = [entry for entry in story_entries(items) if not entry.update]
    return [(topic, members) for topic in topic_order
            if (members := [e for e in entries if e.lead.group == topic])]


def updates(items: Sequence[DigestItem]) -> list[StoryEntry]:
    """One entry per new report of a story already sent."""
    return [entry for entry in story_entries(items) if entry.update]
