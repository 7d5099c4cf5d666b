"""What one digest message holds: its items, its re-check notices, its recipient and language.

Plain data, shared by selection (`select`, `notices`), grouping (`story_digest`) and
rendering (`message`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DigestItem:
    """One flagged article as a digest lists it; `group` is the topic it is listed under."""

    id: int
    title: str
    url: str
    source: str
    lang: str
    published: str
    topics: tuple[str, ...]
    group: str
    snippet: str
    item_link: str | None
    story_id: int = 0  # items.story_id: reports of one event are listed together
    update: bool = False  # its story was sent to this coordinator before
    story_title: str = ""  # the title of the story's first report (for an update)


@dataclass(frozen=True)
class DigestNotice:
    """A re-check found a flagged item `removed` or `edited` (`kind`); told once per recheck."""

    recheck_id: int
    item_id: int
    kind: str
    title: str
    url: str
    source: str
    checked_at: str  # ISO 8601, as the re-check stored it
    detail: str
    item_link: str | None


@dataclass(frozen=True)
class Digest:
    """Everything one message says: to whom, in which language, which items, when."""

    recipient: str
    name: str
    label_language: str
    origin: str  # subscriptions file path, or "table"
    items: tuple[DigestItem, ...]
    when: datetime  # local time, for the subject's date
    notices: tuple[DigestNotice, ...] = ()
