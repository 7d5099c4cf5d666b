"""Subcommands of `newsmon`, one module each; `crawler.cli` adds them to the group."""
