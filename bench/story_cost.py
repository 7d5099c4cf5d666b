"""Cost per new item of the story grouping at 100k and 1M stored items, against the store's own
insert cost (`save_item`) measured on the same items in the same run.

The store is generated straight into SQLite through the project's migrations: items (one
paragraph of text each, with full-text search), their entities, and the grouping's index as
the crawl leaves it: 16 LSH band keys and the people keys of every item, at a constant rate of
DAILY items a day (so 1M items cover ten times the days of 100k, as a store grows over time),
with surnames drawn from a Zipf-weighted pool (a few names are in the news every day). Then
NEW real reports (the demo and labelled texts, made unique) are stored and grouped one by one.

    python bench/story_cost.py [--sizes 100000 1000000] [--new 400] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tomllib
from array import array
from pathlib import Path

from common import ROOT, percentile, print_machine, print_table
from store_scale import ITEM_COLUMNS, item_rows, paragraph_pool

from classifiers import classify
from store import connect, save_item
from stories.engine import EPOCH, assign
from stories.evaluate import demo_reports, expand_variants
from stories.signature import BANDS, NUM_PERM

DAILY = 2000
FIRST_DAY = 20_000  # 2024-10-04
SURNAMES = [f"фамилиев{n}" for n in range(20_000)]
BATCH = 20_000
HEADERS = ["stored items", "store p50", "store p95", "story p50", "story p95", "story/store p50"]


def index_rows(start: int, count: int, rng: random.Random) -> dict[str, list]:
    """The grouping's rows for items start..start+count, as `assign` would have left them."""
    rows: dict[str, list] = {"story_items": [], "story_bands": [], "story_keys": []}
    weights = [1 / (rank + 1) for rank in range(len(SURNAMES))]
    for item_id in range(start, start + count):
        day = FIRST_DAY + (item_id - 1) // DAILY
        names = sorted(set(rng.choices(SURNAMES, weights, k=rng.choice((0, 1, 1, 2, 3)))))
        signature = rng.randbytes(NUM_PERM * 2)
        bands = [rng.getrandbits(63) for _ in range(BANDS)]
        rows["story_items"].append((item_id, "ru", day, "[]", json.dumps(names, ensure_ascii=False),
                                    "[]", "[]", signature, array("q", bands).tobytes(),
                                    "2026-01-01T00:00:00Z"))
        rows["story_bands"] += [(key, item_id) for key in bands]
        rows["story_keys"] += [(f"name:{n}", day, item_id) for n in names]
    rows["story_bands"].sort()
    rows["story_keys"].sort()
    return rows


def grow(path: Path, start: int, total: int, rng: random.Random) -> float:
    """Add items start..total (and their index rows) to the store; seconds taken."""
    pool = paragraph_pool(rng)
    began = time.perf_counter()
    db = connect(path)
    columns = (*ITEM_COLUMNS, "story_id")
    inserts = {
        "items": f"INSERT INTO items ({', '.join(columns)}) "
                 f"VALUES ({', '.join('?' * len(columns))})",
        "item_entities": "INSERT OR IGNORE INTO item_entities (item_id, kind, value) "
                         "VALUES (?, ?, ?)",
        "story_items": "INSERT INTO story_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "story_bands": "INSERT OR IGNORE INTO story_bands VALUES (?, ?)",
        "story_keys": "INSERT OR IGNORE INTO story_keys VALUES (?, ?, ?)",
    }
    for first in range(start, total + 1, BATCH):
        count = min(BATCH, total + 1 - first)
        rows = item_rows(first, count, rng, pool[:400])
        rows["items"] = [(*row[:4], row[4][:600], *row[5:], row[0]) for row in rows["items"]]
        rows.update(index_rows(first, count, rng))
        with db.conn:
            for table, sql in inserts.items():
                db.conn.executemany(sql, rows[table])
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - began


def new_reports(count: int, day: int) -> list[tuple[dict, dict]]:
    """`count` real reports (rows and classifications), unique, published on `day`."""
    data = tomllib.loads((ROOT / "tests/data/story_reports.toml").read_text(encoding="utf-8"))
    demo = tomllib.loads((ROOT / "newsmon/demo/articles.toml").read_text(encoding="utf-8"))
    base = expand_variants(data) + demo_reports(demo["article"])
    classified = [(r, classify(r["title"], r["text"], r["lang"])) for r in base]
    stamp = time.strftime("%Y-%m-%dT09:00:00Z", time.gmtime((day + EPOCH - 719163) * 86400))
    out = []
    for n in range(count):
        report, result = classified[n % len(classified)]
        text = f"{report['text']}\n\nВыпуск {n}."
        row = {"url": f"https://new.example/{n}", "source": report["source"],
               "title": report["title"], "text": text, "lang": report["lang"],
               "published": stamp, "authors": [], "fetched_at": stamp, "fetched_url": None,
               "content_hash": f"new-{n}"}
        out.append((row, result))
    return out


def measure(path: Path, reports: list[tuple[dict, dict]]) -> tuple[list[float], list[float]]:
    """Per new item: seconds to store it, and seconds to group it."""
    store_times, story_times = [], []
    db = connect(path)
    try:
        for row, result in reports:
            began = time.perf_counter()
            item_id, _ = save_item(db, row, result)
            stored = time.perf_counter()
            with db.atomic():
                assign(db, item_id)
            story_times.append(time.perf_counter() - stored)
            store_times.append(stored - began)
    finally:
        db.close()
    return store_times, story_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--new", type=int, default=400)
    parser.add_argument("--keep", type=Path, help="directory for the store (else a temp dir)")
    args = parser.parse_args()
    print_machine("story grouping cost per new item", " ".join(sys.argv))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="story_cost_"))
    path = workdir / "stories.db"
    rng = random.Random(16)
    results, have = [], 0
    for size in sorted(args.sizes):
        seconds = grow(path, have + 1, size, rng)
        print(f"store grown to {size:,} items in {seconds:.0f} s")
        reports = new_reports(args.new, FIRST_DAY + size // DAILY)
        store_t, story_t = measure(path, reports)
        have = size + args.new
        results.append([f"{size:,}", *(f"{percentile(v, p) * 1000:.2f} ms" for v in (store_t,
                        story_t) for p in (50, 95)),
                        f"{percentile(story_t, 50) / percentile(store_t, 50):.2f}x"])
        print_table(HEADERS, results[-1:])
        sys.stdout.flush()
    print_table(HEADERS, results)
    print(f"store file: {path.stat().st_size / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
