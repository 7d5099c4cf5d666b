"""`newsmon demo`: the README's first command, offline, from crawl to Datasette to a digest."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from store import connect
from tests.support.cli import ROOT, newsmon_argv, run_newsmon
from tests.support.datasette import Client, stop, wait_until_up
from tests.support.db import rows, set_triage
from tests.support.net import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("demo")
    return run_newsmon("demo", "--no-serve", "--out", str(out)), out


def test_demo_crawls_and_summarises_all_three_languages(demo):
    result, out = demo
    assert result.returncode == 0, result.stderr[-3000:]
    assert "39 new" in result.stdout and "0 errors" in result.stdout
    summary = result.stdout.split("Flagged per topic", 1)[1]
    for topic in ("torture", "art405", "detention"):
        line = next(line for line in summary.splitlines() if line.strip().startswith(topic))
        for lang in ("ru", "kk", "en"):
            assert f"{lang} " in line, line
    assert (out / "newsmon.db").exists()


def test_demo_database_digest_dry_run_writes_a_readable_message(demo):
    _, out = demo
    mail = out / "mail"
    result = run_newsmon("--db", str(out / "newsmon.db"), "digest", "--dry-run", str(mail))
    assert result.returncode == 0, result.stderr
    files = sorted(mail.glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith("newsmon:")
    assert message["To"].addresses[0].addr_spec == "coordinator@example.org"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "torture" in text.lower() and "<html" in html.lower()


def test_a_second_demo_never_wipes_an_earlier_triage(demo):
    _, out = demo
    set_triage(out / "newsmon.db", 1, "relevant")
    db = connect(out / "newsmon.db")
    db["triage_log"].insert({"item_id": 1, "status": "relevant", "updated_by": "demo",
                             "updated_at": "2026-12-01T09:00:00Z"})
    db.close()
    again = run_newsmon("demo", "--no-serve", "--out", str(out))
    assert again.returncode == 0, again.stderr[-2000:]
    fresh = out.with_name(out.name + "-2")
    assert f"This demo uses {fresh}/" in again.stdout and (fresh / "newsmon.db").exists()
    assert rows(out / "newsmon.db", "SELECT status FROM triage") == [("relevant",)]


def test_demo_serves_datasette_with_the_flagged_items(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    argv = [*newsmon_argv(), "demo", "--out", str(tmp_path), "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, proc, log, timeout=120)
            with urllib.request.urlopen(f"{base}/newsmon/flagged.json?_shape=array") as reply:
                flagged = json.load(reply)
            assert len(flagged) >= 15
            assert {row["lang"] for row in flagged} == {"ru", "kk", "en"}
            client = Client(base)
            client.login("demo", "demo")  # asserts the 302 of a successful login
            page = client.get(f"/-/item/{flagged[0]['id']}").text
            assert f'action="/-/triage/{flagged[0]["id"]}"' in page  # the form, logged in
        finally:
            assert stop(proc) == 0
