"""The `newsmon` command line: one entry point, a subcommand per job."""

from __future__ import annotations

import click

from crawler.commands.classify_cmd import classify_cmd, reclassify_cmd
from crawler.commands.crawl_cmd import crawl_cmd
from crawler.commands.demo_cmd import demo_cmd
from crawler.commands.digest_cmd import digest_cmd
from crawler.commands.export_cmd import export_warc_cmd
from crawler.commands.passwd_cmd import passwd_cmd
from crawler.commands.recheck_cmd import recheck_cmd
from crawler.commands.run_cmd import run_cmd
from crawler.commands.serve_cmd import serve_cmd
from crawler.commands.sources_cmd import sources_cmd
from crawler.commands.verify_cmd import verify_cmd
from crawler.context import AppContext
from store.db import default_db_path

COMMANDS = [
    crawl_cmd, serve_cmd, passwd_cmd, classify_cmd, reclassify_cmd, demo_cmd, digest_cmd, run_cmd,
    recheck_cmd, verify_cmd, export_warc_cmd, sources_cmd,
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=default_db_path,
    show_default="$NEWSMON_DB or ./newsmon.db", help="SQLite database file.",
)
@click.option("-v", "--verbose", count=True, help="More output (-vv for debug logs).")
@click.version_option(package_name="newsmon")
@click.pass_context
def cli(ctx: click.Context, db_path: str, verbose: int) -> None:
    """newsmon: crawl news outlets, flag torture, Art. 405 trials and detentions, triage, alert."""
    ctx.obj = AppContext(db_path=db_path, verbose=verbose)
    ctx.obj.configure_logging()


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsmon")
