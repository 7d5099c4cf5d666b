"""`python -m newsmon` runs the command line (what the tests and cron wrappers may call)."""

from newsmon.cli import main

main()
