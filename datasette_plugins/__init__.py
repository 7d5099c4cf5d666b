"""Datasette for monitors: metadata, the newsmon plugin, templates and static files.

Paths are resolved from this file so they work from a checkout and when installed.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
METADATA_PATH = PACKAGE_DIR / "metadata.yml"
PLUGINS_DIR = PACKAGE_DIR / "plugins"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# The database key used in metadata.yml; the plugin maps it onto the served file's name.
METADATA_DB_KEY = "newsmon"
