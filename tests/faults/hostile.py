"""A hostile HTTP server on 127.0.0.1: the raw socket behaviour SiteServer cannot fake.

Each route is a function that answers on the handler itself, so a test can send a 20 MB body,
an endless chunked stream, nothing at all, or bytes no decoder likes. Every request path is
logged so tests can assert what the crawler did (and did not) ask for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["HostileHandler"], None]
CHUNK = 64 * 1024


class HostileHandler(BaseHTTPRequestHandler):
    """Looks the path up in the server's routes; unknown paths are a plain 404."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        site = self.server.site
        site.log(self.path)
        route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
        try:
            (route or page(b"not here", 404))(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler hung up: exactly what we want

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the test asserts on `HostileServer.paths`, not on stderr."""

    def head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: HostileServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-answer are the point of this server, not an error."""


class HostileServer:
    """Threaded server on a free loopback port; `routes` maps path -> Route."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.routes.setdefault("/robots.txt", page(b"User-agent: *\nAllow: /\n",
                                                   content_type="text/plain"))
        self.paths: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), HostileHandler)
        self._server.site = self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def log(self, path: str) -> None:
        with self._lock:
            self.paths.append(path)

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


def page(body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> Route:
    """A complete response with Content-Length (content_type "" sends no Content-Type)."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(h: HostileHandler) -> None:
        head = {"Content-Length": str(len(data)), **(headers or {})}
        if content_type:
            head["Content-Type"] = content_type
        h.head(status, head)
        h.wfile.write(data)

    return answer


def redirect(location: str, status: int = 302) -> Route:
    return page(b"", status, headers={"Location": location})


def huge(size: int, filler: bytes = b"<p>" + b"x" * 1020 + b"</p>\n") -> Route:
    """A `size`-byte HTML page with an honest Content-Length, streamed until the client quits."""
    def answer(h: HostileHandler) -> None:
        h.close_connection = True
        h.head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(size)})
        sent, block = 0, filler * (CHUNK // len(filler) + 1)
        while sent < size and not h.server.site.stopping.is_set():
            part = block[: min(CHUNK, size - sent)]
            h.wfile.write(part)
            sent += len(part)

    return answer


def endless_chunked(limit: int = 256 * 1024 * 1024) -> Route:
    """Chunked HTML that never ends (stops at `limit` bytes so a broken client can't hang CI)."""
    def answer(h: HostileHandler) -> None:
        h.close_connection = True
        h.head(200, {"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked"})
        block = b"<p>" + b"y" * (CHUNK - 7) + b"</p>\n"
        sent = 0
        while sent < limit and not h.server.site.stopping.is_set():
            h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            sent += len(block)
        h.wfile.write(b"0\r\n\r\n")

    return answer


def silent(seconds: float = 120) -> Route:
    """Accept the connection, read the request, never answer (until the server stops)."""
    def answer(h: HostileHandler) -> None:
        h.close_connection = True
        h.server.site.stopping.wait(seconds)

    return answer


def slow(route: Route, seconds: float) -> Route:
    """`route`, after a pause: pages slow enough to kill a crawl in the middle of."""
    def answer(h: HostileHandler) -> None:
        if not h.server.site.stopping.wait(seconds):
            route(h)

    return answer
