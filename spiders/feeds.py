"""Feeds and sitemaps, parsed by the libraries made for them, as pure functions of the body.

RSS/Atom through feedparser: it reads what a strict XML parser refuses (a stray `&`, `&nbsp;`,
a BOM before the declaration), so one sloppy entry no longer loses a whole feed. Sitemaps
through Scrapy's `Sitemap` (streaming, no entity expansion), gzip through Scrapy's bounded
`gunzip`: a small compressed file cannot unpack into gigabytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import feedparser
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap as ScrapySitemap

from extraction.dates import to_utc_iso
from sites.entries import FeedEntry, FeedError

GZIP_MAGIC = b"\x1f\x8b"
#: What the XML parser says when the document stops before its end: a cut-off feed, whose
#: missing entries must be fetched again (a stray `&` is read past, and is not this).
CUT_OFF = ("no element found", "unclosed token", "unexpected end")


@dataclass(frozen=True)
class ParsedFeed:
    """The entries of a feed, and what was wrong with it (entries may be usable anyway)."""

    entries: list[FeedEntry]
    problem: str | None = None  # malformed XML feedparser worked around
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (entry, why skipped)
    cut_off: bool = False  # the XML stops early: entries past the cut are lost this time


def unpack(body: bytes, max_size: int) -> bytes:
    """`body`, gunzipped (at most `max_size` bytes) when it is gzip; FeedError otherwise."""
    if body[:2] != GZIP_MAGIC:
        return body
    try:
        return gunzip(body, max_size=max_size)
    except ValueError as exc:  # scrapy's size-limit exception is a ValueError
        raise FeedError(f"gzip body unpacks to more than {max_size} bytes ({exc})") from None
    except (OSError, EOFError) as exc:
        raise FeedError(f"broken gzip body: {exc}") from None


def _authors(entry: Any) -> list[str]:
    authors = dict.get(entry, "authors") or []
    names = [dict.get(a, "name", "") for a in authors if isinstance(a, dict)]
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    author = dict.get(entry, "author")
    if not names and isinstance(author, str) and author.strip():
        names = [author.strip()]
    return names


def _entry(entry: Any) -> FeedEntry | None:
    """A FeedEntry, or None when the entry has no link (a non-permalink guid is no URL)."""
    # dict.get: feedparser's own get() maps a missing `updated` to `published`, with a warning.
    link = dict.get(entry, "link")
    if not isinstance(link, str) or not link.strip():
        return None
    published, updated = dict.get(entry, "published"), dict.get(entry, "updated")
    return FeedEntry(
        url=link.strip(), title=" ".join(str(dict.get(entry, "title") or "").split()),
        published=to_utc_iso(published or updated), updated=to_utc_iso(updated),
        authors=_authors(entry),
    )


def parse_feed(body: bytes, max_size: int = 0) -> ParsedFeed:
    """Entries of an RSS or Atom feed; FeedError when the body is no feed at all."""
    data = unpack(body, max_size)
    if not data.strip():
        raise FeedError("empty body")
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False,
                              sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS or Atom feed{f' ({reason})' if reason else ''}")
    entries, rejected = [], []
    for raw in parsed.entries:
        entry = _entry(raw)
        if entry is None:
            label = dict.get(raw, "id") or dict.get(raw, "title") or "?"
            rejected.append((str(label)[:200], "no link"))
        else:
            entries.append(entry)
    problem = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    cut_off = bool(problem) and any(sign in problem for sign in CUT_OFF)
    return ParsedFeed(entries, problem, [] if cut_off else rejected, cut_off)


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: an index of other sitemaps, or a set of page URLs."""

    is_index: bool
    entries: list[FeedEntry]


def parse_sitemap(body: bytes, max_size: int = 0) -> Sitemap:
    """Entries (loc, lastmod) of a sitemap or sitemap index; FeedError otherwise."""
    data = unpack(body, max_size)
    if not data.strip():
        raise FeedError("empty body")
    try:
        sitemap = ScrapySitemap(data.lstrip())
        kind = sitemap.type
        rows = list(sitemap)
    except Exception as exc:  # noqa: BLE001 - lxml raises many kinds on garbage
        raise FeedError(f"not a sitemap: {exc}") from None
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap: root element <{kind}>")
    entries = [FeedEntry(url=row["loc"], updated=to_utc_iso(row.get("lastmod")))
               for row in rows if row.get("loc")]
    return Sitemap(is_index=kind == "sitemapindex", entries=entries)
