"""The crawl job: run the enabled sources once as one recorded run, under the run lock."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsmon.context import AppContext
from newsmon.envconfig import private_hosts
from newsmon.errors import EXIT_ALL_FAILED, EXIT_FAILURES, EXIT_OK, ConfigError
from newsmon.jobs.classify import checked_rules
from newsmon.jobs.runner import STAT_KEYS, run_crawl, summarise_stats
from newsmon.lock import run_lock
from sites.sources import Source, SourcesError, load_sources
from store import finish_run, record_error, start_run


@dataclass
class CrawlReport:
    """One recorded run: its `crawl_runs` row and the counts per source."""

    run: dict[str, Any]
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    unrecorded: int = 0  # failures the database refused to record (disk full)

    @property
    def all_failed(self) -> bool:
        """Every source failed and none read a single feed or page: an outage."""
        return bool(self.per_source) and all(
            s["errors"] and not s["feeds_fetched"] and not any(s[k] for k in STAT_KEYS)
            for s in self.per_source.values())

    @property
    def exit_code(self) -> int:
        if self.all_failed:
            return EXIT_ALL_FAILED
        return EXIT_FAILURES if self.run["errors"] or self.unrecorded else EXIT_OK


def select_sources(path: str | Path | None, only: tuple[str, ...] = ()) -> list[Source]:
    """The enabled sources of `path`, or exactly those named by --only (enabled or not)."""
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        raise ConfigError(str(exc)) from None
    if not only:
        return [s for s in sources if s.enabled]
    names = {s.name: s for s in sources}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ConfigError(f"{path}: no source named {', '.join(unknown)} "
                          f"(known: {', '.join(names)})")
    return [names[n] for n in only]


def crawl_sources(app: AppContext, sources: list[Source], since: date | None = None,
                  overrides: dict[str, Any] | None = None, command: str = "crawl",
                  outage: str | None = None) -> CrawlReport:
    """Crawl into the database as one recorded run (no lock: the caller holds it).

    `outage`: why nothing can be crawled at all (the shared queue is down); every source
    then fails with that reason, recorded.
    """
    db = app.connect()
    try:
        run_id = start_run(db, command, [s.name for s in sources])
    finally:
        db.close()
    if outage:
        stats = {s.name: {"newsmon/crawl_failed": outage} for s in sources}
    else:
        stats = run_crawl(sources, app.db_path, run_id, since, overrides) if sources else {}
        if problem := after_crawl_check(overrides or {}):
            for values in stats.values():
                values["newsmon/crawl_failed"] = "; ".join(
                    filter(None, [problem, values.get("newsmon/crawl_failed")]))
    record_crawler_failures(app, run_id, stats)
    per_source = summarise_stats(stats)
    totals = {key: sum(s[key] for s in per_source.values()) for key in STAT_KEYS}
    unrecorded = sum(int(s.get("newsmon/errors_unrecorded", 0)) for s in stats.values())
    db = app.connect()
    try:
        run = finish_run(db, run_id, totals, status="failed" if unrecorded else None)
    finally:
        db.close()
    return CrawlReport(run, per_source, unrecorded)


def record_crawler_failures(app: AppContext, run_id: int, stats: dict[str, dict]) -> None:
    """A `crawl_errors` row for each source whose crawler failed as a whole."""
    failed = {name: values["newsmon/crawl_failed"] for name, values in stats.items()
              if values.get("newsmon/crawl_failed")}
    if not failed:
        return
    db = app.connect()
    try:
        for name, reason in failed.items():
            record_error(db, run_id, name, "", "crawl", f"the crawl of this source failed: "
                                                        f"{reason}")
            stats[name]["newsmon/errors"] = int(stats[name].get("newsmon/errors", 0)) + 1
    finally:
        db.close()


def redis_problem(url: str) -> str | None:
    """Why the shared queue at `url` cannot be used now (None: it answers); ConfigError for
    a URL that is not one."""
    import redis

    shown = redact(url)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    except ValueError as exc:
        raise ConfigError(f"NEWSMON_REDIS_URL {shown!r} is not a Redis URL: {exc}") from None
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"the shared queue (Redis at {shown}) does not answer: {exc}"
    finally:
        client.close()
    return None


def redact(url: str) -> str:
    """`url` without a password."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)


