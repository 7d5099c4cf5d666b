"""Commands that learn from triage: `rules report|suggest|accept|dismiss`, `learn`,
`triage export|import`. Text for people, `--json` for scripts; the work is in the jobs."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from learning.dataset import default_dev_files
from learning.pool import PREFER
from newsmon.cli import learning_text as text
from newsmon.cli.group import cli
from newsmon.cli.options import sources_option
from newsmon.context import AppContext
from newsmon.jobs import pool as pool_job
from newsmon.jobs import rules as rules_job
from newsmon.lock import run_lock
from sites.sources import load_sources

F = TypeVar("F", bound=Callable[..., Any])


def dev_options(command: F) -> F:
    """--dev FILE (repeatable) / --no-dev: the labelled development sets to use as well."""
    command = click.option("--no-dev", is_flag=True,
                           help="Use no labelled development file, only triage.")(command)
    return click.option(
        "--dev", "dev_files", multiple=True, type=click.Path(dir_okay=False, exists=True),
        help="Labelled JSON-lines file {title, text, topics} (repeatable); default: "
             "../shared/data/topics_dev*.jsonl where present.")(command)


def dev_examples(dev_files: tuple[str, ...], no_dev: bool) -> list:
    paths = [] if no_dev else [Path(f) for f in dev_files] or default_dev_files()
    return rules_job.dev_items(paths)


def by_option(command: F) -> F:
    return click.option("--by", default=None, show_default="your user name",
                        help="Who decides (recorded with the suggestion).")(command)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@cli.group("rules")
def rules_group() -> None:
    """Rule precision from triage, and suggested rule edits a monitor accepts or dismisses."""


@rules_group.command("report")
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@click.option("--no-candidates", is_flag=True, help="Skip mining candidate terms from misses.")
@click.pass_obj
def report_cmd(app: AppContext, as_json: bool, no_candidates: bool) -> None:
    """Per rule: fired, triaged relevant / not relevant, precision (95 % interval), worst
    first; per topic; the misses monitors reported, with candidate terms."""
    db = app.connect(create=False)
    try:
        result = rules_job.report(db, candidates=not no_candidates)
    finally:
        db.close()
    echo_json(result) if as_json else click.echo(text.report(result))


@rules_group.command("suggest")
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@click.option("--limit", default=20, show_default=True, help="Show at most this many.")
@dev_options
@click.pass_obj
def suggest_cmd(app: AppContext, as_json: bool, limit: int, dev_files: tuple[str, ...],
                no_dev: bool) -> None:
    """Propose edits to the rule and concept files, each with the triaged items it would fix
    or break. Nothing is changed: see `newsmon rules accept ID`."""
    dev = dev_examples(dev_files, no_dev)
    db = app.connect(create=False)
    try:
        found = rules_job.suggest(db, dev)
    finally:
        db.close()
    shown = [s.as_dict() for s in found[:limit]]
    echo_json(shown) if as_json else click.echo(text.suggestions(shown, len(found)))


@rules_group.command("accept")
@click.argument("ident")
@click.option("-y", "--yes", is_flag=True, help="Write without asking (the diff is still shown).")
@by_option
@sources_option
@dev_options
@click.pass_obj
def accept_cmd(app: AppContext, ident: str, yes: bool, by: str | None, sources_path: str | None,
               dev_files: tuple[str, ...], no_dev: bool) -> None:
    """Show the suggestion's diff and what it changes today, then write it and reclassify."""
    sources = load_sources(sources_path)
    dev = dev_examples(dev_files, no_dev)
    db = app.connect(create=False)
    try:
        seen = rules_job.preview(db, ident, dev)
        click.echo(seen.diff)
        click.echo(text.effect(seen.effect.as_dict()))
        if not yes and not click.confirm(f"Write {seen.path} and reclassify?"):
            click.echo("not written")
            sys.exit(1)
        done = rules_job.accept(app.db_path, db, seen, sources, by or getpass.getuser())
    finally:
        db.close()
    click.echo(f"written {seen.path}; reclassified {done.items} items "
               f"({done.newly_flagged} newly flagged)")


@rules_group.command("dismiss")
@click.argument("ident")
@by_option
@click.pass_obj
def dismiss_cmd(app: AppContext, ident: str, by: str | None) -> None:
    """Dismiss a suggestion: it is not offered again."""
    db = app.connect(create=False)
    try:
        rules_job.decide(db, ident, rules_job.DISMISSED, by or getpass.getuser())
    finally:
        db.close()
    click.echo(f"dismissed {ident}")


@cli.command("learn")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds.")
@click.option("--no-score", is_flag=True, help="Train only; do not score the stored items.")
@click.option("--score-new", is_flag=True,
              help="Do not train: score the items stored since the last training.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@dev_options
@click.pass_obj
def learn_cmd(app: AppContext, folds: int, no_score: bool, score_new: bool, as_json: bool,
              dev_files: tuple[str, ...], no_dev: bool) -> None:
    """Train the second-opinion model on triage decisions and the labelled development sets;
    print its cross-validated precision and recall beside the rules'. It never changes a flag."""
    from newsmon.jobs import learn as learn_job  # scikit-learn loads for this command only

    with run_lock(app.db_path, "learn", holder="learn"):
        db = app.connect(create=False)
        try:
            if score_new:
                click.echo(f"scored {learn_job.score_new(app.db_path, db)} new item(s)")
                return
            done = learn_job.learn(app.db_path, db, dev_examples(dev_files, no_dev), folds,
                                   score=not no_score)
        finally:
            db.close()
    if as_json:
        echo_json({"run": done.run_id, "model_file": done.path, "triage_items": done.triage,
                   "dev_items": done.dev, "folds": done.folds, "scored": done.scored,
                   "figures": done.figures})
    else:
        click.echo(text.learned(done))


@cli.group("triage")
def triage_group() -> None:
    """Triage decisions as JSON lines, to pool them between installations."""


@triage_group.command("export")
@click.argument("out", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--origin", default=None, show_default="this host's name",
              help="How this installation signs its decisions.")
@click.option("--with-notes", is_flag=True,
              help="Include triage notes (they may name victims and sources).")
@click.pass_obj
def export_cmd(app: AppContext, out: IO[str], origin: str | None, with_notes: bool) -> None:
    """Write every triage decision and topic report, one item per line, by canonical URL."""
    db = app.connect(create=False)
    try:
        count = pool_job.export_triage(db, out, origin or pool_job.default_origin(), with_notes)
    finally:
        db.close()
    click.echo(f"exported {count} item(s)", err=True)


@triage_group.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--prefer", type=click.Choice(PREFER), default="newer", show_default=True,
              help="When both sides decided differently: the later decision, always ours, "
                   "or always theirs.")
@click.option("--dry-run", is_flag=True, help="Say what would be done; write nothing.")
@click.pass_obj
def import_cmd(app: AppContext, file: IO[str], prefer: str, dry_run: bool) -> None:
    """Merge decisions exported elsewhere; says what was added, kept and replaced."""
    db = app.connect(create=False)
    try:
        outcomes = pool_job.import_triage(db, file, file.name, prefer, dry_run)
    finally:
        db.close()
    click.echo(text.imported(outcomes, dry_run, app.verbose))
