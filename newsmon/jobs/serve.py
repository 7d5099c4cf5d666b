"""The serve job: Datasette 0.65 on the database with newsmon's metadata, plugin and templates.

Datasette runs as a child process (`python -m datasette serve ...`) so the same argv can be
started by `newsmon demo` and the tests; this process forwards SIGTERM/SIGINT to it once and
exits with its status.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from types import FrameType

from datasette_plugins import METADATA_PATH, PACKAGE_DIR, PLUGINS_DIR, TEMPLATES_DIR
from datasette_plugins.access import (
    UsersError,
    anonymous_mode,
    load_users,
    login_settings,
    trusted_proxies,
)
from datasette_plugins.state import METADATA_ENV
from newsmon.errors import ConfigError
from store import connect

logger = logging.getLogger(__name__)


def datasette_args(
    db_path: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8001,
    metadata: str | os.PathLike[str] | None = None, extra: tuple[str, ...] = (),
) -> list[str]:
    """The full argv (python first) that serves `db_path` the way `newsmon serve` does."""
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port),
        "--metadata", str(metadata or METADATA_PATH),
        "--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATES_DIR),
        "--setting", "sql_time_limit_ms", "5000",
        # Suggested facets try every column on every table page: seconds at a million rows.
        "--setting", "suggest_facets", "off",
        *extra,
    ]


def datasette_env(anonymous: str | None = None,
                  metadata: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The child's environment: our packages importable, anonymous mode, a stable secret,
    and the metadata file (the plugin lends its "newsmon" section to the served file)."""
    env = dict(os.environ)
    env[METADATA_ENV] = str(metadata or METADATA_PATH)
    root = str(PACKAGE_DIR.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if anonymous is not None:
        env["NEWSMON_ANONYMOUS"] = anonymous
    if env.get("NEWSMON_SECRET"):
        # Without a fixed secret every restart logs everybody out.
        env["DATASETTE_SECRET"] = env["NEWSMON_SECRET"]
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, so any local client could
    # pose as a new address to the login throttle: only configured proxies are believed.
    try:
        env["FORWARDED_ALLOW_IPS"] = ",".join(trusted_proxies(env))
    except UsersError:
        env["FORWARDED_ALLOW_IPS"] = ""  # reported by check_access_config
    return env


def check_access_config(env: dict[str, str]) -> int:
    """Validate NEWSMON_USERS(_FILE), NEWSMON_ANONYMOUS and the login limits; return the
    number of accounts."""
    try:
        anonymous_mode(env)
        login_settings(env)
        return len(load_users(env))
    except UsersError as exc:
        raise ConfigError(str(exc)) from exc


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM if `newsmon serve` itself is killed."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_datasette(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start Datasette in its own session, so a terminal's Ctrl-C reaches it only through us."""
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    return subprocess.Popen(args, env=env, start_new_session=True, preexec_fn=preexec)


def run_until_stopped(child: subprocess.Popen[bytes]) -> int:
    """Forward SIGTERM/SIGINT to `child` (as SIGTERM, a graceful stop) and wait for it."""
    def forward(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %s: stopping Datasette", signum)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def prepare(db_path: str, anonymous: str | None,
            metadata: str | os.PathLike[str] | None = None) -> tuple[dict[str, str], int]:
    """Check the access settings and migrate the database: (child environment, accounts)."""
    env = datasette_env(anonymous, metadata)
    accounts = check_access_config(env)
    connect(db_path).close()  # migrate before Datasette opens the file
    return env, accounts
