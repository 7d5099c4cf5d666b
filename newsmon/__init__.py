"""The `newsmon` command (top floor): a thin click layer (`cli.py`) over job functions (`jobs/`)."""
