"""Metadata hints read from an article page (JSON-LD, meta tags, `time`) for the extractor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from extraction.dates import to_utc_iso

#: Where each hint is looked for, in order; adapters prepend their own selectors.
TITLE_SELECTORS = ("h1.pg-title::text", "h1.entry-title::text",
                   "meta[property='og:title']::attr(content)", "h1::text", "title::text")
TIME_SELECTORS = ("time[datetime]::attr(datetime)",
                  "meta[property='article:published_time']::attr(content)")
AUTHOR_META = ("meta[name=Author]::attr(content)", "meta[name=author]::attr(content)")


def jsonld_objects(sel: Selector) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page (graphs and lists flattened); bad JSON is skipped."""
    for raw in sel.css("script[type='application/ld+json']::text").getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        for obj in stack:
            if isinstance(obj, dict):
                yield obj
                graph = obj.get("@graph")
                if isinstance(graph, list):
                    yield from (g for g in graph if isinstance(g, dict))


def _names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [v.get("name", "") if isinstance(v, dict) else str(v or "") for v in values]
    return [n.strip() for n in names if n and n.strip()]


def _first(sel: Selector, selectors: tuple[str, ...]) -> str:
    for css in selectors:
        value = (sel.css(css).get() or "").strip()
        if value:
            return " ".join(value.split())
    return ""


def page_hints(sel: Selector, title_selectors: tuple[str, ...] = ()) -> dict[str, Any]:
    """title, published, modified, authors, section and canonical found on the page."""
    hints: dict[str, Any] = {}
    for obj in jsonld_objects(sel):
        if "datePublished" in obj or "headline" in obj:
            hints.setdefault("published", to_utc_iso(obj.get("datePublished")))
            hints.setdefault("modified", to_utc_iso(obj.get("dateModified")))
            hints.setdefault("title", " ".join(str(obj.get("headline") or "").split()))
            hints.setdefault("authors", _names(obj.get("author")))
            hints.setdefault("section", obj.get("articleSection") or "")
    if title := _first(sel, title_selectors + TITLE_SELECTORS):
        hints["title"] = title  # the visible heading wins over JSON-LD's shortened headline
    if not hints.get("published"):
        hints["published"] = to_utc_iso(_first(sel, TIME_SELECTORS))
    if author := _first(sel, AUTHOR_META):
        hints["authors"] = [a.strip() for a in author.split(",") if a.strip()]
    hints["canonical"] = usable_link(_first(sel, ("link[rel=canonical]::attr(href)",)))
    return {k: v for k, v in hints.items() if v}


def usable_link(href: str) -> str:
    """`href` if it can be a web page's address (relative or http/https), else ""."""
    try:
        parts = urlsplit(href)
    except ValueError:  # e.g. "http://[::1": not a URL at all
        return ""
    return href if parts.scheme.lower() in ("", "http", "https") else ""


def merge_hints(page: dict[str, Any], feed: dict[str, Any]) -> dict[str, Any]:
    """Page hints completed by the feed's (the page is closer to the truth when both exist)."""
    merged = dict(feed)
    merged.update({k: v for k, v in page.items() if v and k != "canonical"})
    return merged
