"""Never wander onto private networks: refuse requests, redirects and DNS answers that lead to
private addresses, and send every request of a source (robots.txt included) through its proxy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from sites.addresses import host_of, is_private_address, is_private_host, private_target_refused

logger = logging.getLogger(__name__)


class PrivateAddressRefused(DNSLookupError):
    """A host name answered with a private address: the connection is never made."""


@implementer(IResolverSimple)
class GuardedResolver:
    """The reactor's name resolver, refusing private answers for names not allowed them.

    A public source's host (or any name) that DNS maps to 127.0.0.1, 10.x or 169.254.169.254 is
    refused here, where the connection's own lookup happens, so no second answer can differ
    from the checked one. Names private by themselves (`localhost`, IP literals) are the
    request guard's business; `NEWSMON_PRIVATE_HOSTS` and the sources' proxies may resolve
    privately on purpose.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.allowed: set[str] = set()

    def allow(self, hosts: Iterable[str]) -> None:
        self.allowed.update(h.strip().lower().rstrip(".") for h in hosts if h and h.strip())

    def may_be_private(self, name: str) -> bool:
        host = name.strip("[]").lower().rstrip(".")
        return host in self.allowed or is_private_host(host)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred:  # noqa: N802
        def check(address: str) -> str:
            if is_private_address(address) and not self.may_be_private(name):
                raise PrivateAddressRefused(
                    f"refused: {name} resolves to a private address ({address})")
            return address

        return self.inner.getHostByName(name, timeout).addCallback(check)


def guard_reactor(reactor: Any, allowed: Iterable[str]) -> GuardedResolver:
    """Install (once) a GuardedResolver around the reactor's resolver; allow `allowed`."""
    guard = reactor.resolver
    if not isinstance(guard, GuardedResolver):
        guard = GuardedResolver(reactor.resolver)
        reactor.installResolver(guard)
    guard.allow(allowed)
    return guard


class PrivateAddressMiddleware:
    """Refuse a request whose host is private unless the source itself lives there.

    Checked for every request, so each redirect hop is checked too; the IgnoreRequest
    reaches the request's errback and becomes a recorded failure. DNS answers are checked by
    the GuardedResolver it installs when the spider opens.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.guard: GuardedResolver | None = None  # installed when the spider opens

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        from twisted.internet import reactor

        source = getattr(spider, "source", None)
        allowed = list(self.crawler.settings.getlist("NEWSMON_PRIVATE_HOSTS"))
        if proxy := getattr(source, "proxy", ""):
            allowed.append(host_of(proxy))  # the operator's proxy may well be on the LAN
        self.guard = guard_reactor(reactor, allowed)

    async def process_request(self, request: Request) -> None:
        source = getattr(self.crawler.spider, "source", None)
        if proxy := getattr(source, "proxy", ""):
            request.meta["proxy"] = proxy  # robots.txt and every request, not only the spider's
        base_url = getattr(source, "base_url", "")
        if not base_url:
            return
        reason = private_target_refused(request.url, base_url)
        if reason is None and not proxy:  # behind a proxy, the proxy resolves names
            reason = await self.resolves_privately(host_of(request.url))
        if reason:
            self.crawler.stats.inc_value("newsmon/private_refused")
            origin = (request.meta.get("redirect_urls") or [request.url])[0]
            raise IgnoreRequest(reason + (f" (redirected from {origin})"
                                          if origin != request.url else ""))

    async def resolves_privately(self, host: str) -> str | None:
        """The refusal when `host` resolves to a private address it may not have, else None.

        The same answer the connection gets (the resolver caches it, and the GuardedResolver
        refuses it again there); checked here so the failure says why.
        """
        guard = self.guard
        if guard is None or not host or guard.may_be_private(host):
            return None
        try:
            address = await maybe_deferred_to_future(guard.inner.getHostByName(host))
        except Exception:  # noqa: BLE001 - a failed lookup fails the download, recorded there
            return None
        if is_private_address(address):
            return f"refused: {host} resolves to a private address ({address})"
        return None
