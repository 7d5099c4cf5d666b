"""Feed and sitemap discovery as pure functions of what the site serves.

Where sites say where their feeds are: `<link rel="alternate" type="application/rss+xml">` in
a page's head (every Pangea page names its top-stories `/api/`; WordPress core names `/feed/`
and the comments feed), a page listing feeds (Pangea's `/rssfeeds`, zone feeds with opaque
`/api/z…` codes), a CMS convention (WordPress `/feed/`); sitemaps in robots.txt `Sitemap:`
lines and `<link rel="sitemap">` (Pangea's, whose `type` wrongly says RSS). The spider fetches
the pages; these functions read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from parsel import Selector

from sites import urls

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml")
#: How a link was found -> rank (lower is tried first when one feed must be chosen).
RANK = {"link": 0, "convention": 1, "feed list": 2,
        "robots": 0, "link sitemap": 1, "convention sitemap": 2}
MAX_TITLE = 200


@dataclass(frozen=True)
class Found:
    """A feed or sitemap a site names, where it was named, and the title it gave."""

    url: str  # absolute
    kind: str  # "feed" | "sitemap"
    how: str  # a key of RANK
    title: str = ""
    where: str = ""  # the page that named it

    @property
    def rank(self) -> int:
        return RANK.get(self.how, 9)


def _rels(value: str) -> set[str]:
    return {token.lower() for token in value.split()}


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TITLE]


def page_links(html: str, page_url: str, accept: Callable[[str], bool]) -> list[Found]:
    """Feeds (`rel=alternate` with a feed type) and sitemaps (`rel=sitemap`) a page names."""
    found = []
    for link in Selector(text=html).css("link[rel][href]"):
        rels, kind = _rels(link.attrib["rel"]), link.attrib.get("type", "").lower().split(";")[0]
        url = urls.absolute(page_url, link.attrib["href"])
        if not urls.same_host(url, page_url):
            continue
        if "sitemap" in rels:
            found.append(Found(url, "sitemap", "link sitemap", where=page_url))
        elif "alternate" in rels and kind.strip() in FEED_TYPES and accept(url):
            found.append(Found(url, "feed", "link", _clean(link.attrib.get("title", "")),
                               page_url))
    return found


def feed_list(html: str, page_url: str, accept: Callable[[str], bool]) -> list[Found]:
    """Feeds a feed-list page links to (Pangea `/rssfeeds`), in page order, with their names."""
    found = []
    for anchor in Selector(text=html).css("a[href]"):
        url = urls.absolute(page_url, anchor.attrib["href"])
        if urls.same_host(url, page_url) and accept(url) and url != page_url:
            title = _clean(" ".join(anchor.css("::text").getall()) or anchor.attrib.get(
                "title", ""))
            found.append(Found(url, "feed", "feed list", title, page_url))
    return found


def robots_sitemaps(text: str, robots_url: str) -> list[Found]:
    """`Sitemap:` lines of a robots.txt on the same host."""
    found = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            url = urls.absolute(robots_url, value.strip())
            if urls.same_host(url, robots_url):
                found.append(Found(url, "sitemap", "robots", where=robots_url))
    return found


def ranked(found: Iterable[Found]) -> list[Found]:
    """One entry per URL (its best-ranked finding, the first title seen), best first."""
    best: dict[tuple[str, str], Found] = {}
    for item in found:
        key = (item.kind, urls.canonicalize(item.url))
        if key not in best:
            best[key] = item
        elif item.rank < best[key].rank:
            best[key] = replace(item, title=item.title or best[key].title)
    order = {key: index for index, key in enumerate(best)}
    return sorted(best.values(), key=lambda f: (f.kind != "feed", f.rank,
                                                order[(f.kind, urls.canonicalize(f.url))]))
