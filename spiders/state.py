"""What earlier runs left for the spider: known articles (and the other keys they answer to),
feed validators (ETag etc.), and the feeds and sitemaps discovery found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from core.clock import now, parse_utc
from extraction.dates import to_utc_iso
from sites.adapter import Adapter
from sites.entries import FeedEntry
from store import connect, known_articles
from store.discovered import article_aliases, discovered
from store.feeds import feed_validators


@dataclass
class RunState:
    """One source's memory, read once when its spider starts."""

    known: dict[str, str | None] = field(default_factory=dict)  # article key -> fetched_at
    stored: dict[str, str] = field(default_factory=dict)  # article key (or alias) -> its URL
    validators: dict[str, tuple[str, str]] = field(default_factory=dict)  # feed URL -> ...
    found: list[dict[str, Any]] = field(default_factory=list)  # discovered_feeds rows

    def replacements(self) -> dict[str, str]:
        """Configured feed path -> the found feed standing in for it (it moved)."""
        return {old: row["path"] for row in self.found if row["kind"] == "feed"
                and row["verified"] for old in (row["replaces"] or "").split()}

    def found_feeds(self) -> list[str]:
        """Verified feeds discovery found for a source that names none."""
        return [row["path"] for row in self.found
                if row["kind"] == "feed" and row["verified"] and not row["replaces"]]

    def found_sitemaps(self) -> list[str]:
        return [row["path"] for row in self.found if row["kind"] == "sitemap"]

    def looked_recently(self, hours: float) -> bool:
        """Did discovery run for this source in the last `hours` (whatever it found)?"""
        stamps = [row["checked_at"] for row in self.found if row["kind"] == "looked"]
        if not stamps or hours <= 0:
            return False
        return parse_utc(max(stamps)) > now() - timedelta(hours=hours)


def load_state(db_path: str | None, source: str, adapter: Adapter) -> RunState:
    """Everything stored about `source` (an empty state without a database)."""
    if not db_path:
        return RunState()
    db = connect(db_path)
    try:
        stamps = known_articles(db, source)
        stored = {adapter.article_key(url): url for url in stamps}
        for key, url in article_aliases(db, source).items():
            stored.setdefault(key, url)
        known = {key: stamps.get(url) for key, url in stored.items()}
        return RunState(known, stored, feed_validators(db), discovered(db, source))
    finally:
        db.close()


def conditional_headers(validators: tuple[str, str] | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a feed fetched before (empty when never)."""
    etag, modified = validators or ("", "")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    return headers


def changed(entry: FeedEntry, known_stamp: str | None) -> bool:
    """True when the feed/sitemap says the article changed after we last fetched it."""
    stamp = to_utc_iso(entry.updated)
    known = to_utc_iso(known_stamp)
    return bool(stamp and known and stamp > known)
