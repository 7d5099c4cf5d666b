"""The crawl job: run the enabled sources once as one recorded run, under the run lock."""

from __future__ import annotations

import importlib.util
import os
from datetime import date
from pathlib import Path
from typing import Any

from crawler.browser import browser_problem
from newsmon.context import AppContext
from newsmon.envconfig import private_hosts
from newsmon.errors import ConfigError
from newsmon.jobs.classify import checked_rules
from newsmon.jobs.crawl_report import CrawlReport
from newsmon.jobs.runner import STAT_KEYS, run_crawl, summarise_stats
from newsmon.lock import run_lock
from sites.sources import Source, SourcesError, default_sources_path, load_sources
from store import finish_run, record_error, start_run


def select_sources(path: str | Path | None, only: tuple[str, ...] = ()) -> list[Source]:
    """The enabled sources of `path`, or exactly those named by --only (enabled or not)."""
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        raise ConfigError(str(exc)) from None
    names = {s.name: s for s in sources}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ConfigError(f"{path}: no source named {', '.join(unknown)} "
                          f"(known: {', '.join(names)})")
    chosen = [names[n] for n in only] if only else [s for s in sources if s.enabled]
    for source in chosen:  # a browser source needs the extra and Chromium: say so up front
        if source.fetch == "browser" and (problem := browser_problem()):
            raise ConfigError(f"{path or default_sources_path()}: source {source.name!r}: "
                              f"{problem}")
    return chosen


def crawl_sources(app: AppContext, sources: list[Source], since: date | None = None,
                  overrides: dict[str, Any] | None = None, command: str = "crawl"
                  ) -> CrawlReport:
    """Crawl into the database as one recorded run (no lock: the caller holds it)."""
    db = app.connect()
    try:
        run_id = start_run(db, command, [s.name for s in sources])
    finally:
        db.close()
    stats = run_crawl(sources, app.db_path, run_id, since, overrides) if sources else {}
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
    overrides = {"NEWSMON_PRIVATE_HOSTS": list(private_hosts()), **(overrides or {})}
    if redis_url := os.environ.get("NEWSMON_REDIS_URL"):
        # Scale-out: crawler processes share one request queue and push what they find to
        # `newsmon ingest` (docs/scaling.md); each holds the lock of its own worker name.
        if command != "crawl":
            raise ConfigError(f"newsmon {command}: NEWSMON_REDIS_URL is set (scale-out mode): "
                              "run `newsmon crawl` on the crawler machines and `newsmon "
                              "ingest`, then `newsmon digest`, beside the database")
        if importlib.util.find_spec("scrapy_redis") is None:
            raise ConfigError("NEWSMON_REDIS_URL is set but scrapy-redis is not installed "
                              "(pip install 'newsmon[scale]')")
        from newsmon.jobs.scaleout import push_crawl

        holder = "worker-" + os.environ.get("NEWSMON_REDIS_WORKER", "1")
        with run_lock(app.db_path, command, holder):
            checked_rules()  # a broken rule file stops the run before any page is fetched
            return push_crawl(sources, redis_url, since, overrides)
    with run_lock(app.db_path, command):
        checked_rules()
        return crawl_sources(app, sources, since, overrides, command)
