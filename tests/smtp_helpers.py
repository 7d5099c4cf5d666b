"""Helpers for the digest and run tests: a real SMTP server on loopback, items, the CLI."""

from __future__ import annotations

import asyncio
import email
import hashlib
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from conftest import run_newsmon

from store import open_db, save_item

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from crawler.cli import main; main()"]

#: A coordinator on every topic, immediate, English labels (test_digest and test_run).
ALL_EN = """
email = "aigerim@example.org"
name = "Aigerim"
topics = ["torture", "art405", "detention"]
frequency = "immediate"
label_language = "en"
"""


def free_port() -> int:
    """A TCP port nobody listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def start_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`newsmon ARGS` started in the background."""
    return subprocess.Popen([*CLI, *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def add_item(db_path: Path, url: str, title: str, topics: list[str], *,
             published: str = "2024-11-20T10:00:00+00:00", lang: str = "ru",
             source: str = "site-a", places: tuple[str, ...] = (),
             persons: tuple[str, ...] = (), snippet: str = "") -> int:
    """Store one classified item through the project's own `save_item`; return its id."""
    row = {"url": url, "source": source, "title": title, "text": f"{title}. {snippet}",
           "lang": lang, "published": published, "authors": [],
           "fetched_at": "2024-11-21T00:00:00+00:00",
           "content_hash": hashlib.sha256(f"{url}{title}".encode()).hexdigest()}
    evidence = [{"topic": t, "rule": f"{t}-test", "match": t,
                 "snippet": snippet or f"{t} evidence for {title}"} for t in topics]
    classification = {"topics": topics, "flagged": bool(topics),
                      "scores": {t: 0.9 - 0.1 * i for i, t in enumerate(topics)},
                      "evidence": evidence, "places": list(places), "persons": list(persons),
                      "articles": []}
    db = open_db(db_path)
    item_id, _ = save_item(db, row, classification)
    db.close()
    return item_id


def set_triage(db_path: Path, item_id: int, status: str) -> None:
    """A monitor's triage decision, as Datasette would write it."""
    db = open_db(db_path)
    db["triage"].upsert({"item_id": item_id, "status": status, "updated_by": "test",
                         "updated_at": "2024-11-21T00:00:00+00:00"}, pk="item_id")
    db.close()


def rows(db_path: Path, sql: str) -> list[tuple]:
    """Rows of a query on the test database."""
    db = open_db(db_path)
    result = db.execute(sql).fetchall()
    db.close()
    return result


def write_subscriptions(path: Path, *entries: str) -> Path:
    """A subscriptions.toml made of `[[subscription]]` bodies."""
    path.write_text("".join(f"[[subscription]]\n{body.strip()}\n\n" for body in entries),
                    encoding="utf-8")
    return path
