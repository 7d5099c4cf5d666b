"""The one item that flows through the pipelines: a fetched article page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(repr=False)
class ArticleItem:
    """A fetched article; spiders fill the fetch fields, pipeline stages add the rest.

    It holds the raw body (bytes) rather than a Response so it can be kept as evidence
    and stays serialisable.
    """

    # -- filled by the spider --
    url: str  # canonical URL: the dedup key (one article, one row)
    source: str  # sources.toml `name`
    fetched_url: str  # the URL actually fetched, after redirects
    status: int
    body: bytes
    encoding: str  # the charset the body really is in (crawler.downloadermiddlewares.charset)
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str = ""  # core.clock form
    adapter: str = ""
    body_selector: str = ""  # CSS selector of the article body, when the adapter knows it
    # title/published/authors from the feed entry or the page's JSON-LD
    hints: dict[str, Any] = field(default_factory=dict)
    country: str = ""  # the outlet's country code from sources.toml
    origin: str = ""  # the feed/listing that announced it (refetched in full if this fails)

    # -- added by pipeline stages --
    title: str = ""
    text: str = ""
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    lang: str = ""
    classification: dict[str, Any] = field(default_factory=dict)  # the classify() contract
    content_hash: str = ""
    item_id: int | None = None  # items.id, set by the store stage
    store_outcome: str = ""  # new | updated | unchanged, set by the store stage
    snapshot_version: int | None = None  # evidence version kept by the snapshot stage

    def __repr__(self) -> str:
        """Short and bounded: Scrapy logs dropped and failed items, never the page itself."""
        return (f"ArticleItem(url={self.url[:300]!r}, source={self.source[:60]!r}, "
                f"status={self.status}, title={self.title[:80]!r}, "
                f"{len(self.body)} bytes, stored={self.store_outcome or '-'})")

    @property
    def content_type(self) -> str:
        """The response's Content-Type header ("" when it had none)."""
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")
