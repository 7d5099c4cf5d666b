"""The `newsmon` command line: a thin click layer over the job functions in `newsmon.jobs`.

Options are parsed and results printed here; the work is in the jobs. Each module adds the
commands of one area to the group.
"""

from newsmon.cli import (  # noqa: F401 - each module registers its commands
    classifying,
    crawling,
    evidence,
    ingesting,
    learning,
    serving,
)
from newsmon.cli.group import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsmon")


__all__ = ["cli", "main"]
