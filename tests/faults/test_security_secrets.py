"""Secrets come from the environment only and never reach output, logs, the database or argv."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.faults.helpers import TORTURE_SUBSCRIBER, record_figures
from tests.faults.tls import make_certificates
from tests.support.cli import ROOT
from tests.support.datasette import Client, wait_until_up
from tests.support.net import free_port
from tests.support.smtp import SinkHandler, add_item, run_cli, smtp_env, write_subscriptions

pytestmark = pytest.mark.e2e

#: A real datasette-auth-passwords hash (fake ones in unit tests are short).
REAL_HASH = re.compile(r"pbkdf2_sha256\$\d{4,}\$[^$\s]{8,}\$[A-Za-z0-9+/=]{20,}")
SMTP_PASSWORD = "Sm7p-S3cret-fault-suite-Pw"
WRONG_PASSWORD = "Wr0ng-S3cret-fault-suite-Pw"
SIGNING_SECRET = "ds-secret-fault-suite-0123456789"
DISABLED_SOURCES = """
[[source]]
name = "off"
title = "Off"
adapter = "feed"
base_url = "http://127.0.0.1:9"
languages = ["ru"]
feeds = ["/rss"]
enabled = false
"""


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def leaks(texts: dict[str, str | bytes], secrets: list[str]) -> list[tuple[str, str]]:
    found = []
    for where, text in texts.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
        found += [(where, s) for s in secrets if s.encode() in data]
    return found


def test_smtp_password_never_logged_printed_or_stored(tmp_path: Path):
    db = tmp_path / "newsmon.db"
    log_file = tmp_path / "newsmon.log"
    (tmp_path / "sources.toml").write_text(DISABLED_SOURCES, encoding="utf-8")
    write_subscriptions(tmp_path / "subscriptions.toml", TORTURE_SUBSCRIBER)
    handler = SinkHandler()
    port = free_port()
    certs = make_certificates(tmp_path)  # a password only ever crosses inside STARTTLS
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            tls_context=certs.server_context(), require_starttls=True)
    controller.start()
    outputs: dict[str, str | bytes] = {}
    try:
        args = ["-vv", "--db", str(db), "run", "--sources", str(tmp_path / "sources.toml")]
        for n, password in enumerate([SMTP_PASSWORD, WRONG_PASSWORD]):
            add_item(db, f"https://a.test/{n}", f"Пытки в отделении {n}", ["torture"])
            env = smtp_env(port, NEWSMON_SMTP_USER="mailer", NEWSMON_SMTP_PASSWORD=password,
                           NEWSMON_LOG_FILE=str(log_file), NEWSMON_SMTP_SECURITY="starttls",
                           NEWSMON_SMTP_CA_FILE=str(certs.ca_file))
            result = run_cli(args, env, tmp_path)
            outputs[f"run{n}.stdout"], outputs[f"run{n}.stderr"] = result.stdout, result.stderr
            assert result.returncode == (0 if n == 0 else 1), result.stderr[-2000:]
    finally:
        controller.stop()
    assert len(handler.received) == 1  # the right password delivered, the wrong one did not
    outputs["log file"] = log_file.read_bytes()
    outputs["database"] = b"".join(p.read_bytes() for p in tmp_path.glob("newsmon.db*"))
    outputs["message"] = handler.received[0].message.as_bytes()
    assert not leaks(outputs, [SMTP_PASSWORD, WRONG_PASSWORD])
    assert "auth" in outputs["run1.stderr"].lower() or "535" in outputs["run1.stderr"]
    record_figures("secrets_smtp", {"places_checked": sorted(outputs), "leaks": 0})


def test_password_hashes_and_secret_stay_out_of_output_argv_and_pages(tmp_path: Path):
    from datasette_auth_passwords.utils import hash_password

    password_hash = hash_password("alice-pass-fault-suite")
    db = tmp_path / "newsmon.db"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.update(NEWSMON_USERS=f"alice:{password_hash}", NEWSMON_SECRET=SIGNING_SECRET,
               PYTHONPATH=str(ROOT))
    out_file = tmp_path / "serve.out"
    with open(out_file, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from newsmon.cli import main; main()",
                                 "-vv", "--db", str(db), "serve", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, proc)
            client = Client(base)
            pages = {p: client.get(p).text for p in ("/-/login", "/-/metadata.json",
                                                     "/-/settings.json", "/-/plugins.json")}
            client.post("/-/login", {"username": "alice", "password": "wrong"})
            client.post("/-/login", {"username": "alice", "password": "alice-pass-fault-suite"})
            pages.update({p: client.get(p).text for p in ("/-/metadata.json", "/-/actor.json",
                                                          "/-/settings.json", "/-/config.json")})
            argv = {f"argv {c.pid}": " ".join(c.cmdline()) for c in
                    [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(True)]}
            time.sleep(0.3)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    secrets = [password_hash, password_hash.split("$")[-1], SIGNING_SECRET]
    texts: dict[str, str | bytes] = {"serve output": out_file.read_bytes(), **pages, **argv}
    assert not leaks(texts, secrets), leaks(texts, secrets)
    record_figures("secrets_serve", {"places_checked": len(texts), "leaks": 0})


def test_no_secrets_committed_to_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    suspicious = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.suffix in (".db", ".png", ".gz", ".warc"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if REAL_HASH.search(text):
            suspicious.append(name)
        for line in text.splitlines():
            if line.strip().startswith(("NEWSMON_SMTP_PASSWORD=", "NEWSMON_SECRET=")):
                suspicious.append(name)
    assert not suspicious, suspicious
