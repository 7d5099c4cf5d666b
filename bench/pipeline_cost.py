"""Per-page cost of newsmon's item pipeline against bare trafilatura extraction, same run.

Each real page goes through the crawl's ITEM_PIPELINES, built as Scrapy builds them (extract,
language, classify, store into a real SQLite file, evidence snapshots) and, on the same HTML,
through `trafilatura.extract(html, url=url)`; the order alternates per page so both see
the same cache state. The extract stage runs as a crawl runs it: with the spider's hints
(title and date from the feed or JSON-LD), which skip trafilatura's metadata pass; the
hint-less extract (a page with no feed entry or JSON-LD) is timed too.

    python bench/pipeline_cost.py [--quick] [--limit N] [--db PATH]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura
from common import StageTimes, fmt_ms, iter_aeb, iter_pages, print_machine, print_table
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from classifiers import detect_language
from crawler.items import ArticleItem
from newsmon.jobs.runner import project_settings
from pipelines.errors import ItemRejected
from pipelines.extract import ExtractPipeline
from sites import get_adapter

# The body selector the spider's adapter sets for pages of its CMS (real_pages ids say which).
ADAPTER_SELECTORS = {"pangea_": get_adapter("pangea").defaults["body_selector"],
                     "ru_wordpress_": get_adapter("wordpress").defaults["body_selector"]}

STAGE_NAMES = {"ExtractPipeline": "extract", "LanguagePipeline": "language",
               "ClassifyPipeline": "classify", "StorePipeline": "store",
               "SnapshotPipeline": "evidence", "StoryPipeline": "stories"}


def stage_name(path: str) -> str:
    """`pipelines.extract.ExtractPipeline` -> `extract` (the column name in the table)."""
    name = path.rsplit(".", 1)[-1]
    return STAGE_NAMES.get(name, name.lower())


#: Stages that switch themselves off in a single-process crawl (the scale-out push stage).
SCALE_OUT_ONLY = ("pipelines.push.",)
# Every stage of the crawl's ITEM_PIPELINES, in order: a stage added there is timed here too.
STAGES = tuple(stage_name(path) for path, _ in sorted(
    project_settings().getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
    if not path.startswith(SCALE_OUT_ONLY))
HINTS = {"title": "hinted title", "published": "2024-04-28T07:00:00Z", "authors": ["A. Author"]}


def make_item(url: str, html: str, number: int, hints: dict[str, Any],
              body_selector: str = "") -> ArticleItem:
    """An item as the spider yields it; the URL is made unique so every page is a new row."""
    return ArticleItem(
        url=f"{url}#bench-{number}", source="bench", fetched_url=url, status=200,
        body=html.encode("utf-8"), encoding="utf-8",
        fetched_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), adapter="bench",
        hints=dict(hints), country="", body_selector=body_selector,
    )


def timed(times: StageTimes, stage: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    try:
        return fn()
    finally:
        times.add(stage, time.perf_counter() - started)


class Pipeline:
    """The project's ITEM_PIPELINES, built and ordered as Scrapy builds them (real crawler)."""

    def __init__(self, db_path: str) -> None:
        settings = project_settings({"NEWSMON_DB": db_path})
        crawler = get_crawler(settings_dict={"NEWSMON_DB": db_path})
        ordered = sorted(settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
        self.stages = {}
        for path, _priority in ordered:
            if path.startswith(SCALE_OUT_ONLY):
                continue
            stage = build_from_crawler(load_object(path), crawler)
            if hasattr(stage, "open_spider"):
                stage.open_spider()
            self.stages[stage_name(path)] = stage
        self.dropped = 0

    def run(self, item: ArticleItem, times: StageTimes) -> None:
        for name, stage in self.stages.items():
            try:
                item = timed(times, name, lambda s=stage, i=item: s.process_item(i))
            except ItemRejected:
                self.dropped += 1
                return

    def close(self) -> None:
        for stage in self.stages.values():
            if hasattr(stage, "close_spider"):
                stage.close_spider()


def measure(corpora: tuple[str, ...], limit: int, db_path: str) -> dict[str, StageTimes]:
    """Per-corpus stage times, after one untimed pass over the nine real pages.

    The warm-up loads what a crawl loads once per process (rule compilation, langdetect
    profiles, trafilatura's per-language stoplists, the SQLite schema).
    """
    pipeline = Pipeline(db_path)
    warm = itertools.chain(iter_pages(("real_pages",)), itertools.islice(iter_aeb(), 3))
    for number, page in enumerate(warm):
        measure_page(pipeline, page, -1 - number, StageTimes())
    # English and Cyrillic text never reach langdetect; its profiles load (~1 s) on the first
    # other language, once per process: load them here, not inside the first timed page.
    detect_language("El gobierno anunció ayer nuevas medidas para la economía del país.")
    results: dict[str, StageTimes] = {}
    for number, page in enumerate(iter_pages(corpora)):
        if limit and number >= limit:
            break
        measure_page(pipeline, page, number, results.setdefault(page.corpus, StageTimes()))
        selector = next((css for prefix, css in ADAPTER_SELECTORS.items()
                         if page.page_id.startswith(prefix)), "")
        if page.corpus == "real_pages" and selector:  # as the Pangea/WordPress adapters crawl
            times = results.setdefault("adapter pages (body selector)", StageTimes())
            measure_page(pipeline, page, 100_000 + number, times, selector)
    pipeline.close()
    print(f"pages dropped by the extract stage (no or too short text): {pipeline.dropped}")
    return results


def measure_page(pipeline: Pipeline, page: Any, number: int, times: StageTimes,
                 selector: str = "") -> None:
    """Bare extraction, the pipeline and hint-less extraction; order alternates per page."""
    def baseline() -> None:
        timed(times, "baseline", lambda: trafilatura.extract(page.html, url=page.url))

    def stages() -> None:
        pipeline.run(make_item(page.url, page.html, number, HINTS, selector), times)

    def no_hints() -> None:
        _extract_no_hints(ExtractPipeline(), page, number, times, selector)

    steps = [baseline, stages, no_hints]
    for step in steps if number % 2 else reversed(steps):
        step()
    times.add("pages", 1.0)


def _extract_no_hints(stage: ExtractPipeline, page: Any, number: int, times: StageTimes,
                      selector: str) -> None:
    try:
        timed(times, "extract_no_hints",
              lambda: stage.process_item(make_item(page.url, page.html, number, {}, selector)))
    except ItemRejected:
        pass


def report(results: dict[str, StageTimes]) -> None:
    """Milliseconds per page by stage and the ratio to bare extraction, per corpus and overall."""
    total = StageTimes()
    for name, times in results.items():
        if name.startswith("adapter"):
            continue  # the same pages again, with the selector: not counted twice
        for stage, values in times.samples.items():
            total.samples.setdefault(stage, []).extend(values)
    headers = ["corpus", "pages", "bare trafilatura", *STAGES, "pipeline", "ratio",
               "extract w/o hints", "pipeline w/o hints", "ratio w/o hints"]
    rows = []
    for name, times in [*results.items(), ("all", total)]:
        pages = len(times.samples.get("pages", [])) or 1
        per = {s: times.total(s) / pages for s in (*STAGES, "baseline", "extract_no_hints")}
        pipeline = sum(per[s] for s in STAGES)
        no_hints = pipeline - per["extract"] + per["extract_no_hints"]
        rows.append([name, str(pages), fmt_ms(per["baseline"]),
                     *(fmt_ms(per[s]) for s in STAGES), fmt_ms(pipeline),
                     f"{pipeline / per['baseline']:.2f}x", fmt_ms(per["extract_no_hints"]),
                     fmt_ms(no_hints), f"{no_hints / per['baseline']:.2f}x"])
    print("\nmean milliseconds per page (ratio = pipeline / bare trafilatura.extract)")
    print_table(headers, rows)
    pipeline_ms = sum(total.total(s) for s in STAGES) / (len(total.samples["pages"]) or 1)
    print(f"\nper-page bound for one crawl process: {1 / pipeline_ms:.1f} pages/s "
          f"({fmt_ms(pipeline_ms)} ms/page of pipeline work on one core)")
    shares = {s: total.total(s) / sum(total.total(x) for x in STAGES) for s in STAGES}
    print("stage shares: " + ", ".join(f"{s} {100 * v:.1f}%" for s, v in shares.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="aeb + real_pages only (190 pages), not trafilatura's 990")
    parser.add_argument("--limit", type=int, default=0, help="stop after N pages")
    parser.add_argument("--db", help="SQLite file to store into (default: a temporary file)")
    args = parser.parse_args(argv)
    print_machine("pipeline_cost: newsmon stages vs bare trafilatura.extract, same pages")
    corpora = ("aeb", "real_pages") if args.quick else ("aeb", "real_pages", "trafilatura")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or str(Path(tmp) / "bench.db")
        report(measure(corpora, args.limit, db_path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
