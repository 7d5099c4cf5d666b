"""Shared pieces of the fixture sites: article records, RSS, sitemaps, dates as sites print them.

A record is a dict: id, slug, lang, title, published (ISO 8601), authors, section, paragraphs,
optionally modified; extra keys (site, expect_topics) are ignored. Pages are rendered on
request, so a 20,000-article site costs little more than its list of records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from newsmon.demo.siteserver import Page, xml

SITEMAP_CHUNK = 1000
#: Month names as the outlets print them in listings (genitive in Russian).
MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
           "қыркүйек", "қазан", "қараша", "желтоқсан"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


class Site(dict):
    """path -> Route, plus the paths a source entry needs to crawl it."""

    feeds: list[str]
    sections: list[str]
    sitemaps: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.feeds, self.sections, self.sitemaps = [], [], []


def when(record: Mapping[str, Any], key: str = "published") -> datetime:
    value = str(record.get(key) or record["published"]).replace("Z", "+00:00")
    stamp = datetime.fromisoformat(value)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def iso_z(stamp: datetime, sep: str = "T") -> str:
    return stamp.astimezone(UTC).strftime(f"%Y-%m-%d{sep}%H:%M:%SZ")


def day_text(stamp: datetime, lang: str) -> str:
    """`28 апреля 2024`, `28 сәуір 2024`, `April 28, 2024`: a listing's date line."""
    month = MONTHS.get(lang, MONTHS["en"])[stamp.month - 1]
    if lang in ("ru", "kk"):
        return f"{stamp.day} {month} {stamp.year}"
    return f"{month} {stamp.day}, {stamp.year}"


def authors_of(record: Mapping[str, Any]) -> list[str]:
    authors = record.get("authors") or []
    return [authors] if isinstance(authors, str) else list(authors)


def newest_first(articles: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(articles, key=when, reverse=True)


def paragraphs(record: Mapping[str, Any]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in record.get("paragraphs", []))


def section_ids(records: list[Mapping[str, Any]]) -> dict[str, int]:
    names = sorted({str(r.get("section") or "news") for r in records})
    return {name: 100 + number for number, name in enumerate(names)}


def opaque_code(text: str) -> str:
    """A Pangea-like opaque feed code (`zrqomeuuo_`): letters derived from `text`."""
    digest = hashlib.sha1(text.encode()).digest()
    return "z" + "".join("abcdefghijklmnopqrstuvwxyz_-"[b % 28] for b in digest[:9])


def rss(channel_title: str, base_url: str, items: list[str]) -> Page:
    return xml(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>'
        f"<title>{escape(channel_title)}</title><link>{base_url}/</link>"
        f"<description>{escape(channel_title)}</description>\n" + "\n".join(items)
        + "\n</channel></rss>\n"
    )


def rss_item(record: Mapping[str, Any], link: str, guid: str, content: bool) -> str:
    creators = "".join(f"<dc:creator>{escape(a)}</dc:creator>" for a in authors_of(record))
    encoded = f"<content:encoded><![CDATA[{paragraphs(record)}]]></content:encoded>"
    return (
        f"<item><title>{escape(record['title'])}</title><link>{link}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{format_datetime(when(record).astimezone(UTC), usegmt=True)}</pubDate>"
        f"{creators}<category>{escape(str(record.get('section') or 'news'))}</category>"
        f"<description>{escape(' '.join(record.get('paragraphs', [])[:1]))}</description>"
        f"{encoded if content else ''}</item>"
    )


def add_sitemaps(site: Site, base_url: str, records: list[Mapping[str, Any]], url_of: Any,
                 index_path: str = "/sitemap.xml") -> None:
    """`index_path` index over `/sitemap_N.xml` chunks, each with lastmod per URL."""
    chunks = [records[i:i + SITEMAP_CHUNK] for i in range(0, len(records), SITEMAP_CHUNK)]
    index = []
    for number, chunk in enumerate(chunks, 1):
        urls = "".join(f"<url><loc>{url_of(r)}</loc><lastmod>{iso_z(when(r, 'modified'))}"
                       "</lastmod></url>" for r in chunk)
        site[f"/sitemap_{number}.xml"] = xml(
            '<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', "text/xml")
        newest = max(iso_z(when(r, "modified")) for r in chunk)
        index.append(f"<sitemap><loc>{base_url}/sitemap_{number}.xml</loc>"
                     f"<lastmod>{newest}</lastmod></sitemap>")
    site[index_path] = xml(
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(index)}</sitemapindex>',
        "text/xml")
    site.sitemaps = [index_path]


def robots(*sitemaps: str) -> Page:
    """A robots.txt naming the site's sitemaps (as WordPress core and most CMSs print it)."""
    lines = ["User-agent: *", "Disallow: /wp-admin/", *(f"Sitemap: {s}" for s in sitemaps)]
    return Page("\n".join(lines) + "\n", 200, {"Content-Type": "text/plain"})
