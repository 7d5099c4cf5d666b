"""The `newsmon` command line: a thin click layer over the job functions in `newsmon.jobs`.

Options are parsed and results printed here; the work is in the jobs. Each module adds the
commands of one area to the group.
"""

from newsmon.cli import classifying, crawling, evidence, learning, serving  # noqa: F401 - registers
from newsmon.cli.group import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsmon")


__all__ = ["cli", "main"]
