"""Feeds and sitemaps as real sites write them: sloppy XML is read, bombs are refused."""

from __future__ import annotations

import gzip

import pytest

from sites.entries import FeedError
from spiders.feeds import parse_feed, parse_sitemap

ITEM = "<item><title>{title}</title><link>https://site.kz/a/{n}.html</link></item>"


def rss(*items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{head}<rss version="2.0"><channel><title>t</title>{"".join(items)}'
            "</channel></rss>").encode()


@pytest.mark.parametrize("body", [
    rss(ITEM.format(title="Суд & прокуратура", n=1), ITEM.format(title="x", n=2)),
    rss(ITEM.format(title="Суд&nbsp;в Актобе", n=1), ITEM.format(title="x", n=2)),
    b"\xef\xbb\xbf\n  " + rss(ITEM.format(title="a", n=1), ITEM.format(title="b", n=2)),
], ids=["stray-ampersand", "html-entity", "bom-before-declaration"])
def test_a_sloppy_feed_keeps_every_entry(body: bytes) -> None:
    feed = parse_feed(body)
    assert [e.url for e in feed.entries] == ["https://site.kz/a/1.html",
                                             "https://site.kz/a/2.html"]
    assert not feed.cut_off


def test_a_guid_that_is_not_a_permalink_is_not_a_url() -> None:
    body = rss('<item><title>no link</title><guid isPermaLink="false">urn:x:1</guid></item>',
               ITEM.format(title="ok", n=2))
    feed = parse_feed(body)
    assert [e.url for e in feed.entries] == ["https://site.kz/a/2.html"]
    assert feed.rejected == [("urn:x:1", "no link")]


def test_a_cut_off_feed_says_so() -> None:
    feed = parse_feed(rss(ITEM.format(title="a", n=1), ITEM.format(title="b", n=2))[:-60])
    assert feed.cut_off and feed.entries


def test_an_html_page_is_no_feed() -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>not a feed</p></body></html>")


def test_an_out_of_range_date_loses_only_the_date() -> None:
    item = ("<item><title>x</title><link>https://site.kz/a/1.html</link>"
            "<pubDate>Sun, 28 Apr 99999 07:00:00 GMT</pubDate></item>")
    (entry,) = parse_feed(rss(item)).entries
    assert entry.url == "https://site.kz/a/1.html" and entry.published is None


def test_a_gzip_bomb_sitemap_is_refused_within_the_limit() -> None:
    urls = "".join(f"<url><loc>https://site.kz/a/{n}.html</loc></url>" for n in range(50_000))
    body = gzip.compress(('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                          f'schemas/sitemap/0.9">{urls}</urlset>').encode())
    assert len(parse_sitemap(body, max_size=10_000_000).entries) == 50_000
    with pytest.raises(FeedError, match="unpacks to more than 100000 bytes"):
        parse_sitemap(body, max_size=100_000)


def test_a_sitemap_index_and_lastmod() -> None:
    body = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            b'sitemap/0.9"><sitemap><loc>https://site.kz/s1.xml</loc>'
            b"<lastmod>2024-04-28T10:00:00+05:00</lastmod></sitemap></sitemapindex>")
    sitemap = parse_sitemap(body)
    assert sitemap.is_index
    assert [(e.url, e.updated) for e in sitemap.entries] == [
        ("https://site.kz/s1.xml", "2024-04-28T05:00:00Z")]


def test_external_entities_are_never_read() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + rss('<item><title>&x;</title><link>https://site.kz/a/1.html</link></item>',
                  head=""))
    (entry,) = parse_feed(body).entries
    assert "root:" not in entry.title


def test_an_entity_bomb_is_not_expanded() -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdef", "bcdefg", strict=True))
    body = (f'<?xml version="1.0"?><!DOCTYPE r [{entities}]>'.encode()
            + rss('<item><title>&g;</title><link>https://site.kz/a/1.html</link></item>',
                  head=""))
    feed = parse_feed(body)
    assert all(len(e.title) < 1000 for e in feed.entries)
