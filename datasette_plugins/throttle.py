"""Login throttling: a client that keeps failing to log in is refused for a while.

datasette-auth-passwords answers a failed login with the form again (200) and a good one with
a redirect (302); neither limits guessing. This wrapper counts failed POSTs to `/-/login` per
client address and answers 429 once `NEWSMON_LOGIN_MAX_FAILURES` (default 10) fell within
`NEWSMON_LOGIN_WINDOW` seconds (default 600). A success clears the client's count.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any

LOGIN_PATH = "/-/login"
#: Clients tracked at most; past it the stalest are forgotten (memory stays bounded when
#: many addresses each fail once).
MAX_TRACKED = 10_000


class LoginThrottle:
    """Failed login attempts per client within a sliding window."""

    def __init__(self, max_failures: int = 10, window: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self.failures: dict[str, deque[float]] = {}

    @classmethod
    def from_env(cls) -> LoginThrottle:
        return cls(int(os.environ.get("NEWSMON_LOGIN_MAX_FAILURES", "10")),
                   float(os.environ.get("NEWSMON_LOGIN_WINDOW", "600")))

    def _recent(self, client: str) -> deque[float]:
        stamps = self.failures.get(client) or deque()
        while stamps and stamps[0] <= self.clock() - self.window:
            stamps.popleft()
        return stamps

    def blocked(self, client: str) -> bool:
        recent = self._recent(client)
        if not recent:
            self.failures.pop(client, None)  # nothing left to remember about this client
        return len(recent) >= self.max_failures

    def record(self, client: str, status: int) -> None:
        """A 302 is a successful login (clears the count); a 200 re-shows the form: failure."""
        if status == 302:
            self.failures.pop(client, None)
        elif status == 200:
            stamps = self._recent(client)
            stamps.append(self.clock())
            self.failures[client] = stamps
            if len(self.failures) > MAX_TRACKED:
                self.forget_stalest()

    def forget_stalest(self) -> None:
        """Drop expired clients, then the ones whose last failure is oldest, to MAX_TRACKED."""
        for client in [c for c in self.failures if not self._recent(c)]:
            del self.failures[client]
        excess = len(self.failures) - MAX_TRACKED
        if excess > 0:
            for client in sorted(self.failures, key=lambda c: self.failures[c][-1])[:excess]:
                del self.failures[client]


def throttle_middleware(app: Any, throttle: LoginThrottle | None = None) -> Any:
    """ASGI wrapper enforcing `throttle` on POST /-/login."""
    throttle = throttle or LoginThrottle.from_env()

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if not (scope.get("type") == "http" and scope.get("method") == "POST"
                and scope.get("path") == LOGIN_PATH):
            await app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if throttle.blocked(client):
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"retry-after", str(int(throttle.window)).encode())]})
            await send({"type": "http.response.body",
                        "body": b"Too many failed logins; try again later.\n"})
            return

        async def send_counted(message: Any) -> None:
            if message.get("type") == "http.response.start":
                throttle.record(client, int(message.get("status", 0)))
            await send(message)

        await app(scope, receive, send_counted)

    return wrapped
