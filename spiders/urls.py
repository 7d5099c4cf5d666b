"""Canonical URL rules as data: one article, one key, whatever address it was found under."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: Query parameters that only track the click; dropped from every canonical URL.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
    "ref", "ref_src", "amp", "output", "from", "share", "sharing",
})
TRACKING_PREFIXES = ("utm_", "ns_", "at_", "pk_", "mtm_")

#: Pangea: `/a/<slug>/<id>.html`, `/a/<id>.html`, `/amp/<id>.html` (+ language prefixes seen on
#: some services, e.g. `/ru/a/...`) are one article; the numeric id is the key.
PANGEA_ARTICLE = re.compile(r"^(?:/[a-z]{2})?/(?:a|amp)/(?:(?P<slug>[^/]+)/)?(?P<id>\d+)\.html$")
#: Pangea section listing `/z/<id>` (paginated with `?p=N`).
PANGEA_SECTION = re.compile(r"^/z/\d+/?$")

#: WordPress: `?p=ID` is the short link of a post; `/amp/` and `/embed/` are alternate views.
WP_SHORTLINK_PARAM = "p"
WP_ALT_VIEW = re.compile(r"/(?:amp|embed|feed)/?$")
#: WordPress URLs that are never articles.
WP_NON_ARTICLE = re.compile(
    r"^/(?:category|tag|author|page|feed|comments|wp-json|wp-admin|wp-content|wp-includes|search)"
    r"(?:/|$)|/page/\d+/?$|/feed/?$"
)
WP_DATE_PERMALINK = re.compile(r"^/\d{4}/\d{2}/(?:\d{2}/)?[^/]+/?$")


def _drop_tracking(query: str) -> str:
    pairs = [
        (k, v) for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlencode(pairs)


def canonicalize(url: str) -> str:
    """Lower-case scheme/host, no default port, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme, netloc.rpartition(":")[2]) in {("http", "80"), ("https", "443")}:
        netloc = netloc.rpartition(":")[0]
    return urlunsplit((scheme, netloc, parts.path or "/", _drop_tracking(parts.query), ""))


def pangea_id(url: str) -> str | None:
    """The numeric article id of a Pangea article URL, or None if it is not one."""
    match = PANGEA_ARTICLE.match(urlsplit(url).path)
    return match.group("id") if match else None


def pangea_slug(url: str) -> str | None:
    """The slug part of `/a/<slug>/<id>.html`, if present."""
    match = PANGEA_ARTICLE.match(urlsplit(url).path)
    return match.group("slug") if match and not urlsplit(url).path.startswith("/amp/") else None


def pangea_canonical(base_url: str, article_id: str, slug: str | None = None) -> str:
    """The canonical Pangea article URL on `base_url`'s host."""
    path = f"/a/{slug}/{article_id}.html" if slug else f"/a/{article_id}.html"
    return canonicalize(urljoin(base_url, path))


def wp_post_id(url: str) -> str | None:
    """The post id of a WordPress short link (`/?p=123`), or None."""
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return None
    value = dict(parse_qsl(parts.query)).get(WP_SHORTLINK_PARAM, "")
    return value if value.isdigit() else None


def wp_canonical(url: str) -> str:
    """A WordPress permalink without its `/amp/` view suffix or tracking parameters."""
    url = canonicalize(url)
    parts = urlsplit(url)
    path = WP_ALT_VIEW.sub("/", parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def is_wp_article(url: str) -> bool:
    """True for a WordPress URL that can be a post (not an archive, feed or asset)."""
    parts = urlsplit(url)
    if wp_post_id(url):
        return True
    return parts.path not in ("", "/") and not WP_NON_ARTICLE.search(parts.path)


def canonical_url(url: str, adapter: str) -> str:
    """The canonical form of an article URL for `adapter`."""
    if adapter == "pangea" and (article_id := pangea_id(url)):
        return pangea_canonical(url, article_id, pangea_slug(url))
    if adapter == "wordpress":
        return wp_canonical(url)
    return canonicalize(url)


def article_key(url: str, adapter: str) -> str:
    """Host-independent identity of an article: what `known` and `seen` sets hold."""
    if adapter == "pangea" and (article_id := pangea_id(url)):
        return f"pangea:{article_id}"
    if adapter == "wordpress" and (post_id := wp_post_id(url)):
        return f"wp:{post_id}"
    parts = urlsplit(canonical_url(url, adapter))
    return parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def netloc(url: str) -> str:
    """`host[:port]` as the offsite rule compares it (default ports dropped)."""
    return urlsplit(canonicalize(url)).netloc


def same_host(url: str, base_url: str) -> bool:
    """True when `url` is on the source's own host (and port)."""
    return netloc(url) == netloc(base_url)


def absolute(base_url: str, href: str) -> str:
    """`href` resolved against `base_url`, fragment dropped."""
    return urljoin(base_url, href.strip()).split("#", 1)[0]


def with_query(url: str, **params: str | int) -> str:
    """`url` with query parameters set (replacing existing ones of the same name)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
