"""`newsmon passwd`: print a password hash for NEWSMON_USERS (the password never hits argv)."""

from __future__ import annotations

import sys

import click
from datasette_auth_passwords.utils import hash_password

from datasette_plugins.access import USERNAME


@click.command("passwd")
@click.option("--user", help="Print 'USER:hash', ready for NEWSMON_USERS or the users file.")
def passwd_cmd(user: str | None) -> None:
    """Read a password from stdin (or prompt on a terminal) and print its pbkdf2 hash."""
    if user is not None and not USERNAME.match(user):
        raise click.BadParameter("letters, digits and _.@- only", param_hint="--user")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("empty password")
    hashed = hash_password(password)
    click.echo(f"{user}:{hashed}" if user else hashed)
