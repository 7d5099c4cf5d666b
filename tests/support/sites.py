"""Article records and sources files for fixture sites (rendered by `newsmon.demo.sitegen`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


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


def utc_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).date().isoformat()
