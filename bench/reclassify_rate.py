"""`reclassify` throughput against bare `classify()` over the same texts, same run.

Takes a random sample of a store (a generated one by default, or `--db` for a real one),
copies it into a fresh SQLite file, runs the real `reclassify` on that copy and, on
the same titles and texts, `classify(title, text)` with no database. The full-store time is
extrapolated from the sample and printed as such.

    python bench/reclassify_rate.py [--db PATH] [--sample 2000] [--items 20000] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import Timer, print_machine, print_table
from store_scale import generate

from classifiers import classify
from newsmon.jobs.classify import reclassify
from store import connect


def sample_store(source: Path, target: Path, sample: int, seed: int = 9) -> int:
    """Copy `sample` random items with their topic, entity and triage rows; return the count."""
    db = connect(target)
    db.execute("ATTACH DATABASE ? AS big", [str(source)])
    with db.conn:
        db.execute("CREATE TEMP TABLE chosen AS SELECT id FROM big.items "
                   "ORDER BY (id * 2654435761 + ?) % 4294967291 LIMIT ?", [seed, sample])
        columns = ", ".join(c.name for c in db["items"].columns)
        db.execute(f"INSERT INTO items ({columns}) SELECT {columns} FROM big.items "
                   "WHERE id IN (SELECT id FROM chosen)")
        for table in ("item_topics", "item_entities", "triage"):
            db.execute(f"INSERT INTO {table} SELECT * FROM big.{table} "
                       "WHERE item_id IN (SELECT id FROM chosen)")
    db.execute("DETACH DATABASE big")
    count = db.execute("SELECT count(*) FROM items").fetchone()[0]
    db.close()
    return count


def measure(path: Path) -> dict[str, float]:
    """Seconds for bare classify() over the texts and for reclassify on the file."""
    db = connect(path)
    rows = db.execute("SELECT title, text FROM items ORDER BY id").fetchall()
    classify(*rows[0])  # warm-up: rule compilation, langdetect profiles
    with Timer() as bare:
        for title, text in rows:
            classify(title or "", text or "")
    triage_before = db.execute("SELECT count(*) FROM triage").fetchone()[0]
    report = reclassify(db, [])
    done, seconds = report.items, report.seconds
    triage_after = db.execute("SELECT count(*) FROM triage").fetchone()[0]
    db.close()
    assert triage_before == triage_after, "reclassify must keep triage rows"
    return {"items": done, "bare": bare.seconds, "reclassify": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="store to sample (default: generate one)")
    parser.add_argument("--items", type=int, default=20_000, help="size of a generated store")
    parser.add_argument("--sample", type=int, default=2_000, help="items reclassified")
    parser.add_argument("--quick", action="store_true", help="500 items of a 5,000-item store")
    args = parser.parse_args(argv)
    if args.quick:
        args.items, args.sample = 5_000, 500
    print_machine("reclassify_rate: reclassify vs bare classify(), same texts")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(args.db) if args.db else Path(tmp) / "big" / "newsmon.db"
        if not args.db:
            source.parent.mkdir()
            generate(source, args.items)
        total = connect(source).execute("SELECT count(*) FROM items").fetchone()[0]
        copied = sample_store(source, Path(tmp) / "sample.db", min(args.sample, total))
        result = measure(Path(tmp) / "sample.db")
    rate_bare = copied / result["bare"]
    rate = result["items"] / result["reclassify"]
    print_table(["store", "sampled", "bare classify() items/s", "reclassify items/s",
                 "ratio (time)", f"full store ({total:,}) extrapolated"],
                [[str(source) if args.db else f"generated {total:,}", str(copied),
                  f"{rate_bare:.0f}", f"{rate:.0f}", f"{rate_bare / rate:.2f}x",
                  f"{total / rate / 60:.1f} min"]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
