"""The evidence commands through the real `newsmon` entry point, as cron would run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import connect
from tests.support.cli import run_newsmon
from tests.support.evidence import PARAGRAPHS, add_item, article_html

pytestmark = pytest.mark.e2e


def test_verify_and_export_end_to_end(db_path: Path, tmp_path: Path) -> None:
    add_item(connect(db_path), "https://example.kz/a", article_html("Пытки", PARAGRAPHS),
             fetched_at="2999-01-01T00:00:00+00:00")  # not due: no request leaves the host
    verified = run_newsmon("--db", str(db_path), "verify")
    assert verified.returncode == 0, verified.stderr
    out = tmp_path / "out.warc.gz"
    exported = run_newsmon("--db", str(db_path), "export-warc", str(out))
    assert exported.returncode == 0 and out.stat().st_size > 0
    rechecked = run_newsmon("--db", str(db_path), "recheck", "--schedule", "1")
    assert rechecked.returncode == 0 and "re-checked 0 item" in rechecked.stdout
