"""Scale-out mode: many crawl processes share one request queue in Redis and one writer.

`redis_settings(url)` returns Scrapy settings to merge into a crawl's overrides. Every
process started with the same URL and run key pulls from the same per-source request queue,
and a URL any of them has scheduled is never fetched again in that run. Nothing is written to
SQLite by these processes: `pipelines.push.PushPipeline` and `report.FunnelReporter` push
items, failures and run records onto the funnel queue (`wire`, `queue`), and one
`newsmon ingest` writes them into the database (docs/scaling.md).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)

KEY_PREFIX = "newsmon:%(run)s:%(source)s"
DEFAULT_TTL = 2 * 24 * 3600  # keys of a finished run linger this long, then Redis drops them


def default_run_key() -> str:
    """`NEWSMON_REDIS_RUN`, else the UTC minute: workers cron starts together share a run.

    Not the hour: a crawl every 30 minutes would find the first one's dupefilter and fetch
    nothing. Cron starts its jobs at the top of the minute, so they agree on the minute.
    """
    return os.environ.get("NEWSMON_REDIS_RUN") or datetime.now(UTC).strftime(
        "%Y%m%dT%H%M")


def redis_settings(url: str, run: str | None = None) -> dict[str, Any]:
    """Scrapy settings for the scale-out mode; merge into `run_crawl` overrides."""
    run = run or default_run_key()
    prefix = KEY_PREFIX.replace("%(run)s", run.replace("%", "%%"))
    return {
        # No database in a crawler process: the store, evidence, recorder and health stages
        # switch themselves off, the push stage and the funnel reporter on.
        "NEWSMON_DB": "",
        "NEWSMON_REDIS_RUN": run,
        "SCHEDULER": "crawler.scaleout.scheduler.SourceScheduler",
        "DUPEFILTER_CLASS": "crawler.scaleout.scheduler.SourceDupeFilter",
        "REDIS_URL": url,
        # Kept on close: the first worker to finish must not wipe the others' queue. The run
        # key keeps runs apart; NEWSMON_REDIS_TTL expires the keys afterwards.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": prefix + ":requests",
        "SCHEDULER_DUPEFILTER_KEY": prefix + ":dupefilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "NEWSMON_REDIS_URL": url,
        "NEWSMON_REDIS_BUSY_KEY": prefix + ":busy",
        # SharedQueueIdle, FunnelReporter and PushPipeline are in crawler.settings and turn
        # themselves on with NEWSMON_REDIS_URL: replacing the EXTENSIONS or ITEM_PIPELINES
        # dicts here would switch off every other component in them.
    }


def source_key(template: str, spider: Any) -> str:
    """`template` with the spider's source filled in: each source has its own queue.

    One process runs one crawler per source, all named "news"; keyed by spider name alone
    they would pop each other's requests and store articles under the wrong source.
    """
    source = getattr(getattr(spider, "source", None), "name", None) or spider.name
    return template.replace("%(source)s", source.replace("%", "%%"))
