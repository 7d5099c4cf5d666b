"""The generated word forms, kept on disk between runs.

Expanding the lexicon (every Russian form from pymorphy3, every Kazakh paradigm in four
scripts) costs about a second of CPU in every process that classifies: each cron run, each
`newsmon classify`. The result depends only on the entry words, the form-generating code, the
Kazakh tables and the Russian dictionary, so it is kept in a JSON file named by a fingerprint
of those; a changed table or a new dictionary version simply starts a new file. Entries a
monitor adds are generated once and then kept too. `NEWSMON_CACHE_DIR=""` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: What the generated forms depend on, besides the entry words themselves.
INPUTS = (HERE / "forms.py", HERE / "kazakh.py", HERE / "data" / "kazakh.toml")
PACKAGES = ("pymorphy3", "pymorphy3-dicts-ru")


def cache_dir() -> Path | None:
    """`$NEWSMON_CACHE_DIR`, else `$XDG_CACHE_HOME/newsmon`, else `~/.cache/newsmon`."""
    configured = os.environ.get("NEWSMON_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsmon"


def fingerprint() -> str:
    """A hash of the code, tables and dictionary versions the forms come from."""
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    for package in PACKAGES:
        try:
            digest.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError:
            digest.update(b"-")
    return digest.hexdigest()[:16]


class FormCache:
    """word|language -> its spec as JSON-able data; loaded once, written when it grew."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, Any] = {}
        self.grown = False
        if path is not None and path.is_file():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}  # unreadable: regenerate, and write a good one

    def get(self, key: str) -> Any:
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.grown = True

    def save(self) -> None:
        """Write the grown cache atomically (another process may be reading it)."""
        if self.path is None or not self.grown:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent,
                                             delete=False, suffix=".tmp") as handle:
                json.dump(self.entries, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(handle.name, self.path)
            self.grown = False
        except OSError:
            pass  # a read-only home: the forms are generated each time, nothing is lost


_cache: FormCache | None = None


def form_cache() -> FormCache:
    """The process's cache (opened on first use)."""
    global _cache
    if _cache is None:
        folder = cache_dir()
        _cache = FormCache(folder / f"forms-{fingerprint()}.json" if folder else None)
    return _cache


def close_form_cache() -> None:
    """Write what grew and let the entries go: once the matchers are built a crawl holds
    their forms, not the whole file (tens of MB); a later rules load reopens it."""
    global _cache
    if _cache is not None:
        _cache.save()
        _cache = None
