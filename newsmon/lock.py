"""A run lock for cron: a second run while one is going exits at once; a crash releases it.

`fcntl.flock` locks belong to the open file, so the kernel drops them when the process
dies, however it dies: no stale lock files to clean up by hand. The lock file says which
command holds it, so the message a locked-out command prints names the right one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another newsmon run holds the lock."""


def lock_path_for(db_path: str, holder: str = "") -> Path:
    """The lock sits beside the database: one lock per database (and per `holder`, if named)."""
    suffix = f".{holder}" if holder else ""
    return Path(f"{os.path.abspath(db_path)}{suffix}.lock")


@contextmanager
def run_lock(db_path: str, command: str, holder: str = "") -> Iterator[None]:
    """Hold the database's run lock for the block as `newsmon <command>`, or raise at once.

    `holder` names a lock of its own, for processes that may share the database on purpose
    (scale-out workers, the digest): each still cannot run twice.
    """
    path = lock_path_for(db_path, holder)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            raise AlreadyRunning(
                f"newsmon {command}: another run is in progress ({owner}); lock {path}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, newsmon {command}")
        handle.flush()
        yield
    finally:
        handle.close()
