"""The `newsmon` command as a user runs it: a fresh interpreter, real files, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def newsmon_argv(*args: str) -> list[str]:
    """argv that runs this checkout's `newsmon` with `args`."""
    return [sys.executable, "-m", "newsmon", *args]


def newsmon_env(env: dict[str, str] | None = None, clean_env: bool = False) -> dict[str, str]:
    """The caller's environment (minus NEWSMON_* with `clean_env`, as cron's would be) + `env`."""
    outer = {k: v for k, v in os.environ.items()
             if not (clean_env and k.startswith("NEWSMON_"))}
    return {**outer, "PYTHONUNBUFFERED": "1", **(env or {})}


def run_newsmon(*args: str, env: dict[str, str] | None = None, timeout: float = 240,
                input: str | None = None, cwd: str | Path | None = None,
                clean_env: bool = False) -> subprocess.CompletedProcess:
    """Run `newsmon ARGS` to the end and capture its output."""
    return subprocess.run(
        newsmon_argv(*args), capture_output=True, text=True, env=newsmon_env(env, clean_env),
        timeout=timeout, input=input, cwd=str(cwd or ROOT),
    )


def newsmon_popen(*args: str, env: dict[str, str] | None = None, cwd: str | Path | None = None,
                  **kwargs: Any) -> subprocess.Popen:
    """Start `newsmon ARGS` in the background (tests that kill or race it); output piped."""
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **kwargs}
    return subprocess.Popen(newsmon_argv(*args), env=newsmon_env(env), cwd=str(cwd or ROOT),
                            **kwargs)
