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


HOST_NAME = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"


def private_hosts(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """NEWSMON_PRIVATE_HOSTS: comma-separated host names allowed to resolve to private
    addresses (a mirror on the LAN); every other name doing so is refused."""
    import re

    env = os.environ if env is None else env
    names = tuple(n.strip().lower().rstrip(".") for n in
                  (env.get("NEWSMON_PRIVATE_HOSTS") or "").split(",") if n.strip())
    for name in names:
        if not re.fullmatch(rf"{HOST_NAME}(\.{HOST_NAME})*", name):
            raise ConfigError(f"NEWSMON_PRIVATE_HOSTS: {name[:60]!r} is not a host name "
                              "(comma-separated names like mirror.lan)")
    return names
