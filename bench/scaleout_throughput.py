"""Scale-out throughput: 1, 2 and 4 crawler processes and one writer vs the single-process crawl.

The site is crawl_throughput's (Pangea-shaped, ~3 KB of text per article, served by
`SiteServer` in this process) and a `redis-server` runs on a free loopback port. In one run:

1. single: `run_crawl` into SQLite in one process, as `newsmon crawl` does (the baseline);
2. scale-out with N crawler processes (`run_crawl` with `redis_settings`: extract, language,
   classify, push) and one `newsmon ingest --follow`, all started together; the clock stops
   when the writer has committed the last message;
3. the writer alone: two crawlers fill the queue with no writer running, then `newsmon
   ingest` drains it: the writer's ceiling in items/s;
4. per-page stage costs on the site's own pages: what the crawlers do and what the writer does.

    python bench/scaleout_throughput.py [--articles 3000] [--quick] [--crawlers 1,2,4]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import ROOT, StageTimes, Timer, print_machine, print_table
from crawl_throughput import OVERRIDES, PAGE_SIZE, SECTIONS, _item, _Sized, crawl, make_records
from pipeline_cost import STAGES, Pipeline

from crawler.items import ArticleItem
from crawler.scaleout.queue import Funnel
from crawler.scaleout.wire import PROCESSING_KEY, QUEUE_KEY, encode, item_message
from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer
from store import connect
from tests.support.redis import RedisServer
from tests.support.sites import sources_toml

CRAWLER = """
import json, sys, time
from crawler.scaleout import redis_settings
from newsmon.jobs.runner import run_crawl
from sites.sources import load_sources
sources, url, run, overrides = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
stats = run_crawl(load_sources(sources), "", 0, overrides={**redis_settings(url, run),
                                                           **overrides})
