"""Loopback addresses for servers the tests start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_url(path: str = "/") -> str:
    """A URL on a loopback port nothing listens on (connection refused)."""
    return f"http://127.0.0.1:{free_port()}{path}"
