"""Measure what snapshots cost per item: `python -m evidence.measure PAGE.html[.gz] ...`.

Prints raw and gzip'd body sizes, extracted text size, the database growth per snapshot
(blobs in `snapshot_blobs`) and what the same blobs would take as files in 4 KiB blocks.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
from pathlib import Path

from evidence.blobs import compress
from evidence.snapshot import Capture, take_snapshot
from extraction import NoArticle, page_text
from store import connect, save_item

BLOCK = 4096


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def text_of(body: bytes, url: str) -> str:
    try:
        return page_text(body, url).text
    except NoArticle:
        return ""


def db_size(path: Path) -> int:
    db = connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.close()
    return path.stat().st_size


def measure(paths: list[Path]) -> dict[str, float]:
    """Median/mean sizes per page, and the database bytes added per snapshotted item."""
    pages = [read_page(p) for p in paths]
    texts = [text_of(b, f"https://example.kz/{i}") for i, b in enumerate(pages)]
    with tempfile.TemporaryDirectory() as tmp:
        bare, full = Path(tmp, "bare.db"), Path(tmp, "full.db")
        for path, snapshot in ((bare, False), (full, True)):
            db = connect(path)
            for i, (body, text) in enumerate(zip(pages, texts, strict=True)):
                url = f"https://example.kz/{i}"
                row = {"url": url, "text": text, "fetched_at": "2024-01-01T00:00:00+00:00",
                       "content_hash": str(i)}
                item_id, _ = save_item(db, row, {"flagged": True})
                if snapshot:
                    capture = Capture(url, url, 200, {"Content-Type": "text/html"}, body,
                                      row["fetched_at"])
                    take_snapshot(db, item_id, capture, title="", text=text,
                                  reason="first_seen")
            db.close()
        growth = (db_size(full) - db_size(bare)) / len(pages)
    gz = [len(compress(b)) for b in pages]
    return {
        "pages": len(pages), "raw_median": statistics.median(map(len, pages)),
        "gzip_median": statistics.median(gz), "gzip_mean": statistics.mean(gz),
        "ratio_mean": statistics.mean(g / len(b) for g, b in zip(gz, pages, strict=True)),
        "text_median": statistics.median(len(t.encode()) for t in texts),
        "db_bytes_per_item": growth,
        "files_4k_mean": statistics.mean(-(-g // BLOCK) * BLOCK for g in gz),
    }


def main(argv: list[str]) -> None:
    for key, value in measure([Path(a) for a in argv]).items():
        print(f"{key:>18}: {value:,.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