pushed = sum(s.get("newsmon/items_pushed", 0) for s in stats.values())
print("STATS " + json.dumps({"pushed": pushed, "cpu": time.process_time()}))
"""
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def sources_file(server: SiteServer, site: Any, folder: Path) -> Path:
    listing_pages = max(1, -(-len(site) // (PAGE_SIZE * len(SECTIONS))) + 2)
    return sources_toml(folder / "sources.toml", [{
        "name": "bench-pangea", "title": "Bench", "adapter": "pangea",
        "base_url": server.base_url, "languages": ["ru"], "country": "KZ",
        "feeds": site.feeds, "sections": site.sections, "listing_pages": listing_pages}])


def start_crawlers(count: int, sources: Path, redis: RedisServer, run: str
                   ) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [subprocess.Popen([sys.executable, "-c", CRAWLER, str(sources), redis.url, run,
                              json.dumps(OVERRIDES)], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(count)]


def start_writer(db_path: Path, redis: RedisServer, follow: bool) -> subprocess.Popen:
    args = ["--db", str(db_path), "ingest", "--wait", "0.5", *(["--follow"] if follow else [])]
    return subprocess.Popen([sys.executable, "-m", "newsmon", *args], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT),
                                 "NEWSMON_REDIS_URL": redis.url},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish_crawlers(crawlers: list[subprocess.Popen], client: Any) -> dict[str, float]:
    """Wait for the crawlers (sampling the backlog); their pushed items and CPU seconds."""
    backlog = 0
    while any(c.poll() is None for c in crawlers):
        backlog = max(backlog, int(client.llen(QUEUE_KEY)))
        time.sleep(0.2)
    pushed = cpu = 0.0
    for proc in crawlers:
        out, err = proc.communicate()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"crawler failed ({proc.returncode}): {err[-3000:]}")
        stats = json.loads(next(x[6:] for x in out.splitlines() if x.startswith("STATS ")))
        pushed, cpu = pushed + stats["pushed"], cpu + stats["cpu"]
    return {"pushed": pushed, "cpu": cpu, "backlog": backlog}


def scale_out(count: int, sources: Path, redis: RedisServer, folder: Path) -> dict[str, Any]:
    """N crawlers and one writer from a cold start until the last message is committed."""
    client = redis.client()
    client.flushall()
    db_path = folder / f"scaleout-{count}.db"
    connect(db_path).close()  # migrated before the clock starts, as in the single run
    with Timer() as timer:
        writer = start_writer(db_path, redis, follow=True)
        crawlers = finish_crawlers(start_crawlers(count, sources, redis, f"bench-{count}"),
                                   client)
        while client.llen(QUEUE_KEY) or client.llen(PROCESSING_KEY):
            time.sleep(0.05)
    writer_cpu = cpu_seconds(writer.pid)
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=60)
    if writer.returncode not in (0, 1):
        raise SystemExit(f"writer failed ({writer.returncode}): {err[-3000:]}")
    db = connect(db_path)
    stored = db.execute("SELECT count(*) FROM items").fetchone()[0]
    db.close()
    return {"seconds": timer.seconds, "stored": stored, "writer_cpu": writer_cpu, **crawlers}


def writer_alone(sources: Path, redis: RedisServer, folder: Path) -> dict[str, Any]:
    """Two crawlers fill the queue, then `newsmon ingest` drains it; its items/s."""
    client = redis.client()
    client.flushall()
    before = int(client.info("memory")["used_memory"])
    crawlers = finish_crawlers(start_crawlers(2, sources, redis, "bench-fill"), client)
    queued = int(client.llen(QUEUE_KEY))
    queue_bytes = int(client.info("memory")["used_memory"]) - before
    db_path = folder / "drain.db"
    connect(db_path).close()
    with Timer() as startup:
        writer = start_writer(db_path, redis, follow=False)
        while client.llen(QUEUE_KEY) == queued and writer.poll() is None:
            time.sleep(0.01)  # interpreter start-up and imports: not the writer's rate
    with Timer() as drain:
        while (client.llen(QUEUE_KEY) or client.llen(PROCESSING_KEY)) and writer.poll() is None:
            time.sleep(0.01)
    _, err = writer.communicate(timeout=3600)
    if writer.returncode not in (0, 1):
        raise SystemExit(f"writer failed ({writer.returncode}): {err[-3000:]}")
    return {"items": crawlers["pushed"], "messages": queued, "seconds": drain.seconds,
            "startup": startup.seconds, "bytes_per_message": queue_bytes / max(1, queued)}


def stage_costs(server: SiteServer, records: list[dict], sample: int, redis: RedisServer
                ) -> dict[str, float]:
    """Milliseconds per page of each crawl stage and of the push (encode + RPUSH)."""
    times = StageTimes()
    funnel = Funnel(redis.client(), queue="bench:push")
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(str(Path(tmp) / "stages.db"))
        for number, record in enumerate(records[:sample]):
            url = f"{server.base_url}/a/{record['slug']}/{record['id']}.html"
            page = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
            item: ArticleItem = _item(url, page, number)
            timing = times if number >= 5 else StageTimes()  # the first pages warm up
            pipeline.run(item, timing)
            started = time.perf_counter()
            funnel.push(encode(item_message(item, "bench", "bench:1:bench")))
            timing.add("push", time.perf_counter() - started)
        pipeline.close()
    pages = max(1, min(sample, len(records)) - 5)
    return {stage: 1000 * times.total(stage) / pages for stage in (*STAGES, "push")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="600 articles")
    parser.add_argument("--crawlers", default="1,2,4", help="crawler process counts")
    parser.add_argument("--sample", type=int, default=100, help="pages timed per stage")
    args = parser.parse_args(argv)
    count = 600 if args.quick else args.articles
    print_machine("scaleout_throughput: crawler processes + one writer vs one process")
    records = make_records(count)
    results: dict[str, Any] = {}
    with SiteServer() as server, tempfile.TemporaryDirectory() as tmp, \
            RedisServer(Path(tmp)) as redis:
        folder = Path(tmp)
        site = pangea_site(records, server.base_url, feed_size=20, page_size=PAGE_SIZE)
        server.pages.update(site)
        sources = sources_file(server, _Sized(site, count), folder)
        results["costs"] = stage_costs(server, records, args.sample, redis)
        (folder / "single").mkdir()
        results["single"] = crawl(server, _Sized(site, count), folder / "single")
        for number in (int(n) for n in args.crawlers.split(",")):
            results[number] = scale_out(number, sources, redis, folder)
            print(f"  {number} crawler(s): {results[number]}", flush=True)
        results["alone"] = writer_alone(sources, redis, folder)
    report(count, results)
    return 0


def report(count: int, results: dict[str, Any]) -> None:
    single = results["single"]
    base = single["stored"] / single["seconds"]
    rows = [["single process (`newsmon crawl`)", "1 (writes itself)", f"{single['stored']:,}",
             f"{single['seconds']:.0f}", f"{base:.1f}", "1.00x", "—", "—"]]
    for key, run in results.items():
        if not isinstance(key, int):
            continue
        rate = run["stored"] / run["seconds"]
        rows.append([f"scale-out, {key} crawler(s) + 1 writer", str(key), f"{run['stored']:,}",
                     f"{run['seconds']:.0f}", f"{rate:.1f}", f"{rate / base:.2f}x",
                     f"{100 * run['writer_cpu'] / run['seconds']:.0f} %",
                     f"{run['backlog']:,}"])
    print_table(["mode", "crawler processes", "stored", "seconds", "pages/s", "vs single",
                 "writer CPU busy", "peak queue"], rows)
    alone, costs = results["alone"], results["costs"]
    ceiling = alone["items"] / alone["seconds"]
    print_table(["writer alone: items drained", "start-up s", "drain s", "items/s",
                 "Redis bytes per queued message"],
                [[f"{alone['items']:,.0f}", f"{alone['startup']:.1f}",
                  f"{alone['seconds']:.1f}", f"{ceiling:.0f}",
                  f"{alone['bytes_per_message']:,.0f}"]])
    crawl_ms = sum(costs[s] for s in ("extract", "language", "classify")) + costs["push"]
    write_ms = costs["store"] + costs["evidence"]
    print_table([*(f"{s} ms" for s in costs), "crawler side ms", "writer side ms"],
                [[*(f"{v:.2f}" for v in costs.values()), f"{crawl_ms:.2f}", f"{write_ms:.2f}"]])
    per_crawler = 1000 / crawl_ms
    print(f"{count:,} articles. One crawler process: at most {per_crawler:.0f} pages/s of "
          f"stage work on one core; the writer drained {ceiling:.0f} items/s alone, i.e. it "
          f"keeps up with about {ceiling / per_crawler:.1f} crawler cores. With extraction in "
          f"the writer too it would manage about "
          f"{1000 / (crawl_ms - costs['push'] + write_ms):.0f} pages/s.")


if __name__ == "__main__":
    raise SystemExit(main())
