"""Run the news spider on one source, in this process; tests start it in a subprocess.

    python -m tests.sites.run_crawl --sources FILE --name NAME --db DB --out DIR
        [--base-url URL] [--since YYYY-MM-DD] [--set KEY=VALUE ...]

Pipelines are replaced by a JSON-lines writer that also keeps a minimal `items` table (url,
source, published, fetched_at), so a second run sees what the first one stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import sqlite_utils
from scrapy import Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.items import ArticleItem
from crawler.signals import fetch_failed, url_skipped
from crawler.sources import get_source, load_sources
from spiders.news import NewsSpider

TEST_SETTINGS = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True,
    "RETRY_ENABLED": False, "DOWNLOAD_TIMEOUT": 3, "LOG_LEVEL": "INFO",
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "ITEM_PIPELINES": {"tests.sites.run_crawl.JsonLinesStore": 900},
    "EXTENSIONS": {"tests.sites.run_crawl.SignalLog": 100},
}


class JsonLinesStore:
    """Writes each item as a JSON line and upserts it into a minimal `items` table."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.out = Path(crawler.settings["NEWSMON_TEST_OUT"])
        self.db = sqlite_utils.Database(crawler.settings["NEWSMON_DB"])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesStore:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        record = {k: v for k, v in vars(item).items() if k != "body"}
        record["body_text"] = item.body.decode(item.encoding or "utf-8", "replace")
        with (self.out / "items.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        exists = self.db["items"].exists() and self.db.execute(
            "SELECT 1 FROM items WHERE url = ?", [item.url]).fetchone()
        self.db["items"].upsert({"url": item.url, "source": item.source,
                                 "published": item.hints.get("published"),
                                 "fetched_at": item.fetched_at}, pk="url")
        self.crawler.stats.inc_value("newsmon/items_updated" if exists else "newsmon/items_new")
        return item


class SignalLog:
    """Writes every fetch_failed / url_skipped signal as a JSON line (tests assert on them)."""

    def __init__(self, out: Path):
        self.out = out

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SignalLog:
        log = cls(Path(crawler.settings["NEWSMON_TEST_OUT"]))
        crawler.signals.connect(log.failed, signal=fetch_failed)
        crawler.signals.connect(log.skipped, signal=url_skipped)
        crawler.signals.connect(log.closed, signal=signals.spider_closed)
        return log

    def write(self, record: dict) -> None:
        with (self.out / "signals.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def failed(self, url: str, stage: str, reason: str) -> None:
        self.write({"signal": "fetch_failed", "url": url, "stage": stage, "reason": reason})

    def skipped(self, url: str, reason: str) -> None:
        self.write({"signal": "url_skipped", "url": url, "reason": reason})

    def closed(self, spider: Spider, reason: str) -> None:
        stats = {k: v for k, v in spider.crawler.stats.get_stats().items()
                 if isinstance(v, int | float | str)}
        (self.out / "stats.json").write_text(json.dumps(stats, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--base-url")
    parser.add_argument("--since")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    source = get_source(load_sources(args.sources), args.name)
    if args.base_url:
        source = source.with_base_url(args.base_url)
    settings = get_project_settings()
    settings.setdict({**TEST_SETTINGS, "NEWSMON_DB": args.db, "NEWSMON_TEST_OUT": args.out},
                     priority="cmdline")
    for pair in args.set:
        key, _, value = pair.partition("=")
        settings.set(key, value, priority="cmdline")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    process = CrawlerProcess(settings)
    process.crawl(NewsSpider, source=source, since=args.since)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
