"""Turn a request failure into the short, clear reason recorded in `crawl_errors`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

#: Failure type -> reason template (`{host}`, `{timeout}` filled in).
REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (CannotResolveHostError, "DNS lookup failed for {host}"),
    (DNSLookupError, "DNS lookup failed for {host}"),
    (DownloadTimeoutError, "timeout after {timeout}s"),
    (TimeoutError, "timeout after {timeout}s"),
    (DownloadConnectionRefusedError, "connection refused by {host}"),
    (ResponseDataLossError, "response cut short (data loss)"),
    (DownloadFailedError, "download failed"),
    (TCPTimedOutError, "TCP connection timed out"),
    (ConnectionRefusedError, "connection refused by {host}"),
    (ConnectionLost, "connection lost"),
    (ResponseNeverReceived, "no response (connection dropped)"),
    (ResponseFailed, "response failed (connection dropped mid-body)"),
)


def failure_reason(failure: Any, request: Request) -> str:
    """`HTTP 404`, `timeout after 30s`, `DNS lookup failed for x`, `offsite: ...`, ..."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request ignored"
        return "disallowed by robots.txt" if "robots.txt" in text.lower() else text
    if isinstance(exc, DownloadCancelledError):  # Scrapy's DOWNLOAD_MAXSIZE cut (may be blank)
        detail = str(exc).split(" in request ")[0] or "the body passed the limit mid-stream"
        return f"too large (DOWNLOAD_MAXSIZE): {detail}"
    host = urlsplit(request.url).hostname or request.url
    if isinstance(exc, CannotResolveHostError | DNSLookupError) and "refused: " in str(exc):
        # the private-address guard's answer (crawler/downloadermiddlewares/private.py)
        return str(exc)[str(exc).index("refused: "):].rstrip(".")
    seconds = request.meta.get("download_timeout")
    timeout = f"{seconds:g}" if isinstance(seconds, int | float) else "?"
    for kind, template in REASONS:
        if isinstance(exc, kind):
            return template.format(host=host, timeout=timeout)
    return f"{type(exc).__name__}: {exc}"[:200]


def is_http_status(failure: Any, status: int) -> bool:
    """True when the failure is an HTTP error response with `status`."""
    return isinstance(failure.value, HttpError) and failure.value.response.status == status


def content_type(response: Any) -> str:
    """The response's Content-Type, for failure reasons."""
    return (response.headers.get("Content-Type") or b"").decode("latin-1") or "no Content-Type"
