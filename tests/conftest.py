"""Fixtures every test module may use (helpers live in tests/support, never imported from here)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh database file (created on first open)."""
    return tmp_path / "newsmon.db"
