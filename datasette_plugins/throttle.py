"""Login throttling: a client that keeps failing to log in is refused for a while.

Every attempt counts as a failure from the moment it starts until it succeeds, so parallel
guesses cannot slip past the limit while their passwords are still being hashed. After
`NEWSMON_LOGIN_MAX_FAILURES` (default 10) within `NEWSMON_LOGIN_WINDOW` seconds (default 600)
the client gets 429 with Retry-After; a success clears its count. The client is the TCP peer:
`X-Forwarded-For` counts only from a proxy listed in NEWSMON_TRUSTED_PROXIES (docs/triage.md).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

#: Clients tracked at most; past it the stalest are forgotten (memory stays bounded when
#: many addresses each fail once).
MAX_TRACKED = 10_000


class LoginThrottle:
    """Failed (and pending) login attempts per client within a sliding window."""

    def __init__(self, max_failures: int = 10, window: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self.failures: dict[str, deque[float]] = {}

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

    def begin(self, client: str) -> bool:
        """Start an attempt: False if the client is blocked, else counted as failed for now."""
        if self.blocked(client):
            return False
        self._fail(client)
        return True

    def succeeded(self, client: str) -> None:
        """The attempt was right: forget the client's failures."""
        self.failures.pop(client, None)

    def record(self, client: str, status: int) -> None:
        """A 302 is a successful login (clears the count); a 200 re-shows the form: failure."""
        if status == 302:
            self.succeeded(client)
        elif status == 200:
            self._fail(client)

    def _fail(self, client: str) -> None:
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
