"""Integrity: recompute every stored hash and list what no longer matches, and find flagged
items whose page was never kept (a run killed between storing an item and its snapshot)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import sqlite_utils

from evidence.blobs import get_blob, sha256_hex, text_sha256


@dataclass(frozen=True)
class Mismatch:
    what: str  # "blob <sha>", "snapshot <id>", "recheck <id>" or "item <id>"
    problem: str

    def __str__(self) -> str:
        return f"{self.what}: {self.problem}"


@dataclass(frozen=True)
class VerifyReport:
    blobs: int
    snapshots: int
    mismatches: list[Mismatch]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def check_blob(db: sqlite_utils.Database, digest: str, size: int) -> str | None:
    """The problem with blob `digest`, or None when its bytes still hash to its key."""
    try:
        body = get_blob(db, digest)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        return f"cannot decompress ({exc})"
    actual = sha256_hex(body)
    if actual != digest:
        return f"content hashes to {actual}"
    if size is not None and len(body) != size:
        return f"{len(body)} bytes, expected {size}"
    return None


#: Flagged items with no snapshot at all: evidence missing, not corrupted.
GAPS_SQL = """
SELECT i.id, i.url FROM items i
WHERE i.flagged = 1 AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.item_id = i.id)
ORDER BY i.id
"""


def evidence_gaps(db: sqlite_utils.Database) -> list[Mismatch]:
    """Flagged items without any kept version; the next crawl or `newsmon recheck` keeps them."""
    return [Mismatch(f"item {item_id} ({url})", "flagged, but no snapshot of its page is kept; "
                     "the next crawl that lists it or `newsmon recheck` keeps it")
            for item_id, url in db.execute(GAPS_SQL).fetchall()]


def verify(db: sqlite_utils.Database) -> VerifyReport:
    """Check every blob's bytes, every snapshot's text hash, that referenced blobs exist, and
    that every flagged item has a kept version."""
    mismatches: list[Mismatch] = []
    blobs = db.execute("SELECT sha256, size FROM snapshot_blobs").fetchall()
    for digest, size in blobs:
        problem = check_blob(db, digest, size)
        if problem:
            mismatches.append(Mismatch(f"blob {digest}", problem))
    known = {digest for digest, _ in blobs}
    rows = db.execute(
        "SELECT id, item_id, version, body_sha256, text_sha256, text FROM snapshots ORDER BY id"
    ).fetchall()
    for snapshot_id, item_id, version, body_hash, text_hash, text in rows:
        what = f"snapshot {snapshot_id} (item {item_id} version {version})"
        if body_hash not in known:
            mismatches.append(Mismatch(what, f"raw body {body_hash} is missing"))
        if text_sha256(text or "") != text_hash:
            mismatches.append(Mismatch(what, "extracted text does not match text_sha256"))
    missing = db.execute(
        "SELECT id, body_sha256 FROM rechecks WHERE body_sha256 IS NOT NULL "
        "AND body_sha256 NOT IN (SELECT sha256 FROM snapshot_blobs)"
    ).fetchall()
    mismatches += [Mismatch(f"recheck {rid}", f"body {digest} is missing")
                   for rid, digest in missing]
    mismatches += evidence_gaps(db)
    return VerifyReport(len(blobs), len(rows), mismatches)
