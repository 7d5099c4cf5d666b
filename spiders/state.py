"""What earlier runs left for the spider: known articles and feed validators (ETag etc.)."""

from __future__ import annotations

from extraction.dates import to_utc_iso
from sites.entries import FeedEntry


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
