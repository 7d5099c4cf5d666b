"""A small polite fetcher for re-checks: one request at a time, with the crawl's guards.

Why not Scrapy here: a re-check run fetches a handful of flagged URLs (each item is due at most
four times in its life), one after another, so a spider's concurrency buys nothing; Twisted's
reactor cannot be restarted in one process, which a library call, a cron job and the tests all
need; and judging "redirected to the home page" needs the redirect chain, which this fetcher
follows hop by hop itself. The crawl's rules hold on every hop: the project's User-Agent,
robots.txt read by Protego (the parser Scrapy uses), the source's proxy, no private addresses
(checked after DNS), the same host as the article, a per-host delay, a total timeout and a size
limit that fails rather than truncates.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from protego import Protego

from core.clock import utc_now
from crawler import settings as project_settings
from evidence.http import Answer, FetchFailed, Resolve, exchange
from sites.addresses import host_of, is_private_host
from sites.urls import same_host


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None  # None: no usable HTTP answer (see `error`)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    redirects: list[str] = field(default_factory=list)  # each hop's target, in order
    error: str | None = None
    fetched_at: str = ""


def _headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Response headers as a dict; repeated headers joined with ", " like Scrapy's items."""
    result: dict[str, str] = {}
    for name, value in pairs:
        result[name] = f"{result[name]}, {value}" if name in result else value
    return result


class PoliteFetcher:
    """GETs article URLs again, following redirects only where the crawl would."""

    def __init__(
        self, user_agent: str = project_settings.USER_AGENT,
        timeout: float = project_settings.DOWNLOAD_TIMEOUT,
        delay: float = project_settings.DOWNLOAD_DELAY,
        obey_robots: bool = project_settings.ROBOTSTXT_OBEY,
        max_bytes: int = project_settings.DOWNLOAD_MAXSIZE,
        max_redirects: int = project_settings.REDIRECT_MAX_TIMES,
        private_hosts: Iterable[str] = (), resolve: Resolve = socket.getaddrinfo,
    ) -> None:
        self.user_agent, self.timeout, self.delay = user_agent, timeout, delay
        self.obey_robots, self.max_bytes, self.max_redirects = obey_robots, max_bytes, max_redirects
        # Names allowed to resolve to private addresses (NEWSMON_PRIVATE_HOSTS, as the crawl).
        self.private_hosts = {h.strip().lower().rstrip(".") for h in private_hosts if h.strip()}
        self.resolve = resolve
        self.last_request: dict[str, float] = {}
        self.robots: dict[str, Protego | None] = {}

    def fetch(self, url: str, proxy: str = "") -> FetchResult:
        """One article: HTTP errors are results (status set), failures set `error`."""
        fetched_at = utc_now()
        if urlsplit(url).scheme not in ("http", "https"):
            return FetchResult(url, url, None, error="not an http(s) URL", fetched_at=fetched_at)
        host = host_of(url).lower().rstrip(".")
        # The article itself lives there (a mirror, a LAN name the operator allowed).
        allow_private = is_private_host(host) or host in self.private_hosts
        if self.obey_robots and not self.allowed(url, proxy, allow_private):
            return FetchResult(url, url, None, error="robots.txt disallows",
                               fetched_at=fetched_at)
        hops: list[str] = []
        current = url
        while True:
            try:
                answer = self._get(current, proxy, allow_private)
            except FetchFailed as exc:
                return FetchResult(url, current, None, redirects=hops, error=str(exc),
                                   fetched_at=fetched_at)
            headers = _headers(answer.headers)
            location = headers.get("Location") or headers.get("location")
            if not (300 <= answer.status < 400 and location):
                return FetchResult(url, current, answer.status, headers, answer.body, hops,
                                   None, fetched_at)
            target = urljoin(current, location)
            if problem := self._refused_hop(url, target, hops):
                return FetchResult(url, target, None, redirects=[*hops, target], error=problem,
                                   fetched_at=fetched_at)
            hops.append(target)
            current = target

    def _refused_hop(self, origin: str, target: str, hops: list[str]) -> str | None:
        """Why a redirect hop is not followed, or None."""
        if len(hops) >= self.max_redirects:
            return f"more than {self.max_redirects} redirects"
        if urlsplit(target).scheme not in ("http", "https"):
            return f"redirect to a non-http(s) URL {target}"
        if target in hops or target == origin:
            return f"redirect loop at {target}"
        if not same_host(target, origin):
            return f"redirected off the article's host to {target} (not followed)"
        return None

    def allowed(self, url: str, proxy: str = "", allow_private: bool = False) -> bool:
        """robots.txt verdict for `url` (read once per host; unreadable means allowed)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.robots:
            self.robots[host] = self._read_robots(urljoin(host, "/robots.txt"), proxy,
                                                  allow_private)
        parser = self.robots[host]
        return parser is None or parser.can_fetch(url, self.user_agent)

    def _read_robots(self, robots_url: str, proxy: str, allow_private: bool) -> Protego | None:
        try:
            answer = self._get(robots_url, proxy, allow_private)
        except FetchFailed:
            return None  # unreachable: Scrapy's choice, allow
        if answer.status in (401, 403):
            return Protego.parse("User-agent: *\nDisallow: /")
        if answer.status != 200:
            return None  # missing (4xx) or unreadable (5xx): allow, as Scrapy does
        parser = Protego.parse(answer.body.decode("utf-8", "replace"))
        if crawl_delay := parser.crawl_delay(self.user_agent):
            self.delay = max(self.delay, float(crawl_delay))
        return parser

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        wait = self.last_request.get(host, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last_request[host] = time.monotonic()

    def _get(self, url: str, proxy: str, allow_private: bool) -> Answer:
        self._wait_turn(url)
        return exchange(url, {"User-Agent": self.user_agent, "Accept-Encoding": "identity"},
                        timeout=self.timeout, max_bytes=self.max_bytes, proxy=proxy,
                        allow_private=allow_private, resolve=self.resolve)
