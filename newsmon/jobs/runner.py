"""Run the news spider over a set of sources in one Scrapy process and collect their stats."""

from __future__ import annotations

from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from sites.sources import Source
from spiders.news import NewsSpider

STAT_KEYS = ("items_new", "items_updated", "items_unchanged")


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """crawler.settings with `overrides` on top, at command-line priority."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def crawl_settings(db_path: str, run_id: int, overrides: dict[str, Any] | None = None
                   ) -> Settings:
    """The settings of a newsmon crawl into `db_path` as run `run_id`."""
    # Logging is the CLI's (quiet by default, -v/-vv louder); Scrapy must not add a handler.
    return project_settings({"NEWSMON_DB": db_path, "NEWSMON_RUN_ID": run_id,
                             "LOG_INSTALL_ROOT_HANDLER": False, **(overrides or {})})


def run_crawl(
    sources: list[Source], db_path: str, run_id: int, since: date | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl `sources` into `db_path` (blocks until done); return Scrapy stats per source.

    A source whose crawler failed as a whole (it could not start: a shared queue that is
    down, a component that crashed) has its reason under "newsmon/crawl_failed".
    """
    # LOG_INSTALL_ROOT_HANDLER=False (crawl_settings) keeps Scrapy off the root logger.
    process = CrawlerProcess(crawl_settings(db_path, run_id, overrides))
    crawlers, failed = {}, {}
    for source in sources:
        # Pass the class, not a pre-made Crawler: crawl() applies the spider's own
        # update_settings (its offsite middleware and health extension) to a fresh copy.
        before = set(process.crawlers)
        done = process.crawl(NewsSpider, source=source, since=since)
        done.addErrback(_crawler_failed, source.name, failed)
        # (a crawler that failed at once has already left process.crawlers)
        for crawler in set(process.crawlers) - before:
            crawlers[source.name] = crawler
    process.start()
    stats = {s.name: crawlers[s.name].stats.get_stats() if s.name in crawlers else {}
             for s in sources}
    for name, reason in failed.items():
        stats[name]["newsmon/crawl_failed"] = reason
    return stats


def _crawler_failed(failure: Any, name: str, failed: dict[str, str]) -> None:
    """Keep why a whole crawler failed (recorded as the source's failure; no traceback)."""
    failed[name] = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]


def summarise_stats(stats: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per source: new/updated/unchanged items, errors and feeds read, from the stages' stats."""
    return {
        name: {
            **{key: int(values.get(f"newsmon/{key}", 0)) for key in STAT_KEYS},
            "errors": int(values.get("newsmon/errors", 0)),
            "feeds_fetched": int(values.get("newsmon/feeds_fetched", 0)),
        }
        for name, values in stats.items()
    }
