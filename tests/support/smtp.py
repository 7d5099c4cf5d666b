"""Helpers for the digest and run tests: a real SMTP server on loopback, items, the CLI."""

from __future__ import annotations

import asyncio
import email
import os
import subprocess
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.cli import run_newsmon
from tests.support.db import rows, set_triage  # noqa: F401 - the digest tests' helpers
from tests.support.db import store_item as add_item  # noqa: F401
from tests.support.net import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: A coordinator on every topic, immediate, English labels (test_digest and test_run).
ALL_EN = """
email = "aigerim@example.org"
name = "Aigerim"
topics = ["torture", "art405", "detention"]
frequency = "immediate"
label_language = "en"
"""


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SinkHandler:
    """aiosmtpd handler: keeps every message; can refuse addresses or answer slowly."""

    delay: float = 0.0
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), as a context manager."""

    def __init__(self, port: int | None = None, **handler_options: Any) -> None:
        self.port = port or free_port()
        self.handler = SinkHandler(**handler_options)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    """The environment of a CLI run: no NEWSMON_* from outside, SMTP on loopback `port`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.update({
        "NEWSMON_SMTP_HOST": "127.0.0.1", "NEWSMON_SMTP_PORT": str(port),
        "NEWSMON_SMTP_SECURITY": "none", "NEWSMON_SMTP_FROM": "newsmon <alerts@newsmon.test>",
        "NEWSMON_SMTP_TIMEOUT": "5",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                   os.environ.get("PYTHONPATH")])),
    })
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`newsmon ARGS` in a fresh process, as cron would run it (only `env`'s NEWSMON_*)."""
    return run_newsmon(*args, env=env, cwd=cwd, timeout=timeout, clean_env=True)


def run_digest(room: dict, port: int, *extra: str,
               **env: str) -> subprocess.CompletedProcess[str]:
    """`newsmon digest` on `room["db"]`, from `room["dir"]`, items linked to https://dash.test/."""
    return run_cli(["--db", str(room["db"]), "digest", "--base-url", "https://dash.test/",
                    *extra], smtp_env(port, **env), room["dir"])


def write_subscriptions(path: Path, *entries: str) -> Path:
    """A subscriptions.toml made of `[[subscription]]` bodies."""
    path.write_text("".join(f"[[subscription]]\n{body.strip()}\n\n" for body in entries),
                    encoding="utf-8")
    return path
