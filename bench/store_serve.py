"""Serve a store with the real `newsmon serve` and time routes on it; the code of an older
revision too (for before/after figures in one run). Used by store_scale.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from common import ROOT, percentile

from store import connect


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def legacy_fts(path: Path, present: bool) -> None:
    """Build (or drop) the pre-workspace `items_fts` index that the old code searches."""
    db = connect(path, migrate_schema=False)
    if present and "items_fts" not in db.table_names():
        db["items"].enable_fts(["title", "text"], create_triggers=False)
        db.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    elif not present:
        db.execute("DROP TABLE IF EXISTS items_fts")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def serve(path: Path, root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """Start the real `newsmon serve` (anonymous read) of the checkout at `root` on `path`."""
    port = free_port()
    env = {**os.environ, "NEWSMON_ANONYMOUS": "read", "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from crawler.cli import main; main()", "--db", str(path),
         "serve", "--port", str(port)], env=env, cwd=root,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
            return proc, base
        except OSError:
            if proc.poll() is not None:
                error = proc.stderr.read().decode()[-2000:]
                raise SystemExit(f"newsmon serve exited: {error}") from None
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("newsmon serve did not answer in 120 s")


def fetch(url: str) -> tuple[int, float]:
    """(status, seconds) for one GET, the body read in full."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - started


def time_routes(base: str, routes: dict[str, str], requests: int) -> dict[str, dict[str, Any]]:
    """p50/p95 per route after two untimed warm-up requests (Datasette's first-hit caches)."""
    results = {}
    for name, route in routes.items():
        for _ in range(2):
            fetch(base + route)
        samples, statuses = [], set()
        for _ in range(requests):
            status, seconds = fetch(base + route)
            samples.append(seconds)
            statuses.add(status)
        results[name] = {"p50": percentile(samples, 50), "p95": percentile(samples, 95),
                         "status": ",".join(map(str, sorted(statuses)))}
    return results


def timed_server(path: Path, routes: dict[str, str], requests: int,
                 root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """p50/p95 of `routes` on `path`, served by the checkout at `root`."""
    proc, base = serve(path, root)
    try:
        return time_routes(base, routes, requests)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def checkout(rev: str, where: Path) -> Path:
    """REV's code, unpacked into `where` (git archive: no worktree, nothing to clean up)."""
    where.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where
