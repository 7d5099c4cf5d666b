"""WARC export: each kept response as a `response` record with its original bytes, plus a
`metadata` record with the hashes and classification (ISO 28500, readable by any WARC tool)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import sqlite_utils
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core.clock import parse_utc
from evidence.blobs import get_blob

#: Headers that describe the transfer, not the kept bytes (those are stored decoded): renamed
#: so WARC readers do not try to un-gzip or de-chunk the body a second time.
TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}

SNAPSHOT_SQL = """
SELECT s.*, i.topics AS item_topics, i.flagged AS item_flagged, i.source AS item_source
FROM snapshots s JOIN items i ON i.id = s.item_id
WHERE {where} ORDER BY s.item_id, s.version
"""
RECHECK_META_KEYS = ("item_id", "item_url", "checked_at", "outcome", "http_status", "final_url",
                     "detail", "body_sha256")
REMOVAL_SQL = """
SELECT r.*, i.url AS item_url FROM rechecks r JOIN items i ON i.id = r.item_id
WHERE r.body_sha256 IS NOT NULL AND r.item_id IN ({ids}) ORDER BY r.item_id, r.checked_at
"""


@dataclass
class ExportFilters:
    item_ids: list[int] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    since: str | None = None  # fetched on or after (ISO date)

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition on snapshots `s` / items `i`, and its parameters."""
        clauses, params = ["1 = 1"], []
        if self.item_ids:
            clauses.append(f"s.item_id IN ({', '.join('?' * len(self.item_ids))})")
            params += self.item_ids
        if self.topics:
            clauses.append("s.item_id IN (SELECT item_id FROM item_topics WHERE topic IN "
                           f"({', '.join('?' * len(self.topics))}))")
            params += self.topics
        if self.sources:
            clauses.append(f"i.source IN ({', '.join('?' * len(self.sources))})")
            params += self.sources
        if self.since:
            clauses.append("s.fetched_at >= ?")
            params.append(self.since)
        return " AND ".join(clauses), params


def warc_date(iso: str) -> str:
    return parse_utc(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_headers(status: int, headers: dict[str, str], body_length: int) -> StatusAndHeaders:
    """The original status line and headers, transfer headers renamed X-Archive-Orig-*."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    pairs = [(f"X-Archive-Orig-{k}" if k.lower() in TRANSFER_HEADERS else k, v)
             for k, v in headers.items()]
    pairs.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(f"{status} {phrase}", pairs, protocol="HTTP/1.1")


def write_pair(writer: WARCWriter, uri: str, status: int, headers: dict[str, str], body: bytes,
               at: str, metadata: dict[str, Any]) -> None:
    """A response record and the metadata record that refers to it."""
    date = warc_date(at)
    response = writer.create_warc_record(
        uri, "response", payload=BytesIO(body), length=len(body),
        http_headers=http_headers(status, headers, len(body)),
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(response)
    data = json.dumps(metadata, ensure_ascii=False, indent=1).encode("utf-8")
    writer.write_record(writer.create_warc_record(
        uri, "metadata", payload=BytesIO(data), length=len(data),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Date": date,
                           "WARC-Concurrent-To": response.rec_headers["WARC-Record-ID"]},
    ))


def snapshot_metadata(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "newsmon_item_id": row["item_id"], "canonical_url": row["url"],
        "version": row["version"], "reason": row["reason"], "fetched_at": row["fetched_at"],
        "final_url": row["final_url"], "body_sha256": row["body_sha256"],
        "text_sha256": row["text_sha256"], "title": row["title"],
        "classification": json.loads(row["classification"] or "{}"),
        "item_topics": json.loads(row["item_topics"] or "[]"),
        "item_flagged": bool(row["item_flagged"]), "source": row["item_source"],
        "diff_from_previous": row["diff"], "text": row["text"],
    }


def export_warc(db: sqlite_utils.Database, out: str | Path, filters: ExportFilters) -> int:
    """Write the matching snapshots (and removal pages) to `out`; return records written."""
    where, params = filters.where()
    rows = list(db.query(SNAPSHOT_SQL.format(where=where), params))
    with open(out, "wb") as fh:
        return write_records(db, fh, rows)


def write_records(db: sqlite_utils.Database, fh: BinaryIO, rows: list[dict[str, Any]]) -> int:
    writer = WARCWriter(fh, gzip=True)
    writer.write_record(writer.create_warcinfo_record(
        Path(getattr(fh, "name", "newsmon.warc.gz")).name,
        {"software": "newsmon evidence export", "format": "WARC File Format 1.0"}))
    count = 1
    for row in rows:
        body = get_blob(db, row["body_sha256"])
        write_pair(writer, row["final_url"] or row["url"], row["status"],
                   json.loads(row["headers"] or "{}"), body, row["fetched_at"],
                   snapshot_metadata(row))
        count += 2
    item_ids = sorted({row["item_id"] for row in rows})
    if item_ids:
        removals = db.query(REMOVAL_SQL.format(ids=", ".join("?" * len(item_ids))), item_ids)
        for r in removals:
            meta = {key: r[key] for key in RECHECK_META_KEYS}
            write_pair(writer, r["final_url"], r["http_status"], json.loads(r["headers"] or "{}"),
                       get_blob(db, r["body_sha256"]), r["checked_at"],
                       {"newsmon_recheck": meta})
            count += 2
    return count