def after_crawl_check(overrides: dict[str, Any]) -> str | None:
    """After a scale-out crawl: the queue must still answer, else the run did not finish."""
    url = overrides.get("NEWSMON_REDIS_URL")
    problem = redis_problem(url) if url else None
    return f"{problem} (checked after the crawl)" if problem else None


#: How a `-s` value is read for a setting whose default has this type.
SETTING_TYPES = {bool: ("getbool", "true or false"), int: ("getfloat", "a number"),
                 float: ("getfloat", "a number")}


def parse_settings(pairs: tuple[str, ...]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs (Scrapy's own convention) as a settings dict, each value checked
    against the type of the setting's default (a timeout stays a number)."""
    from newsmon.jobs.runner import project_settings

    settings = {}
    defaults = project_settings()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(f"-s expects NAME=VALUE, got {pair!r}")
        if check := SETTING_TYPES.get(type(defaults.get(name))):
            try:
                getattr(project_settings({name: value}), check[0])(name)
            except ValueError:
                raise ConfigError(f"-s {name}={value[:40]!r}: must be {check[1]}") from None
        settings[name] = value
    return settings


def crawl(app: AppContext, sources_path: str | Path | None, only: tuple[str, ...] = (),
          since: date | None = None, overrides: dict[str, Any] | None = None,
          command: str = "crawl") -> CrawlReport:
    """The crawl as `newsmon crawl` and `newsmon run` do it; AlreadyRunning if locked."""
    sources = select_sources(sources_path, only)
    checked_rules()  # a broken rule file stops the run before any page is fetched
    overrides = {"NEWSMON_PRIVATE_HOSTS": list(private_hosts()), **(overrides or {})}
    holder = ""
    if redis_url := os.environ.get("NEWSMON_REDIS_URL"):
        # Several `newsmon crawl` workers share one queue and dupefilter (docs/scaling.md);
        # each holds the lock of its own worker name, so workers may share the database.
        try:
            from crawler.scaleout import redis_settings
            from crawler.scaleout.scheduler import SourceScheduler  # noqa: F401 - the extra
        except ImportError:
            raise ConfigError("NEWSMON_REDIS_URL is set but scrapy-redis is not installed "
                              "(pip install 'newsmon[scale]')") from None
        overrides = {**redis_settings(redis_url), **overrides}
        holder = "worker-" + os.environ.get("NEWSMON_REDIS_WORKER", "1")
    outage = redis_problem(redis_url) if redis_url else None
    with run_lock(app.db_path, command, holder):
        return crawl_sources(app, sources, since, overrides, command, outage)


def format_report(report: CrawlReport) -> str:
    """One line per source and a total: what cron mails and `-v` prints."""
    lines = [
        f"  {name}: {s['items_new']} new, {s['items_updated']} updated, "
        f"{s['items_unchanged']} unchanged, {s['errors']} errors"
        for name, s in sorted(report.per_source.items())
    ]
    run = report.run
    lines.append(
        f"run {run['id']} {run['status']}: {run['items_new']} new, {run['items_updated']} "
        f"updated, {run['items_unchanged']} unchanged, {run['errors']} errors"
    )
    return "\n".join(lines)


def failing_sources(app: AppContext, run_id: int) -> list[str]:
    """One line per source that had failures in run `run_id`: name, count, main reason."""
    from crawler.extensions.health import reason_class

    db = app.connect()
    try:
        rows = db.execute("SELECT source, stage, reason FROM crawl_errors WHERE run_id = ?",
                          [run_id]).fetchall()
    finally:
        db.close()
    by_source: dict[str, Counter[str]] = {}
    for source, stage, reason in rows:
        by_source.setdefault(source or "?", Counter())[f"{stage}: {reason_class(reason)}"] += 1
    lines = []
    for source, reasons in sorted(by_source.items()):
        (main, count), total = reasons.most_common(1)[0], sum(reasons.values())
        more = f"; {len(reasons) - 1} other reason(s)" if len(reasons) > 1 else ""
        lines.append(f"  {source}: {total} failed, mostly {main} (×{count}){more}")
    return lines
