"""One guarded HTTP exchange for the re-check: checked address, total deadline, bounded body.

The crawl's guards hold here too: a host that is (or resolves to) a private address is refused
unless the article itself lives on one, and the connection goes to the address that was
checked (no second DNS answer between check and connect). The deadline covers the whole
exchange, so a server dripping a byte a second cannot hold a run; a body that passes the size
limit or arrives cut short is a failure, never evidence.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sites.addresses import is_private_address, is_private_host

CHUNK = 64 * 1024
#: socket.getaddrinfo's signature; tests pass their own to stand in for DNS.
Resolve = Callable[..., list[tuple[Any, ...]]]


class FetchFailed(Exception):
    """No usable answer; the message is the reason recorded."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def resolve_public(host: str, port: int, allow_private: bool,
                   resolve: Resolve = socket.getaddrinfo) -> str:
    """An address of `host` to connect to; FetchFailed when it is private and not allowed."""
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"DNS lookup failed for {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not allow_private and any(is_private_address(a) for a in addresses):
        raise FetchFailed(f"refused: {host} resolves to a private address")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, certificate verified for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def _connection(url: str, proxy: str, allow_private: bool, timeout: float,
                resolve: Resolve = socket.getaddrinfo) -> tuple[http.client.HTTPConnection, str]:
    """A connection for `url` (through `proxy` if set) and the request target to send."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if proxy:  # the operator's proxy resolves names; literal private targets are checked above
        proxy_parts = urlsplit(proxy)
        proxy_port = proxy_parts.port or 8080
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(proxy_parts.hostname, proxy_port, timeout=timeout)
            conn.set_tunnel(host, port)
            return conn, target
        return http.client.HTTPConnection(proxy_parts.hostname, proxy_port,
                                          timeout=timeout), url
    if is_private_host(host) and not allow_private:
        raise FetchFailed(f"refused: {host} is a private or loopback address")
    address = resolve_public(host, port, allow_private, resolve)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    return kind(host, address, port, timeout), target


def _remaining(conn: http.client.HTTPConnection, deadline: float, timeout: float) -> None:
    """Bound the next socket operation by what is left of the deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed(f"timeout after {timeout:g}s (the whole answer)")
    if conn.sock is not None:
        conn.sock.settimeout(left)


def _read_body(conn: http.client.HTTPConnection, response: http.client.HTTPResponse,
               deadline: float, timeout: float, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while True:
        _remaining(conn, deadline, timeout)
        try:
            chunk = response.read1(CHUNK)
        except http.client.IncompleteRead:
            raise FetchFailed("response cut short (incomplete body)") from None
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchFailed(f"body larger than the limit of {max_bytes} bytes")
        chunks.append(chunk)
    if time.monotonic() >= deadline:  # the watchdog ended the connection mid-body
        raise FetchFailed(f"timeout after {timeout:g}s (the whole answer)")
    body = b"".join(chunks)
    expected = (response.getheader("Content-Length") or "").strip()
    if expected.isascii() and expected.isdigit() and int(expected) != len(body):
        raise FetchFailed(f"response cut short ({len(body)} of {expected} bytes)")
    return body


def exchange(url: str, headers: dict[str, str], *, timeout: float, max_bytes: int,
             proxy: str = "", allow_private: bool = False,
             resolve: Resolve = socket.getaddrinfo) -> Answer:
    """GET `url` once (no redirects followed); FetchFailed with the reason on any failure."""
    deadline = time.monotonic() + timeout
    conn, target = _connection(url, proxy, allow_private, timeout, resolve)
    # Socket timeouts bound each read; this bounds the whole exchange, headers included (a
    # server dripping header lines one byte at a time): past the deadline the socket is shut.
    watchdog = threading.Timer(timeout, _shut, [conn])
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("GET", target, headers=headers)
        _remaining(conn, deadline, timeout)
        response = conn.getresponse()
        body = _read_body(conn, response, deadline, timeout, max_bytes)
        return Answer(response.status, response.getheaders(), body)
    except FetchFailed:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
            raise FetchFailed(f"timeout after {timeout:g}s (the whole answer)") from None
        raise FetchFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
    finally:
        watchdog.cancel()
        conn.close()


def _shut(conn: http.client.HTTPConnection) -> None:
    """The deadline passed: end the connection, whatever it is waiting for."""
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
