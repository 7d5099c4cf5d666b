"""A small polite fetcher for re-checks: stdlib urllib, one request at a time.

Why not Scrapy here: a re-check run fetches a handful of flagged URLs (each item is due at most
four times in its life), one after another, so a spider's concurrency buys nothing; Twisted's
reactor cannot be restarted in one process, which a library call, a cron job and the tests all
need; and judging "redirected to the home page" needs the redirect chain, which this opener
records directly. Politeness is kept: the project's User-Agent, robots.txt obeyed (with its
Crawl-delay), a delay between requests to the same host, a timeout and a size cap.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from crawler import settings as project_settings


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None  # None: no HTTP answer (see `error`)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    redirects: list[str] = field(default_factory=list)  # where redirects ended, if any
    error: str | None = None
    fetched_at: str = ""


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling with the crawler's hop limit."""

    max_redirections = project_settings.REDIRECT_MAX_TIMES


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _headers(message: Message) -> dict[str, str]:
    """Response headers as a dict; repeated headers joined with ", " like Scrapy's items."""
    result: dict[str, str] = {}
    for name, value in message.items():
        result[name] = f"{result[name]}, {value}" if name in result else value
    return result


class PoliteFetcher:
    """GETs URLs with the project's User-Agent, robots.txt and per-host delay."""

    def __init__(
        self, user_agent: str = project_settings.USER_AGENT,
        timeout: float = project_settings.DOWNLOAD_TIMEOUT,
        delay: float = project_settings.DOWNLOAD_DELAY,
        obey_robots: bool = project_settings.ROBOTSTXT_OBEY,
        max_bytes: int = project_settings.DOWNLOAD_MAXSIZE,
    ) -> None:
        self.user_agent, self.timeout, self.delay = user_agent, timeout, delay
        self.obey_robots, self.max_bytes = obey_robots, max_bytes
        self.opener = urllib.request.build_opener(_LimitedRedirects())
        self.last_request: dict[str, float] = {}
        self.robots: dict[str, RobotFileParser | None] = {}

    def fetch(self, url: str) -> FetchResult:
        """One GET; HTTP errors are results (status set), network errors set `error`."""
        if urlsplit(url).scheme not in ("http", "https"):
            return FetchResult(url, url, None, error="not an http(s) URL", fetched_at=utcnow())
        if self.obey_robots and not self.allowed(url):
            return FetchResult(url, url, None, error="robots.txt disallows", fetched_at=utcnow())
        return self._get(url)

    def allowed(self, url: str) -> bool:
        """robots.txt verdict for `url` (fetched once per host; unreadable means allowed)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.robots:
            self.robots[host] = self._read_robots(urljoin(host, "/robots.txt"))
        parser = self.robots[host]
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _read_robots(self, robots_url: str) -> RobotFileParser | None:
        result = self._get(robots_url)
        parser = RobotFileParser(robots_url)
        if result.status in (401, 403):
            parser.disallow_all = True
        elif result.status == 200:
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
            crawl_delay = parser.crawl_delay(self.user_agent)
            if crawl_delay:
                self.delay = max(self.delay, float(crawl_delay))
        else:
            return None  # missing (4xx) or unreadable (5xx, network): Scrapy's choice, allow
        return parser

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        wait = self.last_request.get(host, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last_request[host] = time.monotonic()

    def _get(self, url: str) -> FetchResult:
        self._wait_turn(url)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        fetched_at = utcnow()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return self._result(url, response, response.status, fetched_at)
        except urllib.error.HTTPError as exc:  # 4xx/5xx: a real answer, kept as evidence
            with exc:
                return self._result(url, exc, exc.code, fetched_at)
        except OSError as exc:  # URLError, refused, reset, timeout
            reason = getattr(exc, "reason", exc)
            return FetchResult(url, url, None, error=f"{type(exc).__name__}: {reason}",
                               fetched_at=fetched_at)

    def _result(self, url: str, response, status: int, fetched_at: str) -> FetchResult:  # noqa: ANN001
        body = response.read(self.max_bytes + 1)[: self.max_bytes]
        final_url = response.geturl() or url
        redirects = [final_url] if final_url != url else []
        return FetchResult(url, final_url, status, _headers(response.headers), body,
                           redirects, None, fetched_at)
