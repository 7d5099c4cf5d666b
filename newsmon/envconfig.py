"""Typed `NEWSMON_*` values for the command line: a bad one is a one-line ConfigError naming
the variable, the value and what is expected (exit 2), never a traceback or a usage dump."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import TypeVar

from newsmon.errors import ConfigError

T = TypeVar("T")


def env_number(name: str, default: float, *, minimum: float = 0.0,
               maximum: float = 1e9, env: Mapping[str, str] | None = None) -> float:
    """A number from `name` within [minimum, maximum]; `default` when unset or empty."""
    env = os.environ if env is None else env
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be a number from {minimum:g} to {maximum:g}, "
                          f"not {raw[:40]!r}")
    return value


def env_parsed(name: str, parse: Callable[[str], T], default: T,
               env: Mapping[str, str] | None = None) -> T:
    """`parse(value of name)`; its ValueError becomes a ConfigError naming the variable."""
    env = os.environ if env is None else env
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None
