"""The demo job: serve the bundled sample sites on 127.0.0.1, crawl them into a demo database,
and summarise what was flagged."""

from __future__ import annotations

import json
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

from core.domain import TOPICS
from newsmon.context import AppContext
from newsmon.demo.sites import start_demo_sites
from newsmon.jobs.crawl import crawl_sources
from newsmon.jobs.crawl_report import CrawlReport
from store import connect

#: The sample sites are ours and local: no politeness delay, no throttling.
DEMO_OVERRIDES = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "ERROR"}
DEMO_USER, DEMO_PASSWORD = "demo", "demo"


def printable(text: str, width: int = 90) -> str:
    """Crawled text made safe for a terminal: no control or escape characters, one line."""
    clean = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    clean = " ".join(clean.split())
    return clean if len(clean) <= width else clean[: width - 1] + "…"


def earlier_triage(out_dir: Path) -> int:
    """Triage decisions in an earlier demo database under `out_dir` (0 when there is none)."""
    db_path = out_dir / "newsmon.db"
    if not db_path.is_file():
        return 0
    db = connect(db_path)
    try:
        return db.execute("SELECT count(*) FROM triage_log").fetchone()[0]
    finally:
        db.close()


def next_free_dir(out_dir: Path) -> Path:
    """`out_dir` with the first free numeric suffix (newsmon-demo-2, -3, ...)."""
    number = 2
    while (candidate := out_dir.with_name(f"{out_dir.name}-{number}")).exists():
        number += 1
    return candidate


def fresh_database(out_dir: Path) -> Path:
    """An empty demo database in `out_dir` (whatever an earlier demo left there is removed)."""
    db_path = out_dir / "newsmon.db"
    for leftover in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(out_dir / "mail", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    return db_path


def crawl_demo(db_path: Path, verbose: int = 0) -> CrawlReport:
    """Crawl the sample sites into `db_path` and add the sample coordinator's subscription."""
    from alerts.subscriptions import ensure_demo_subscription

    demo = AppContext(db_path=str(db_path), verbose=verbose)
    sources, servers = start_demo_sites()
    try:
        report = crawl_sources(demo, sources, overrides=DEMO_OVERRIDES, command="demo")
    finally:
        for server in servers:
            server.stop()
    db = demo.connect()
    try:
        ensure_demo_subscription(db)
    finally:
        db.close()
    return report


def summary(db_path: Path) -> str:
    """Items per source, flagged per topic and language, the flagged titles and the errors."""
    db = connect(db_path, create=False)
    lines = ["", "Items per source:"]
    for source, count, flagged in db.execute(
        "SELECT source, count(*), sum(flagged) FROM items GROUP BY source ORDER BY source"
    ):
        lines.append(f"  {printable(source, 40):<12} {count:>3} items, {flagged or 0:>2} flagged")
    per_topic: Counter[tuple[str, str]] = Counter()
    for topic, lang in db.execute(
        "SELECT t.topic, i.lang FROM item_topics t JOIN items i ON i.id = t.item_id"
    ):
        per_topic[(topic, lang)] += 1
    lines.append("Flagged per topic (by language):")
    for topic in TOPICS:
        langs = {lang: n for (t, lang), n in per_topic.items() if t == topic}
        detail = ", ".join(f"{lang} {n}" for lang, n in sorted(langs.items())) or "none"
        lines.append(f"  {topic:<10} {sum(langs.values()):>3}  ({detail})")
    lines.append("Flagged items:")
    for lang, topics, title in db.execute(
        "SELECT lang, topics, title FROM items WHERE flagged = 1 ORDER BY published DESC"
    ):
        lines.append(f"  [{lang}] {','.join(json.loads(topics)):<18} {printable(title)}")
    errors = db.execute("SELECT stage, reason, url FROM crawl_errors").fetchall()
    lines.append(f"Errors: {len(errors)}")
    lines.extend(f"  {printable(stage, 20)}: {printable(reason, 60)} {printable(url, 200)}"
                 for stage, reason, url in errors)
    db.close()
    return "\n".join(lines)
