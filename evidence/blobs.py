"""Raw response bodies, gzip'd once per SHA-256 in `snapshot_blobs` (content-addressed).

Why in the database and not in files beside it: a snapshot row and its bytes are written in one
transaction (no orphan or missing file after a crash), one file is the whole evidence to back up
or hand over, and Datasette never serves the blobs unless asked. `docs/evidence.md` has the
measurements (gzip level 9 keeps a typical news page at ~15-25% of its size).
"""

from __future__ import annotations

import gzip
import hashlib

import sqlite_utils

from core.clock import utc_now

CODEC = "gzip"
GZIP_LEVEL = 9


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data` (the evidence hash of raw bodies)."""
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    """Hex SHA-256 of `text` encoded as UTF-8 (the evidence hash of extracted text)."""
    return sha256_hex((text or "").encode("utf-8"))


def compress(data: bytes) -> bytes:
    """Gzip with mtime 0, so the same body always gives the same stored bytes."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def put_blob(db: sqlite_utils.Database, body: bytes) -> str:
    """Store `body` unless already stored; return its SHA-256 (the blob's key)."""
    digest = sha256_hex(body)
    exists = db.execute("SELECT 1 FROM snapshot_blobs WHERE sha256 = ?", [digest]).fetchone()
    if not exists:
        data = compress(body)
        db["snapshot_blobs"].insert(
            {"sha256": digest, "codec": CODEC, "size": len(body), "stored_size": len(data),
             "data": data,
             "created_at": utc_now()},
            ignore=True,
        )
    return digest


def get_blob(db: sqlite_utils.Database, digest: str) -> bytes:
    """The raw body stored under `digest`; KeyError if there is none."""
    row = db.execute(
        "SELECT codec, data FROM snapshot_blobs WHERE sha256 = ?", [digest]
    ).fetchone()
    if row is None:
        raise KeyError(digest)
    codec, data = row
    if codec != CODEC:
        raise ValueError(f"unknown codec {codec!r} for blob {digest}")
    return gzip.decompress(data)
