"""Helpers for the Datasette tests: a real SQLite file, a real `newsmon serve`, an HTTP client.

`NEWSMON_CLI` (a shell-quoted command prefix) runs another launcher instead of this checkout's
CLI, e.g. an installed `newsmon`.
"""

from __future__ import annotations

import http.cookiejar
import os
import shlex
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from datasette_auth_passwords.utils import hash_password

from store.db import connect
from store.items import save_item
from tests.support.cli import ROOT, newsmon_argv
from tests.support.net import free_port

PASSWORDS = {"alice": "correct horse battery", "bob": "b0b-pass"}
XSS_TITLE = "<script>alert(1)</script> Суд в Актобе"


def _item(n: int, title: str, text: str, lang: str, source: str, day: str,
          topics: dict[str, tuple[float, str, str]], **entities: list[str]) -> tuple[dict, dict]:
    row = {"url": f"https://news.example.kz/{source}/{n}", "source": source, "title": title,
           "text": text, "lang": lang, "published": f"{day}T09:00:00+05:00",
           "fetched_at": f"{day}T10:00:00+00:00", "content_hash": f"h{n}", "authors": ["Staff"]}
    classification = {
        "lang": lang, "topics": list(topics), "flagged": bool(topics),
        "scores": {t: s for t, (s, _, _) in topics.items()},
        "evidence": [{"topic": t, "rule": r, "match": m, "snippet": m}
                     for t, (_, r, m) in topics.items()],
        **entities,
    }
    return row, classification


SAMPLE = [
    _item(1, "Полицейских обвиняют в пытках задержанного в Актобе",
          "Адвокат заявил, что сотрудники полиции применяли пытки к задержанному.\n"
          "Прокуратура начала проверку.", "ru", "azattyq-ru", "2024-05-06",
          {"torture": (0.92, "ru.torture.pytki", "пытки")},
          places=["Aktobe"], persons=["Roman Reikhert"], articles=["146"]),
    _item(2, "Алматыда белсенді ұсталды", "Полиция белсендіні ұстады. Ол 405-бап бойынша "
          "айыпталып отыр.", "kk", "azattyq-kk", "2024-05-13",
          {"detention": (0.81, "kk.detention.ustaldy", "ұстады"),
           "art405": (0.7, "kk.art405.bap", "405-бап")},
          places=["Almaty"], articles=["405"]),
    _item(3, "Court jails activist for 'extremism' under Article 405",
          "A court in Astana sentenced an activist under Article 405 of the Criminal Code.",
          "en", "vlast-en", "2024-05-20", {"art405": (0.88, "en.art405.article", "Article 405")},
          places=["Astana"], persons=["Marat Zhylanbayev"], articles=["405"]),
    _item(4, XSS_TITLE, "Текст <b>с разметкой</b> и <img src=x onerror=alert(2)> пытки.",
          "ru", "azattyq-ru", "2024-05-21", {"torture": (0.75, "ru.torture.pytki", "пытки")},
          places=["Aktobe"]),
    _item(5, "Погода в Астане", "Завтра солнечно.", "ru", "vlast-ru", "2024-05-22", {}),
]


def make_db(path: Path) -> dict[str, int]:
    """A real newsmon database with the sample items; title -> id."""
    db = connect(path)
    ids = {row["title"]: save_item(db, row, cls)[0] for row, cls in SAMPLE}
    db.close()
    return ids


def users_env(passwords: dict[str, str] = PASSWORDS) -> str:
    """NEWSMON_USERS for `passwords`."""
    return ";".join(f"{name}:{hash_password(pw)}" for name, pw in passwords.items())


def cli_argv() -> list[str]:
    """How to run the `newsmon` CLI of this checkout (or $NEWSMON_CLI, an installed one)."""
    if os.environ.get("NEWSMON_CLI"):
        return shlex.split(os.environ["NEWSMON_CLI"])
    return newsmon_argv()


@contextmanager
def serve(db_path: Path, anonymous: str = "none", users: str | None = None,
          extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `newsmon serve` on a free port until the block ends; yield its base URL."""
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if k != "NEWSMON_USERS_FILE"}
    env = {**inherited, "NEWSMON_ANONYMOUS": anonymous,
           "NEWSMON_USERS": users if users is not None else users_env(),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           **(extra_env or {})}
    argv = [*cli_argv(), "--db", str(db_path), "serve", "--port", str(port)]
    # A file, not a pipe: an unread pipe fills up and blocks the server's request log.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, proc, log)
            yield base
        finally:
            stop(proc)


def wait_until_up(base: str, proc: subprocess.Popen, log: IO[bytes] | None = None,
                  timeout: float = 30) -> None:
    """Poll the login page until it answers; fail with the output if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = ""
            if log is not None:
                log.seek(0)
                output = log.read().decode(errors="replace")
            raise RuntimeError(f"newsmon serve exited with {proc.returncode}:\n{output}")
        try:
            urllib.request.urlopen(base + "/-/login", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"newsmon serve did not answer within {timeout}s")


def stop(proc: subprocess.Popen) -> int:
    """SIGTERM and wait: the serve process must exit by itself, and take Datasette with it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: Any
    text: str

    def json(self) -> Any:
        import json

        return json.loads(self.text)


@dataclass
class Client:
    """A cookie-keeping HTTP client that does not follow redirects."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def request(self, path: str, data: dict | list | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        url = self.base + urllib.parse.quote(path, safe="/?=&%+:;,~-_.")
        req = urllib.request.Request(url, data=body, headers=headers or {})
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        try:
            with opener.open(req, timeout=20) as resp:
                return Reply(resp.status, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.headers, exc.read().decode(errors="replace"))

    def get(self, path: str) -> Reply:
        return self.request(path)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def csrftoken(self) -> str:
        """The CSRF token: the login page sets the `ds_csrftoken` cookie the form must echo."""
        if not self.cookie("ds_csrftoken"):
            self.get("/-/login")
        token = self.cookie("ds_csrftoken")
        assert token, "no ds_csrftoken cookie"
        return token

    def post(self, path: str, data: dict | list, csrf: bool = True, **kw: Any) -> Reply:
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if csrf:
            fields.append(("csrftoken", self.csrftoken()))
        return self.request(path, fields, **kw)

    def login(self, user: str = "alice", password: str | None = None) -> Reply:
        reply = self.post("/-/login", {"username": user,
                                       "password": password or PASSWORDS[user]})
        assert reply.status == 302, reply.text[:500]
        return reply
