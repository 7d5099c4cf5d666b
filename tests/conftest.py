"""Shared fixtures: real SQLite files and the project's command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_newsmon(*args: str, env: dict[str, str] | None = None, timeout: float = 240,
                input: str | None = None, cwd: str | Path | None = None
                ) -> subprocess.CompletedProcess:
    """Run `newsmon ARGS` as a user would, in a fresh interpreter."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, input=input,
        cwd=str(cwd or ROOT),
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh database file (created on first open)."""
    return tmp_path / "newsmon.db"
