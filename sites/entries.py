"""What a feed, sitemap, listing or API tells us about one article before we fetch it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extraction.dates import day_of


@dataclass(frozen=True)
class FeedEntry:
    """One article announced by a feed, a sitemap or an API listing (dates in stored form)."""

    url: str
    title: str = ""
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)

    def hints(self) -> dict[str, Any]:
        """The non-empty fields as ArticleItem hints."""
        data = {"title": self.title, "published": self.published, "authors": self.authors}
        return {k: v for k, v in data.items() if v}

    @property
    def day(self):  # noqa: ANN201 - date | None
        """The day the entry was last published or updated, if known."""
        return day_of(self.updated or self.published)


class FeedError(ValueError):
    """The body is not a feed, sitemap or API answer we can read; the message says why."""
