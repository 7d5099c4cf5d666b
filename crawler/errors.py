"""Errors the CLI turns into messages and exit codes (0 ok, 1 failures recorded, 2 bad config)."""

import click


class ConfigError(click.ClickException):
    """Bad configuration or usage: a message naming the file and the problem, exit code 2."""

    exit_code = 2
