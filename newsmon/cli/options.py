"""Options several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def sources_option(command: F) -> F:
    return click.option("--sources", "sources_path", type=click.Path(dir_okay=False),
                        default=None, show_default="$NEWSMON_SOURCES or ./sources.toml",
                        help="Sources file (TOML).")(command)


def digest_options(command: F) -> F:
    """--subscriptions and --base-url, declared once for `newsmon digest` and `newsmon run`."""
    command = click.option(
        "--base-url", default=None, show_default="$NEWSMON_BASE_URL",
        help="Datasette URL the messages link items to (<URL>/-/item/<id>).")(command)
    return click.option(
        "--subscriptions", "subscriptions_path", type=click.Path(dir_okay=False),
        default=None, show_default="$NEWSMON_SUBSCRIPTIONS or ./subscriptions.toml",
        help="Subscriptions file; without one, the subscriptions table is used.")(command)


def crawl_options(command: F) -> F:
    command = click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
                           help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2.")(command)
    command = click.option("--only", multiple=True, metavar="NAME",
                           help="Crawl only this source (repeatable).")(command)
    return sources_option(command)
