"""URL rules every adapter shares: one canonical form, one host comparison."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: Query parameters that only track the click; dropped from every canonical URL.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
    "ref", "ref_src", "amp", "output", "from", "share", "sharing",
})
TRACKING_PREFIXES = ("utm_", "ns_", "at_", "pk_", "mtm_")


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


def netloc(url: str) -> str:
    """`host[:port]` as the offsite rule compares it (default ports dropped)."""
    return urlsplit(canonicalize(url)).netloc


def same_host(url: str, base_url: str) -> bool:
    """True when `url` is on the source's own host (and port)."""
    try:
        return netloc(url) == netloc(base_url)
    except ValueError:  # e.g. "http://[::1": not a URL at all
        return False


def absolute(base_url: str, href: str) -> str:
    """`href` resolved against `base_url`, fragment dropped; "" for an href that is no URL
    at all (e.g. "http://[::1"), which no host check lets through: one bad link costs only
    itself, wherever a page or feed holds it."""
    try:
        return urljoin(base_url, href.strip()).split("#", 1)[0]
    except ValueError:
        return ""


def resolvable(base_url: str, href: str) -> str | None:
    """`absolute(base_url, href)`, or None for an href that is no URL (e.g. "http://[::1")."""
    return absolute(base_url, href) or None


def with_query(url: str, **params: str | int) -> str:
    """`url` with query parameters set (replacing existing ones of the same name)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def path_key(url: str) -> str:
    """Host-independent identity of a canonical URL: its path (no trailing slash) and query."""
    parts = urlsplit(url)
    return parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def rehost(url: str, base_url: str) -> str:
    """`url`'s path and query on `base_url`'s scheme and host (a mirror's page at home)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))


def path_and_query(url: str) -> str:
    """The host-relative form of `url`: path (at least `/`) and query."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
