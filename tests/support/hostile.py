"""Hostile routes for `SiteServer`: the raw socket behaviour a `Page` cannot fake.

Each builder returns a `Raw` route that answers on the handler itself, so a test can send a
20 MB body, an endless chunked stream, nothing at all, a cut-off body, or bytes no decoder
likes, from the same fixture server every other test uses.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from newsmon.demo.siteserver import Raw

CHUNK = 64 * 1024


def _head(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    h.send_response(status)
    for name, value in headers.items():
        h.send_header(name, value)
    h.end_headers()


def _stopping(h: BaseHTTPRequestHandler):  # noqa: ANN202 - threading.Event
    return h.server.site.stopping


def page(body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> Raw:
    """A complete response with Content-Length, exactly these headers (no ETag added);
    content_type "" sends no Content-Type at all."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(h: BaseHTTPRequestHandler) -> None:
        head = {"Content-Length": str(len(data)), **(headers or {})}
        if content_type:
            head["Content-Type"] = content_type
        _head(h, status, head)
        h.wfile.write(data)

    return Raw(answer)


def redirect(location: str, status: int = 302) -> Raw:
    return page(b"", status, headers={"Location": location})


def huge(size: int, filler: bytes = b"<p>" + b"x" * 1020 + b"</p>\n") -> Raw:
    """A `size`-byte HTML page with an honest Content-Length, streamed until the client quits."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _head(h, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(size)})
        sent, block = 0, filler * (CHUNK // len(filler) + 1)
        while sent < size and not _stopping(h).is_set():
            part = block[: min(CHUNK, size - sent)]
            h.wfile.write(part)
            sent += len(part)

    return Raw(answer)


def endless_chunked(limit: int = 256 * 1024 * 1024) -> Raw:
    """Chunked HTML that never ends (stops at `limit` bytes so a broken client can't hang CI)."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _head(h, 200, {"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked"})
        block = b"<p>" + b"y" * (CHUNK - 7) + b"</p>\n"
        sent = 0
        while sent < limit and not _stopping(h).is_set():
            h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            sent += len(block)
        h.wfile.write(b"0\r\n\r\n")

    return Raw(answer)


def cut_short(body: bytes | str, declared: int) -> Raw:
    """Announce `declared` bytes, send fewer, hang up: a truncated answer."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _head(h, 200, {"Content-Type": "text/html; charset=utf-8",
                       "Content-Length": str(declared)})
        h.wfile.write(data)
        h.wfile.flush()

    return Raw(answer)


def drip(body: bytes | str, every: float) -> Raw:
    """Send the body one byte every `every` seconds (each read is quick; the whole is not)."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _head(h, 200, {"Content-Type": "text/html; charset=utf-8",
                       "Content-Length": str(len(data))})
        for byte in data:
            if _stopping(h).wait(every):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    return Raw(answer)


def silent(seconds: float = 120) -> Raw:
    """Accept the connection, read the request, never answer (until the server stops)."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _stopping(h).wait(seconds)

    return Raw(answer)


def slow(route: Raw, seconds: float) -> Raw:
    """`route`, after a pause: pages slow enough to kill a crawl in the middle of."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        if not _stopping(h).wait(seconds):
            route.answer(h)

    return Raw(answer)
