"""Where a fetcher may go: never onto loopback, private or link-local networks from a public
source. Shared by the crawl's downloader middleware and the evidence re-check."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: Host names that always mean "this machine", whatever DNS says.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_private_address(address: str) -> bool:
    """True for an IP literal that is not a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local, reserved and unspecified IPs and local names."""
    host = host.strip("[]").lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    return is_private_address(host)


def host_of(url: str) -> str:
    """The host of `url` ("" when it has none or is not a URL)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def private_target_refused(url: str, source_base_url: str) -> str | None:
    """Why `url` must not be fetched for a source at `source_base_url`, or None if it may.

    A source that itself lives on a private or loopback address (a local mirror, the tests)
    may be fetched there; a public source must never lead the fetcher to one.
    """
    host, source_host = host_of(url), host_of(source_base_url)
    if not is_private_host(host) or is_private_host(source_host):
        return None
    return f"refused: {host} is a private or loopback address and the source is on {source_host}"
