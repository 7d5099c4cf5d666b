"""Fixtures every test module may use (helpers live in tests/support, never imported from here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.redis import RedisServer


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh database file (created on first open)."""
    return tmp_path / "newsmon.db"


@pytest.fixture
def redis(tmp_path: Path):
    with RedisServer(tmp_path) as server:
        yield server


@pytest.fixture
def processes():
    """Processes a test starts; any still running at the end (a failed test) are killed."""
    started: list = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
