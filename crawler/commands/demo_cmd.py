"""`newsmon demo`: crawl the bundled sample sites offline into a fresh database, then serve it."""

from __future__ import annotations

import json
import shutil
import signal
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import click

from crawler.commands.crawl_cmd import crawl_sources, format_run
from crawler.context import AppContext
from crawler.demo.sites import start_demo_sites

#: The sample sites are ours and local: no politeness delay, no throttling.
DEMO_OVERRIDES = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "ERROR"}
DEMO_USER, DEMO_PASSWORD = "demo", "demo"


def printable(text: str, width: int = 90) -> str:
    """Crawled text made safe for a terminal: no control or escape characters, one line."""
    clean = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    clean = " ".join(clean.split())
    return clean if len(clean) <= width else clean[: width - 1] + "…"


def fresh_database(out_dir: Path) -> Path:
    """An empty demo directory: the demo always starts from nothing."""
    db_path = out_dir / "newsmon.db"
    for leftover in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(f"{db_path}.snapshots", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    return db_path


def summary(app: AppContext) -> str:
    """Items per source, flagged per topic and language, and the flagged titles."""
    db = app.open_db()
    lines = ["", "Items per source:"]
    for source, count, flagged in db.execute(
        "SELECT source, count(*), sum(flagged) FROM items GROUP BY source ORDER BY source"
    ):
        lines.append(f"  {printable(source, 40):<12} {count:>3} items, {flagged or 0:>2} flagged")
    per_topic = Counter()
    for topic, lang in db.execute(
        "SELECT t.topic, i.lang FROM item_topics t JOIN items i ON i.id = t.item_id"
    ):
        per_topic[(topic, lang)] += 1
    lines.append("Flagged per topic (by language):")
    for topic in ("torture", "art405", "detention"):
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


def add_demo_subscription(app: AppContext) -> None:
    """The sample coordinator `newsmon digest --dry-run DIR` writes a digest for."""
    from alerts.subscriptions import ensure_demo_subscription

    db = app.open_db()
    ensure_demo_subscription(db)
    db.close()


def serve_demo(app: AppContext, port: int) -> int:
    """Datasette on the demo database, readable without login, with a demo account."""
    from datasette_auth_passwords.utils import hash_password

    from crawler.commands.serve_cmd import (
        datasette_args,
        datasette_env,
        run_until_stopped,
        start_datasette,
    )

    env = datasette_env(anonymous="read")
    env.setdefault("NEWSMON_USERS", f"{DEMO_USER}:{hash_password(DEMO_PASSWORD)}")
    click.echo(f"\nDatasette: http://127.0.0.1:{port}/  (log in as {DEMO_USER} / "
               f"{DEMO_PASSWORD} to triage; Ctrl-C to stop)")
    code = run_until_stopped(start_datasette(datasette_args(app.db_path, port=port), env))
    return 0 if code == -signal.SIGTERM else code


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("newsmon-demo"), show_default=True,
              help="Directory for the demo database (emptied first).")
@click.option("--serve/--no-serve", default=True, help="Serve Datasette after the summary.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.pass_obj
def demo_cmd(app: AppContext, out_dir: Path, serve: bool, port: int) -> None:
    """Offline demo: serve sample sites on 127.0.0.1, crawl them, summarise, serve Datasette."""
    demo = AppContext(db_path=str(fresh_database(out_dir)), verbose=app.verbose)
    sources, servers = start_demo_sites()
    click.echo(f"Crawling {len(sources)} sample sites into {demo.db_path} ...")
    try:
        code, run = crawl_sources(demo, sources, overrides=DEMO_OVERRIDES, command="demo")
        add_demo_subscription(demo)
        click.echo(format_run(run))
        click.echo(summary(demo))
        click.echo(f"\nNext: newsmon --db {demo.db_path} digest --dry-run {out_dir / 'mail'}")
        if serve:
            code = serve_demo(demo, port) or code
    finally:
        for server in servers:
            server.stop()
    sys.exit(code)
