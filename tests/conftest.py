"""Shared fixtures: real SQLite files and the project's command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_newsmon(*args: str, env: dict[str, str] | None = None, timeout: float = 240,
                input: str | None = None, cwd: str | Path | None = None,
                clean_env: bool = False) -> subprocess.CompletedProcess:
    """Run `newsmon ARGS` as a user would, in a fresh interpreter.

    `clean_env` drops the caller's `NEWSMON_*` variables first, so only `env` configures the
    run (as cron's environment would) and a setting a test leaves out stays unset.
    """
    outer = {k: v for k, v in os.environ.items()
             if not (clean_env and k.startswith("NEWSMON_"))}
    full_env = {**outer, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, input=input,
        cwd=str(cwd or ROOT),
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh database file (created on first open)."""
    return tmp_path / "newsmon.db"
