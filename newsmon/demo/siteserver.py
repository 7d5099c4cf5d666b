"""A real HTTP server on 127.0.0.1 serving an in-memory site, for tests and the offline demo.

`pages` maps a path (with its query string, or without it to match any query) to a `Page`, or to
a callable `(query) -> Page | None` rendered on request (how 20,000-article sites stay cheap).
Pages may be changed between crawls; every request is logged for tests to assert on.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional, Union
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

DEFAULT_ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass
class Page:
    """One response. ETag/Last-Modified are added to 200s so conditional GETs can be tested."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    last_modified: float | None = None  # epoch seconds; default: when the page was created

    def __post_init__(self) -> None:
        if isinstance(self.body, str):
            self.body = self.body.encode("utf-8")
        if self.last_modified is None:
            self.last_modified = time.time()


@dataclass(frozen=True)
class Raw:
    """A route that answers on the socket itself (the tests' hostile mode: endless or cut-off
    bodies, silence, bytes no decoder likes). `answer(handler)` writes the whole response."""

    answer: Callable[[BaseHTTPRequestHandler], None]


Route = Union[Page, Raw, Callable[[dict[str, list[str]]], Optional[Page]]]  # noqa: UP007, UP045


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # with query string
    headers: dict[str, str]


def html(body: str, status: int = 200, **headers: str) -> Page:
    return Page(body, status, {"Content-Type": "text/html; charset=utf-8", **headers})


def xml(body: str, content_type: str = "application/rss+xml") -> Page:
    return Page(body, 200, {"Content-Type": f"{content_type}; charset=utf-8"})


def redirect(location: str, status: int = 301) -> Page:
    return Page(b"", status, {"Location": location})


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        site = self.server.site
        site.log_request_(LoggedRequest(self.command, self.path, dict(self.headers.items())))
        page = site.resolve(self.path)
        if isinstance(page, Raw):
            try:
                page.answer(self)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client hung up: often the point
            return
        if page.delay:
            time.sleep(page.delay)
        status, headers, body = page.status, dict(page.headers), page.body
        if status == 200:
            headers.setdefault("ETag", f'"{hashlib.sha1(body).hexdigest()[:16]}"')
            headers.setdefault("Last-Modified", formatdate(page.last_modified, usegmt=True))
            if _not_modified(self.headers, headers):
                status, body = 304, b""
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("siteserver: " + format, *args)


def _not_modified(request_headers, headers: dict[str, str]) -> bool:
    etag = request_headers.get("If-None-Match")
    if etag is not None:
        return etag == headers["ETag"]
    since = request_headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: SiteServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-answer is a test's business, not a server error."""


class SiteServer:
    """Threaded HTTP server on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, pages: MutableMapping[str, Route] | None = None,
                 robots: bytes | None = None):
        self.pages: MutableMapping[str, Route] = dict(pages or {})
        self.pages.setdefault("/robots.txt", Page(robots or DEFAULT_ROBOTS, 200,
                                                  {"Content-Type": "text/plain"}))
        self.requests: list[LoggedRequest] = []
        self.stopping = threading.Event()  # raw routes that stall watch it
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SiteServer:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_request_(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def resolve(self, raw_path: str) -> Page | Raw:
        """The page for a request path: exact path+query first, then the bare path."""
        parts = urlsplit(raw_path)
        route = self.pages.get(raw_path) or self.pages.get(parts.path)
        if isinstance(route, Raw):
            return route
        if callable(route):
            try:
                route = route(parse_qs(parts.query))
            except Exception:  # a broken fixture must show as a 500, not a hung request
                logger.exception("siteserver: rendering %s failed", raw_path)
                return Page(b"fixture error", 500)
        return route if isinstance(route, Page | Raw) else html("<h1>Not found</h1>", 404)

    def requested(self, path_prefix: str = "", method: str = "GET") -> list[LoggedRequest]:
        """Logged requests whose path starts with `path_prefix`."""
        with self._lock:
            return [r for r in self.requests if r.method == method and
                    r.path.startswith(path_prefix)]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def paths(self) -> list[str]:
        """Every requested path (with query), in order."""
        with self._lock:
            return [r.path for r in self.requests]
