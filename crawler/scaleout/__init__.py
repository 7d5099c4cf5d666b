"""Scale-out mode: many crawl processes share one request queue and dupefilter in Redis.

`redis_settings(url)` returns Scrapy settings to merge into a crawl's overrides. Every
process started with the same URL and run key pulls from the same per-source queue, and a
URL any of them has scheduled is never fetched again in that run. Items still go through
each process's own pipelines into SQLite (see docs/scaling.md for when to funnel writes).
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
    """`NEWSMON_REDIS_RUN`, else the UTC hour: workers cron starts together share a run."""
    return os.environ.get("NEWSMON_REDIS_RUN") or datetime.now(UTC).strftime(
        "%Y%m%dT%H")


def redis_settings(url: str, run: str | None = None) -> dict[str, Any]:
    """Scrapy settings for the shared-queue mode; merge into `run_crawl` overrides."""
    prefix = KEY_PREFIX.replace("%(run)s", (run or default_run_key()).replace("%", "%%"))
    return {
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
        # SharedQueueIdle is in crawler.settings' EXTENSIONS and turns itself on with
        # NEWSMON_REDIS_URL: replacing the EXTENSIONS dict here would switch off the recorder.
    }


def source_key(template: str, spider: Any) -> str:
    """`template` with the spider's source filled in: each source has its own queue.

    One process runs one crawler per source, all named "news"; keyed by spider name alone
    they would pop each other's requests and store articles under the wrong source.
    """
    source = getattr(getattr(spider, "source", None), "name", None) or spider.name
    return template.replace("%(source)s", source.replace("%", "%%"))
