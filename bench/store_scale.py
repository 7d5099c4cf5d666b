"""Datasette triage pages on a big store: p50/p95 against a 10x smaller store, same run.

Generates N items (realistic text lengths, topics with evidence, entities, triage rows)
straight into SQLite through the project's migrations, rebuilds the search index once,
starts the real `newsmon serve` on each store and times the queue, a faceted table, the
searches (Datasette's table search and the queue's box, by a word and an inflected form)
and the dashboard.

With `--before REV` each store is first served by the code of git revision REV (unpacked
with git archive into a temporary folder) on the same file, with the old `items_fts` index
built beside the new one, then by this checkout: before and after in one run, on the same
data and load. `--reindex` rebuilds the search index of reused stores (after changing it).

    python bench/store_scale.py [--items 1000000] [--quick] [--keep DIR [--reuse]]
        [--requests 20] [--before REV] [--reindex]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from common import Timer, print_machine, print_table
from store_serve import checkout, legacy_fts, timed_server

from store import connect, search

SOURCES = [f"outlet-{n:02d}" for n in range(12)]
LANGS = ["ru"] * 7 + ["kk"] * 2 + ["en"]
STATUSES = ["new"] * 10 + ["relevant"] * 4 + ["not_relevant"] * 4 + ["follow_up", "duplicate"]
TOPIC_WORDS = {"torture": "пытки пытали избиение азаптау", "art405": "статья 405 экстремистской",
               "detention": "задержан арестован административный арест ұсталды"}
PLACES = ["Almaty", "Astana", "Aktobe", "Shymkent", "Zhanaozen", "Karaganda", "Oral", "Atyrau"]
PERSONS = ["Roman Reikhert", "Max Bokayev", "Marat Zhylanbayev", "Duman Mukhammedkarim"]
WORDS = ("власти заявили суд полиция активист журналист область город акимат министерство "
         "закон решение процесс граждане митинг право свобода сообщил Казахстан году после "
         "время более также можно только районе жители проект развитие экономика бюджет "
         "қала ауданы тұрғындары мемлекет жылы бойынша the court said police activist report "
         "government people region protest election parliament minister rights freedom").split()
ROUTES = {
    "queue": "/-/queue",
    "facets": "/newsmon/items?_facet=source&_facet=lang&flagged=1",
    "fts": "/newsmon/items?_search=%D0%BF%D1%8B%D1%82%D0%BA%D0%B8",  # пытки
    # The monitors' own search box: the queue's full-text filter (flagged only).
    "fts-queue": "/-/queue?q=%D0%BF%D1%8B%D1%82%D0%BA%D0%B8",
    # An inflected form: пытка finds пытки only with stemming (before: 0 hits).
    "fts-stem": "/newsmon/items?_search=%D0%BF%D1%8B%D1%82%D0%BA%D0%B0",
    "fts-queue-stem": "/-/queue?q=%D0%BF%D1%8B%D1%82%D0%BA%D0%B0",
    # A word in most items (суд): the worst case for counting and facets.
    "fts-common": "/newsmon/items?_search=%D1%81%D1%83%D0%B4",
    "fts-queue-common": "/-/queue?q=%D1%81%D1%83%D0%B4",
    "dashboard": "/-/dashboard",
}
ITEM_COLUMNS = ("id", "url", "source", "title", "text", "lang", "published", "authors",
                "fetched_at", "first_seen", "fetched_url", "content_hash", "flagged", "topics",
                "kz_relevant", "score_torture", "score_art405", "score_detention")


def paragraph_pool(rng: random.Random, size: int = 4000) -> list[str]:
    """Paragraphs of 30-120 Zipf-weighted words: texts repeat words the way news does."""
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    return [" ".join(rng.choices(WORDS, weights, k=rng.randint(30, 120))).capitalize() + "."
            for _ in range(size)]


def item_rows(start: int, count: int, rng: random.Random, pool: list[str]) -> dict[str, list]:
    """One batch of items with their topic, entity and triage rows."""
    rows: dict[str, list] = {"items": [], "item_topics": [], "item_entities": [], "triage": []}
    for item_id in range(start, start + count):
        flagged = rng.random() < 0.06
        topics = rng.sample(list(TOPIC_WORDS), rng.randint(1, 2)) if flagged else []
        # Lognormal paragraph count: median ~6 paragraphs (~3 KB), a long tail of long reads.
        parts = rng.choices(pool, k=max(1, min(40, int(rng.lognormvariate(1.8, 0.5)))))
        parts += [TOPIC_WORDS[t] for t in topics]
        text = "\n\n".join(parts)
        day = 1_577_836_800 + rng.randrange(5 * 365 * 86400)
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(day))
        scores = {t: (rng.uniform(0.5, 1.0) if t in topics else rng.uniform(0, 0.3))
                  for t in TOPIC_WORDS}
        source = rng.choice(SOURCES)
        url = f"https://{source}.example/a/{item_id}.html"
        rows["items"].append((
            item_id, url, source, " ".join(rng.choices(WORDS, k=rng.randint(6, 14))).capitalize(),
            text, rng.choice(LANGS), published, json.dumps(["Автор"]), published, published,
            url, hashlib.sha256(text.encode()).hexdigest(), int(flagged), json.dumps(topics),
            int(rng.random() < 0.7), scores["torture"], scores["art405"], scores["detention"]))
        for topic in topics:
            evidence = [{"topic": topic, "rule": f"ru.{topic}", "match": TOPIC_WORDS[topic][:10],
                         "snippet": text[:120]}]
            rows["item_topics"].append((item_id, topic, scores[topic],
                                        json.dumps(evidence, ensure_ascii=False)))
        for place in dict.fromkeys(rng.choices(PLACES, k=rng.randint(0, 3))):
            rows["item_entities"].append((item_id, "place", place))
        if rng.random() < 0.03:
            rows["item_entities"].append((item_id, "person", rng.choice(PERSONS)))
        if flagged:
            rows["triage"].append((item_id, rng.choice(STATUSES), "", "", "bench", published))
    return rows


def generate(path: Path, total: int, seed: int = 9, batch: int = 20_000) -> float:
    """Create the store at `path` (schema from the migrations); return seconds taken."""
    rng = random.Random(seed)
    pool = paragraph_pool(rng)
    with Timer() as timer:
        db = connect(path)
        # Bulk load: no per-row index triggers; the index is rebuilt once at the end.
        search.drop_triggers(db)
        db.execute("PRAGMA foreign_keys = OFF")
        inserts = {
            "items": f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(ITEM_COLUMNS))})",
            "item_topics": "INSERT INTO item_topics (item_id, topic, score, evidence) "
                           "VALUES (?, ?, ?, ?)",
            "item_entities": "INSERT OR IGNORE INTO item_entities (item_id, kind, value) "
                             "VALUES (?, ?, ?)",
            "triage": "INSERT INTO triage (item_id, status, note, assigned_to, updated_by, "
                      "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        }
        for start in range(1, total + 1, batch):
            rows = item_rows(start, min(batch, total + 1 - start), rng, pool)
            with db.conn:
                for table, sql in inserts.items():
                    db.conn.executemany(sql, rows[table])
        search.rebuild(db)
        search.create_triggers(db)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("ANALYZE")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    return timer.seconds


def reindex(path: Path) -> None:
    """Rebuild the search index with this checkout's definition (a kept store)."""
    db = connect(path)
    search.drop_triggers(db)
    db.execute(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")
    search.create_index(db, triggers=False)
    search.rebuild(db)
    search.create_triggers(db)
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def measure_store(path: Path, items: int, requests: int, reuse: bool,
                  before: Path | None, rebuild_index: bool = False) -> dict[str, Any]:
    if reuse and path.exists():  # a store kept by an earlier run: only migrate it
        connect(path).close()
        if rebuild_index:
            reindex(path)
        seconds = 0.0
    else:
        seconds = generate(path, items)
    result: dict[str, Any] = {"items": items, "generate_s": seconds}
    if before is not None:
        legacy_fts(path, True)
        result["before"] = timed_server(path, ROUTES, requests, before)
        legacy_fts(path, False)
    result["size"] = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    result["routes"] = timed_server(path, ROUTES, requests)
    print(f"{items} items: generated in {seconds:.0f} s (0: reused), "
          f"{result['size'] / 2**20:.0f} MiB ({result['size'] / items / 1024:.2f} KiB/item)")
    return result


def ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def report(small: dict[str, Any], big: dict[str, Any]) -> None:
    headers = ["route", "status", f"p50 {small['items']:,}", f"p95 {small['items']:,}",
               f"p50 {big['items']:,}", f"p95 {big['items']:,}", "p95 ratio", "target < 300 ms"]
    rows = []
    for name, route in ROUTES.items():
        s, b = small["routes"][name], big["routes"][name]
        rows.append([f"{name} `{urllib.parse.unquote(route)}`", b["status"], ms(s["p50"]),
                     ms(s["p95"]), ms(b["p50"]), ms(b["p95"]),
                     f"{b['p95'] / max(s['p95'], 1e-9):.1f}x",
                     "met" if b["p95"] < 0.3 else "MISSED"])
    print_table(headers, rows)
    if "before" in big:
        print(f"\nBefore (REV) and after (this checkout), {big['items']:,} items, same store:")
        rows = [[f"{name} `{urllib.parse.unquote(route)}`", big["before"][name]["status"],
                 ms(big["before"][name]["p50"]), ms(big["before"][name]["p95"]),
                 big["routes"][name]["status"], ms(big["routes"][name]["p50"]),
                 ms(big["routes"][name]["p95"])] for name, route in ROUTES.items()]
        print_table(["route", "status before", "p50 before", "p95 before", "status after",
                     "p50 after", "p95 after"], rows)
    for store in (small, big):
        print(f"DB size {store['items']:,} items: {store['size'] / 2**20:.0f} MiB, "
              f"{store['size'] / store['items'] / 1024:.2f} KiB/item")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="items in the big store")
    parser.add_argument("--quick", action="store_true", help="20,000 items (baseline 2,000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per route")
    parser.add_argument("--keep", help="directory to keep the generated stores in")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: time stores already there (migrated, not rebuilt)")
    parser.add_argument("--reindex", action="store_true",
                        help="with --reuse: rebuild the search index first")
    parser.add_argument("--before", metavar="REV",
                        help="first serve each store with git revision REV's code")
    args = parser.parse_args(argv)
    items = 20_000 if args.quick else args.items
    print_machine("store_scale: Datasette pages on N items vs N/10 items, same run")
    with tempfile.TemporaryDirectory() as tmp:
        before = checkout(args.before, Path(tmp) / "before") if args.before else None
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # The file is named newsmon.db because Datasette names the database after it.
        paths = [folder / f"{label}-{count}" / "newsmon.db"
                 for label, count in (("small", items // 10), ("big", items))]
        for path in paths:
            path.parent.mkdir(exist_ok=True)
            for old in path.parent.glob("newsmon.db*") if not args.reuse else ():
                old.unlink()
        small = measure_store(paths[0], items // 10, args.requests, args.reuse, before,
                              args.reindex)
        big = measure_store(paths[1], items, args.requests, args.reuse, before, args.reindex)
        report(small, big)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
