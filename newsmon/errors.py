"""What a job can end in, and the exit code each means (documented in the README).

Jobs raise these (or the lower floors' own configuration errors); the click layer turns them
into one line on stderr and the exit code, never a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURES = 1  # some pages or sends failed; each is recorded
EXIT_CONFIG = 2  # bad configuration or usage
EXIT_ALL_FAILED = 3  # every source failed: an outage (network, DNS, proxy), not one bad page
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; cron may simply try later


class ConfigError(Exception):
    """Bad configuration or usage: one line naming the file, entry and problem; exit 2."""
