"""Commands for the monitors' workspace: serve (Datasette) and passwd (accounts)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from datasette_plugins.access import USERNAME
from newsmon.cli.group import cli
from newsmon.context import AppContext
from newsmon.jobs import serve as serve_job


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--metadata", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Datasette metadata file instead of the bundled one.")
@click.option("--open-anonymous/--no-open-anonymous", default=None,
              help="Let visitors who are not logged in read items (never triage notes). "
                   "Default: $NEWSMON_ANONYMOUS (none|read), else none.")
@click.pass_obj
def serve_cmd(app: AppContext, host: str, port: int, metadata: Path | None,
              open_anonymous: bool | None) -> None:
    """Serve the database in Datasette: triage queue, item pages, dashboard and login.

    Accounts come from NEWSMON_USERS ("name:hash;name:hash") or NEWSMON_USERS_FILE;
    make a hash with `newsmon passwd`. Set NEWSMON_SECRET to keep logins across restarts.
    """
    anonymous = None if open_anonymous is None else ("read" if open_anonymous else "none")
    env, accounts = serve_job.prepare(app.db_path, anonymous, metadata)
    if not accounts:
        click.echo("warning: no accounts in NEWSMON_USERS / NEWSMON_USERS_FILE: "
                   "nobody can log in to triage", err=True)
    args = serve_job.datasette_args(app.db_path, host, port, metadata)
    code = serve_job.run_until_stopped(serve_job.start_datasette(args, env))
    if code not in (0, -15):
        raise click.ClickException(f"Datasette exited with status {code}")


@cli.command("passwd")
@click.option("--user", help="Print 'USER:hash', ready for NEWSMON_USERS or the users file.")
def passwd_cmd(user: str | None) -> None:
    """Read a password from stdin (or prompt on a terminal) and print its pbkdf2 hash."""
    from datasette_auth_passwords.utils import hash_password

    if user is not None and not USERNAME.match(user):
        raise click.BadParameter("letters, digits and _.@- only", param_hint="--user")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("empty password")
    click.echo(f"{user}:{hash_password(password)}" if user else hash_password(password))
