"""`newsmon classify` (JSON lines in, JSON lines out) and `newsmon reclassify` (the database)."""

from __future__ import annotations

import json
import sys
import time
from typing import IO

import click

from classifiers import classify, detect_language
from crawler.context import AppContext
from store.items import classification_columns, write_classification


def classify_line(line: str) -> dict:
    """The classify() contract for one input line, or {"error": ...} for a line that isn't one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(record, dict):
        return {"error": "expected a JSON object with title and text"}
    title, text = record.get("title") or "", record.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        return {"error": "title and text must be strings"}
    result = classify(title, text, record.get("lang") or None)
    if record.get("url"):
        result = {"url": record["url"], **result}
    return result


@click.command("classify")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def classify_cmd(file: IO[str]) -> None:
    """Classify JSON lines {"title", "text", "lang"?, "url"?} from FILE or stdin."""
    failed = 0
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        result = classify_line(line)
        if "error" in result:
            failed += 1
            result = {"line": number, **result}
            click.echo(f"line {number}: {result['error']}", err=True)
        click.echo(json.dumps(result, ensure_ascii=False))
    sys.exit(1 if failed else 0)


def reclassify_items(db, batch: int = 500) -> tuple[int, float]:
    """Re-detect language and re-classify every stored item; triage rows are not touched."""
    started = time.perf_counter()
    done = 0
    rows = db.execute("SELECT id, title, text, kz_relevant FROM items ORDER BY id").fetchall()
    for start in range(0, len(rows), batch):
        with db.atomic():
            for item_id, title, text, was_relevant in rows[start:start + batch]:
                lang = detect_language(f"{title or ''}\n{text or ''}")
                result = classify(title or "", text or "", lang)
                # Keep relevance the outlet gave (a KZ outlet), not only what the text says.
                result["kz_relevant"] = bool(result.get("kz_relevant")) or bool(was_relevant)
                columns = classification_columns(result)
                columns["lang"] = lang
                db["items"].update(item_id, columns)
                write_classification(db, item_id, result)
                done += 1
    return done, time.perf_counter() - started


@click.command("reclassify")
@click.pass_obj
def reclassify_cmd(app: AppContext) -> None:
    """Re-run language detection and classification on all stored items (keeps triage)."""
    db = app.open_db()
    count, seconds = reclassify_items(db)
    rate = count / seconds if seconds > 0 else 0.0
    click.echo(f"reclassified {count} items in {seconds:.1f} s ({rate:.0f} items/s)")
