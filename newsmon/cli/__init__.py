"""The `newsmon` command line: a thin click layer over the job functions in `newsmon.jobs`.

Options are parsed and results printed here; the work is in the jobs. Each module adds the
commands of one area to the group, imported when one of its commands is used
(`group.COMMAND_MODULES`).
"""

from newsmon.cli.group import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsmon")


__all__ = ["cli", "main"]
