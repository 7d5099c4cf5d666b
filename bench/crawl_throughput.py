"""End-to-end crawl rate on a local 20,000-article site against the per-page pipeline bound.

A Pangea-shaped site (`newsmon.demo.sitegen`) is served by `SiteServer` in this process;
`newsmon.jobs.runner.run_crawl` crawls it in a subprocess (feed plus every listing page, full
pipeline into a real SQLite file) with politeness relaxed by settings overrides. In the same
run the pipeline stages are timed on a sample of the same article pages: one crawl process
runs its pipelines on one core, so 1 / (pipeline seconds per page) is the bound. The crawl
process's RSS is sampled from /proc throughout.

    python bench/crawl_throughput.py [--articles 20000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import ROOT, RssSampler, StageTimes, Timer, print_machine, print_table
from pipeline_cost import HINTS, STAGES, Pipeline
from store_scale import TOPIC_WORDS, paragraph_pool

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer
from store import connect, start_run
from tests.support.sites import sources_toml

SECTIONS = ("kazakhstan", "world", "economy", "culture")
PAGE_SIZE = 50
OVERRIDES = {  # the benchmark's only departure from production settings: no politeness
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True,
}
WORKER = """
import json, sys
from newsmon.jobs.runner import run_crawl
from sites.sources import load_sources
sources, db, run_id, overrides = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
stats = run_crawl(load_sources(sources), db, run_id, overrides=json.loads(overrides))
keep = ("newsmon/", "item_", "downloader/request_count", "elapsed_time_seconds")
print("STATS " + json.dumps({k: v for s in stats.values() for k, v in s.items()
                             if k.startswith(keep)}, default=str))
"""


def make_records(count: int, seed: int = 3) -> list[dict[str, Any]]:
    """Article records with ~3 KB of text each; 6% carry topic words, as in store_scale."""
    rng = random.Random(seed)
    pool = paragraph_pool(rng, 2000)
    newest = datetime(2024, 3, 31, 9, tzinfo=UTC)
    records = []
    for n in range(count):
        paragraphs = rng.choices(pool, k=rng.randint(3, 9))
        if rng.random() < 0.06:
            paragraphs.append(TOPIC_WORDS[rng.choice(list(TOPIC_WORDS))])
        records.append({
            "id": 30_000_000 + count - n, "slug": f"story-{count - n}", "lang": "ru",
            "title": " ".join(rng.choices(pool[n % len(pool)].split(), k=8)).capitalize(),
            "published": (newest - timedelta(minutes=37 * n)).isoformat(),
            "authors": [f"Автор {n % 7}"], "section": SECTIONS[n % len(SECTIONS)],
            "paragraphs": paragraphs,
        })
    return records


def pipeline_bound(server: SiteServer, records: list[dict[str, Any]], sample: int) -> float:
    """Seconds of pipeline work per page on `sample` of the site's own article pages."""
    times = StageTimes()
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(str(Path(tmp) / "bound.db"))
        chosen = random.Random(1).sample(records, min(sample, len(records)))
        for number, record in enumerate(chosen):
            url = f"{server.base_url}/a/{record['slug']}/{record['id']}.html"
            html = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
            timing = times if number >= 5 else StageTimes()  # first pages warm up
            pipeline.run(_item(url, html, number), timing)
        pipeline.close()
    pages = max(1, len(chosen) - 5)
    return sum(times.total(s) for s in STAGES) / pages


def _item(url: str, html: str, number: int) -> Any:
    from pipeline_cost import make_item

    item = make_item(url, html, number, HINTS)
    item.body_selector = "#article-content .wsw"  # as the Pangea adapter sets it
    return item


def crawl(server: SiteServer, site: Any, folder: Path) -> dict[str, Any]:
    """Run the crawl subprocess; return seconds, stats and RSS samples."""
    listing_pages = max(1, -(-len(site) // (PAGE_SIZE * len(SECTIONS))) + 2)
    sources = sources_toml(folder / "sources.toml", [{
        "name": "bench-pangea", "title": "Bench", "adapter": "pangea",
        "base_url": server.base_url, "languages": ["ru"], "country": "KZ",
        "feeds": site.feeds, "sections": site.sections, "listing_pages": listing_pages}])
    db_path = folder / "newsmon.db"
    db = connect(db_path)
    run_id = start_run(db, "crawl", ["bench-pangea"])
    db.close()
    overrides = dict(OVERRIDES)
    cmd = [sys.executable, "-c", WORKER, str(sources), str(db_path), str(run_id),
           json.dumps(overrides)]
    with Timer() as timer:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        with RssSampler(proc.pid, 0.5) as rss:
            out, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"crawl failed ({proc.returncode}): {err[-3000:]}")
    stats = json.loads(next(line[6:] for line in out.splitlines() if line.startswith("STATS ")))
    db = connect(db_path)
    stored = db.execute("SELECT count(*) FROM items").fetchone()[0]
    for url, stage, reason in db.execute(
            "SELECT url, stage, reason FROM crawl_errors LIMIT 5").fetchall():
        print(f"crawl error: {stage} {url}: {reason[:300]}")
    db.close()
    return {"seconds": timer.seconds, "stats": stats, "stored": stored, "rss": rss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 articles")
    parser.add_argument("--sample", type=int, default=200, help="pages timed for the bound")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for the crawl (JSON value or string)")
    args = parser.parse_args(argv)
    for pair in args.set:
        name, _, value = pair.partition("=")
        try:
            OVERRIDES[name] = json.loads(value)
        except json.JSONDecodeError:
            OVERRIDES[name] = value
    count = 2_000 if args.quick else args.articles
    print_machine("crawl_throughput: end-to-end pages/s vs the per-page pipeline bound")
    records = make_records(count)
    with SiteServer() as server, tempfile.TemporaryDirectory() as tmp:
        site = pangea_site(records, server.base_url, feed_size=20, page_size=PAGE_SIZE)
        server.pages.update(site)
        bound = pipeline_bound(server, records, args.sample)
        server.clear_log()
        result = crawl(server, _Sized(site, count), Path(tmp))
    report(count, bound, result)
    return 0


class _Sized:
    """The site's feeds and sections, sized by its article count (for listing_pages)."""

    def __init__(self, site: Any, articles: int) -> None:
        self.feeds, self.sections, self.articles = site.feeds, site.sections, articles

    def __len__(self) -> int:
        return self.articles


def report(count: int, bound_seconds: float, result: dict[str, Any]) -> None:
    rate = result["stored"] / result["seconds"]
    bound = 1 / bound_seconds
    rss = result["rss"]
    quarters = " / ".join(f"{q / 2**20:.0f}" for q in rss.quarter_peaks())
    print_table(
        ["articles", "stored", "requests", "crawl s", "pages/s", "bound pages/s",
         "% of bound", "peak RSS", "RSS peak per quarter (MiB)"],
        [[f"{count:,}", f"{result['stored']:,}",
          f"{result['stats'].get('downloader/request_count', 0):,}",
          f"{result['seconds']:.0f}", f"{rate:.1f}", f"{bound:.1f}",
          f"{100 * rate / bound:.0f}%", f"{rss.peak / 2**20:.0f} MiB", quarters]])
    print(f"pipeline bound: {bound_seconds * 1000:.1f} ms/page measured in this run; "
          f"crawl seconds include interpreter start-up and Scrapy's shutdown")
    print("stats: " + json.dumps(result["stats"]))


if __name__ == "__main__":
    raise SystemExit(main())
