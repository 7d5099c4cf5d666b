"""Password hashing off the event loop: PBKDF2 on a few threads with a short queue (hashlib
releases the GIL), and a decoy hash so an unknown user costs as much as a wrong password."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from datasette_auth_passwords.utils import hash_password, verify_password

#: Attempts allowed to wait for a hashing thread, per thread.
QUEUE_PER_THREAD = 4
#: Compared against when the user does not exist, so the answer takes as long either way.
DECOY_SALT = "newsmon-no-such-user"
DECOY_DIGEST = "A" * 43 + "="


class PasswordHasher:
    """Bounded, threaded PBKDF2: `verify`/`make` return None when too many are waiting."""

    def __init__(self, threads: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsmon-login")
        self.limit = threads * (1 + QUEUE_PER_THREAD)
        self.in_flight = 0

    async def _run(self, fn: Any, *args: Any) -> Any:
        if self.in_flight >= self.limit:
            return None
        self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)
        finally:
            self.in_flight -= 1

    async def verify(self, password: str, password_hash: str) -> bool | None:
        return await self._run(verify_password, password, password_hash)

    async def make(self, password: str) -> str | None:
        return await self._run(hash_password, password)


def decoy_hash(users: dict[str, str]) -> str:
    """A hash no password matches, as costly as the users' own."""
    iterations = max((int(h.split("$")[1]) for h in users.values()), default=480000)
    return f"pbkdf2_sha256${iterations}${DECOY_SALT}${DECOY_DIGEST}"
