"""RSS, Atom and sitemap parsing as pure functions of the response body."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
}
# A parser that never resolves entities or fetches DTDs: feeds are untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)
_JSONLD_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2})?)")


class FeedError(ValueError):
    """The body is not a feed or sitemap we can read; the message says why."""


@dataclass(frozen=True)
class FeedEntry:
    """One article announced by a feed, a sitemap or an API listing."""

    url: str
    title: str = ""
    published: str | None = None  # ISO 8601 UTC
    updated: str | None = None
    authors: list[str] = field(default_factory=list)

    def hints(self) -> dict:
        """The non-empty fields as ArticleItem hints."""
        data = {"title": self.title, "published": self.published, "authors": self.authors}
        return {k: v for k, v in data.items() if v}


def to_utc_iso(value: str | None) -> str | None:
    """ISO 8601, RFC 822 or JSON-LD ("2024-04-28 07:00:00Z") date -> `YYYY-MM-DDTHH:MM:SSZ`."""
    if not value or not value.strip():
        return None
    text = _JSONLD_DATE.sub(r"\1T\2", value.strip()).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_date(entry: FeedEntry) -> date | None:
    """The day an entry was last published or updated, if known."""
    stamp = entry.updated or entry.published
    return date.fromisoformat(stamp[:10]) if stamp else None


def _root(body: bytes) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    if not body.strip():
        raise FeedError("empty body")
    try:
        return etree.fromstring(body.strip(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML: {exc.msg}") from None


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _rss_entry(item: etree._Element) -> FeedEntry | None:
    url = _text(item, "link") or _text(item, "guid")
    if not url:
        return None
    authors = [a.text.strip() for a in item.findall("dc:creator", NS) if a.text and a.text.strip()]
    if not authors and (author := _text(item, "author")):
        authors = [author]
    return FeedEntry(
        url=url, title=_text(item, "title"), published=to_utc_iso(_text(item, "pubDate")),
        updated=to_utc_iso(_text(item, "atom:updated")), authors=authors,
    )


def _atom_entry(entry: etree._Element) -> FeedEntry | None:
    links = entry.findall("atom:link", NS)
    hrefs = [ln.get("href") for ln in links if ln.get("rel", "alternate") == "alternate"]
    if not hrefs or not hrefs[0]:
        return None
    names = [_text(a, "atom:name") for a in entry.findall("atom:author", NS)]
    return FeedEntry(
        url=hrefs[0], title=_text(entry, "atom:title"),
        published=to_utc_iso(_text(entry, "atom:published") or _text(entry, "atom:updated")),
        updated=to_utc_iso(_text(entry, "atom:updated")), authors=[n for n in names if n],
    )


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries of an RSS 2.0 or Atom feed; FeedError if the body is neither."""
    root = _root(body)
    tag = etree.QName(root).localname
    if tag == "rss" or tag == "RDF":
        items = root.iter("item", "{http://purl.org/rss/1.0/}item")
        return [e for e in map(_rss_entry, items) if e]
    if tag == "feed":
        return [e for e in map(_atom_entry, root.findall("atom:entry", NS)) if e]
    raise FeedError(f"not a feed: root element <{tag}>")


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: an index of other sitemaps, or a set of page URLs."""

    is_index: bool
    entries: list[FeedEntry]


def parse_sitemap(body: bytes) -> Sitemap:
    """Entries (loc, lastmod) of a sitemap or sitemap index; FeedError otherwise."""
    root = _root(body)
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap: root element <{tag}>")
    entries = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = _text(node, "sm:loc") or _text(node, "loc")
        lastmod = to_utc_iso(_text(node, "sm:lastmod") or _text(node, "lastmod"))
        if loc:
            entries.append(FeedEntry(url=loc, updated=lastmod))
    return Sitemap(is_index=tag == "sitemapindex", entries=entries)
