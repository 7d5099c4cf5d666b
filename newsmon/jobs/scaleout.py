"""A crawler process of the scale-out mode: crawl into the Redis funnel, write nothing here.

`newsmon crawl` runs this when `NEWSMON_REDIS_URL` is set. Items, failures and each
source's run record go to Redis; `newsmon ingest` writes them into the database, so this
process needs no database and may run on any machine (docs/scaling.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.scaleout import redis_settings
from crawler.scaleout.queue import open_redis
from newsmon.context import AppContext
from newsmon.errors import EXIT_FAILURES
from newsmon.jobs.crawl_report import CrawlReport, failure_lines
from newsmon.jobs.runner import STAT_KEYS, run_crawl, summarise_stats
from sites.sources import Source

FAILED = "newsmon/failed/"  # stats prefix of FunnelReporter's "<stage>: <reason>" counts


@dataclass
class PushReport(CrawlReport):
    """A crawler process's run: what it pushed and what failed, per source."""

    failures: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    queue_lost: str = ""  # Redis stopped answering mid-run: not everything was delivered

    @property
    def all_failed(self) -> bool:
        """Crawlers share each source's request queue, so one may draw only article pages
        and never a feed: an outage only if none of its requests got any HTTP answer."""
        return super().all_failed and not any(
            s.get("responses") for s in self.per_source.values())

    @property
    def exit_code(self) -> int:
        code = super().exit_code
        return max(code, EXIT_FAILURES) if self.queue_lost else code

    def format(self) -> str:
        lines = [f"  {name}: {s['items_pushed']} pushed, {s['errors']} errors"
                 for name, s in sorted(self.per_source.items())]
        run = self.run
        lines.append(f"run {run['id']} (scale-out) {run['status']}: {run['items_pushed']} "
                     f"item(s) and {run['errors']} error(s) pushed for newsmon ingest")
        return "\n".join(lines)

    def failing_lines(self, app: AppContext) -> list[str]:
        lines = failure_lines(self.failures)
        if self.queue_lost:
            lines.append(f"  lost the Redis queue mid-run ({self.queue_lost}); what was not "
                         "pushed is fetched again next run")
        return lines

    @property
    def recorded_in(self) -> str:
        if self.queue_lost:
            return f"in run {self.run['id']}, not all delivered to Redis"
        return f"pushed for run {self.run['id']} (newsmon ingest records them in crawl_errors)"


def push_crawl(sources: list[Source], redis_url: str, since: date | None = None,
               overrides: dict[str, Any] | None = None) -> PushReport:
    """Crawl `sources` into the funnel; QueueUnavailable at once if Redis does not answer."""
    open_redis(redis_url)
    settings = {**redis_settings(redis_url), **(overrides or {})}
    stats = run_crawl(sources, "", 0, since, settings) if sources else {}
    per_source = summarise_stats(stats)
    failures: dict[str, Counter[tuple[str, str]]] = {}
    queue_lost = ""
    for name, values in stats.items():
        per_source[name]["items_pushed"] = int(values.get("newsmon/items_pushed", 0))
        per_source[name]["responses"] = int(values.get("downloader/response_count", 0))
        for key, count in values.items():
            if key.startswith(FAILED):
                stage, _, reason = key[len(FAILED):].partition(": ")
                failures.setdefault(name, Counter())[(stage, reason)] += int(count)
        if "finish_reason" not in values:  # the crawler never opened (e.g. Redis went away)
            queue_lost = queue_lost or f"the crawler of {name} did not start; see the log"
        queue_lost = queue_lost or values.get("newsmon/queue_lost", "")
    totals = {key: sum(s[key] for s in per_source.values())
              for key in ("errors", "items_pushed", *STAT_KEYS)}
    run = {"id": settings["NEWSMON_REDIS_RUN"], **totals,
           "status": "errors" if totals["errors"] or queue_lost else "ok"}
    return PushReport(run, per_source, failures=failures, queue_lost=queue_lost)
