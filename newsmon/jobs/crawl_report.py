"""What a crawl run reports: counts per source, the exit code, and the one line per failing
source that cron mails (shared by the local crawl and the scale-out push)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from newsmon.context import AppContext
from newsmon.errors import EXIT_ALL_FAILED, EXIT_FAILURES, EXIT_OK
from newsmon.jobs.runner import STAT_KEYS


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

    def format(self) -> str:
        """One line per source and a total (`-v`)."""
        return format_report(self)

    def failing_lines(self, app: AppContext) -> list[str]:
        """One line per source with failures: what cron mails."""
        return failing_sources(app, self.run["id"])

    @property
    def recorded_in(self) -> str:
        return f"recorded in crawl_errors for run {self.run['id']}"


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
    failures: dict[str, Counter[tuple[str, str]]] = {}
    for source, stage, reason in rows:
        failures.setdefault(source or "?", Counter())[(stage, reason_class(reason))] += 1
    return failure_lines(failures)


def failure_lines(failures: dict[str, Counter[tuple[str, str]]]) -> list[str]:
    """Per source (stage, reason) counts -> `name: N failed, mostly REASON (×n in STAGES)`."""
    lines = []
    for source, counts in sorted(failures.items()):
        reasons: Counter[str] = Counter()
        stages: dict[str, set[str]] = {}
        for (stage, reason), count in counts.items():
            reasons[reason] += count
            stages.setdefault(reason, set()).add(stage)
        main, count = reasons.most_common(1)[0]
        more = f"; {len(reasons) - 1} other reason(s)" if len(reasons) > 1 else ""
        lines.append(f"  {source}: {reasons.total()} failed, mostly {main} "
                     f"(×{count} in {', '.join(sorted(stages[main]))}){more}")
    return lines
