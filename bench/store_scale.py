"""Datasette triage pages on a big store: p50/p95 against a 10x smaller store, same run.

Generates N items (realistic text lengths, topics with evidence, entities, triage rows)
straight into SQLite through the project's migrations, rebuilds full-text search once,
starts the real `newsmon serve` on each store and times the queue, a faceted table, an FTS
search and the dashboard.

    python bench/store_scale.py [--items 1000000] [--quick] [--keep DIR [--reuse]] [--requests 20]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from common import ROOT, Timer, percentile, print_machine, print_table

from store import connect

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
    # The monitors' own search box: the queue's full-text filter (prefix match, flagged only).
    "fts-queue": "/-/queue?q=%D0%BF%D1%8B%D1%82%D0%BA%D0%B8",
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
        # Bulk load: no per-row FTS triggers; the index is rebuilt once at the end.
        db.execute("DROP TABLE IF EXISTS items_fts")
        for trigger in ("items_ai", "items_ad", "items_au"):
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
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
        db["items"].enable_fts(["title", "text"], create_triggers=True, replace=True)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("ANALYZE")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    return timer.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(path: Path) -> tuple[subprocess.Popen, str]:
    """Start the real `newsmon serve` (anonymous read) on `path`; return (process, base URL)."""
    port = free_port()
    env = {**os.environ, "NEWSMON_ANONYMOUS": "read", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from newsmon.cli import main; main()", "--db", str(path),
         "serve", "--port", str(port)], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
            return proc, base
        except OSError:
            if proc.poll() is not None:
                error = proc.stderr.read().decode()[-2000:]
                raise SystemExit(f"newsmon serve exited: {error}") from None
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("newsmon serve did not answer in 120 s")


def fetch(url: str) -> tuple[int, float]:
    """(status, seconds) for one GET, the body read in full."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - started


def time_routes(base: str, requests: int) -> dict[str, dict[str, Any]]:
    """p50/p95 per route after two untimed warm-up requests (Datasette's first-hit caches)."""
    results = {}
    for name, route in ROUTES.items():
        for _ in range(2):
            fetch(base + route)
        samples, statuses = [], set()
        for _ in range(requests):
            status, seconds = fetch(base + route)
            samples.append(seconds)
            statuses.add(status)
        results[name] = {"p50": percentile(samples, 50), "p95": percentile(samples, 95),
                         "status": ",".join(map(str, sorted(statuses)))}
    return results


def measure_store(path: Path, items: int, requests: int, reuse: bool) -> dict[str, Any]:
    if reuse and path.exists():  # a store kept by an earlier run: only migrate it
        connect(path).close()
        seconds = 0.0
    else:
        seconds = generate(path, items)
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    proc, base = serve(path)
    try:
        routes = time_routes(base, requests)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"{items} items: generated in {seconds:.0f} s (0: reused), {size / 2**20:.0f} MiB "
          f"({size / items / 1024:.2f} KiB/item)")
    return {"items": items, "size": size, "routes": routes, "generate_s": seconds}


def report(small: dict[str, Any], big: dict[str, Any]) -> None:
    headers = ["route", "status", f"p50 {small['items']:,}", f"p95 {small['items']:,}",
               f"p50 {big['items']:,}", f"p95 {big['items']:,}", "p95 ratio", "target < 300 ms"]
    rows = []
    for name, route in ROUTES.items():
        s, b = small["routes"][name], big["routes"][name]
        rows.append([f"{name} `{route}`", b["status"], f"{s['p50'] * 1000:.0f} ms",
                     f"{s['p95'] * 1000:.0f} ms", f"{b['p50'] * 1000:.0f} ms",
                     f"{b['p95'] * 1000:.0f} ms", f"{b['p95'] / max(s['p95'], 1e-9):.1f}x",
                     "met" if b["p95"] < 0.3 else "MISSED"])
    print_table(headers, rows)
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
    args = parser.parse_args(argv)
    items = 20_000 if args.quick else args.items
    print_machine("store_scale: Datasette pages on N items vs N/10 items, same run")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # The file is named newsmon.db because Datasette names the database after it.
        paths = [folder / f"{label}-{count}" / "newsmon.db"
                 for label, count in (("small", items // 10), ("big", items))]
        for path in paths:
            path.parent.mkdir(exist_ok=True)
            for old in path.parent.glob("newsmon.db*") if not args.reuse else ():
                old.unlink()
        small = measure_store(paths[0], items // 10, args.requests, args.reuse)
        big = measure_store(paths[1], items, args.requests, args.reuse)
        report(small, big)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
