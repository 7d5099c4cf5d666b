"""Fixture sites and a crawl runner for the spider tests (imported by tests/test_spider*.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def make_articles(count: int, *, start: str = "2024-03-31T09:00:00+05:00", step_hours: int = 26,
                  first_id: int = 33000000, lang: str = "ru",
                  sections: tuple[str, ...] = ("kazakhstan", "world")) -> list[dict[str, Any]]:
    """`count` article records, newest first, one every `step_hours` going back from `start`."""
    newest = datetime.fromisoformat(start)
    records = []
    for n in range(count):
        published = newest - timedelta(hours=step_hours * n)
        records.append({
            "id": first_id + count - n, "slug": f"story-number-{count - n}", "lang": lang,
            "title": f"Заголовок статьи {count - n}", "published": published.isoformat(),
            "authors": [f"Автор {n % 3}"], "section": sections[n % len(sections)],
            "paragraphs": [f"Первый абзац статьи {count - n}. " * 5,
                           f"Второй абзац статьи {count - n}. " * 5],
        })
    return records


def sources_toml(path: Path, entries: list[dict[str, Any]]) -> Path:
    """Write a sources file with one [[source]] table per entry."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)
    lines = []
    for entry in entries:
        lines.append("[[source]]")
        lines += [f"{k} = {value(v)}" for k, v in entry.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class CrawlResult:
    returncode: int
    log: str
    items: list[dict[str, Any]] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [s for s in self.signals if s["signal"] == "fetch_failed"]

    @property
    def urls(self) -> list[str]:
        return [item["url"] for item in self.items]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run_crawl(sources: Path, name: str, db: Path, out: Path, *, base_url: str | None = None,
              since: str | None = None, timeout: float = 120, **settings: Any) -> CrawlResult:
    """Run one crawl of source `name` in a fresh interpreter; read what it wrote to `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for name_ in ("items.jsonl", "signals.jsonl", "stats.json"):
        (out / name_).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "tests.sites.run_crawl", "--sources", str(sources),
           "--name", name, "--db", str(db), "--out", str(out)]
    if base_url:
        cmd += ["--base-url", base_url]
    if since:
        cmd += ["--since", since]
    for key, value in settings.items():
        cmd += ["--set", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    stats_file = out / "stats.json"
    return CrawlResult(
        returncode=proc.returncode, log=proc.stdout + proc.stderr,
        items=_read_jsonl(out / "items.jsonl"), signals=_read_jsonl(out / "signals.jsonl"),
        stats=json.loads(stats_file.read_text()) if stats_file.exists() else {},
    )


def utc_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).date().isoformat()
