"""Shared pieces of the fault suite: article pages, feeds, a measured crawl, recorded figures."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from tests.support.cli import ROOT, newsmon_popen  # noqa: F401 - the suite's popen
from tests.support.db import rows  # noqa: F401 - re-exported for the fault tests

FAULTS_DIR = Path(__file__).resolve().parent
#: Where the measured figures go: $NEWSMON_FAULTS_REPORT (CI prints it), else the temp dir,
#: so a test run never dirties the checkout. docs/reliability.md quotes the last CI figures.
LAST_RUN = Path(os.environ.get("NEWSMON_FAULTS_REPORT")
                or Path(tempfile.gettempdir()) / "newsmon-faults-last_run.json")
#: One coordinator, immediate torture digests in English (the security tests' recipient).
TORTURE_SUBSCRIBER = """
email = "aigerim@example.org"
name = "Aigerim"
topics = ["torture"]
frequency = "immediate"
label_language = "en"
"""
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
_figures_lock = threading.Lock()

#: Runs the CLI like tests.support.cli.run_newsmon, then writes its own peak RSS (KiB) to a file.
_MEASURED_MAIN = (
    "import atexit, os, resource\n"
    "def _peak():\n"
    "    with open(os.environ['NEWSMON_TEST_RSS_FILE'], 'w') as f:\n"
    "        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "atexit.register(_peak)\n"
    "from newsmon.cli import main\n"
    "main()\n"
)


def article_text(n: int, words: str = "Полицейские задержали активиста в Алматы") -> str:
    """A paragraph long enough to pass the extractor's minimum, unique per `n`."""
    return " ".join(f"{words} номер {n}, сообщили правозащитники {i}." for i in range(12))


def article_html(title: str, text: str, charset: str | None = "utf-8") -> str:
    """An article page; `charset` None leaves out the <meta charset> declaration."""
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{escape(title)}</title></head><body>"
            f"<nav>Главная | Новости</nav><article><h1>{escape(title)}</h1>"
            f"<p>{escape(text)}</p><p>{escape(text[::-1][:200])}</p></article>"
            "<footer>© редакция</footer></body></html>")


def rss(links: list[str], titles: bool = False) -> str:
    """An RSS 2.0 feed announcing `links` (as given: relative, absolute or garbage)."""
    items = "".join(
        f"<item>{f'<title>t{n}</title>' if titles else ''}<link>{escape(link)}</link></item>"
        for n, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>feed</title><link>/</link>{items}</channel></rss>")


def feed_source(path: Path, name: str, base_url: str, feeds: list[str]) -> Path:
    """A sources.toml with one `feed` adapter source."""
    path.write_text(
        f'[[source]]\nname = "{name}"\ntitle = "{name}"\nadapter = "feed"\n'
        f'base_url = "{base_url}/"\nlanguages = ["ru"]\ncountry = "KZ"\n'
        f"feeds = {json.dumps(feeds)}\n", encoding="utf-8")
    return path


@dataclass
class Measured:
    """A finished CLI run: exit code, output and the process's peak RSS in MiB."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_mib: float
    seconds: float


def measured_newsmon(*args: str, tmp: Path, env: dict[str, str] | None = None,
                     timeout: float = 240) -> Measured:
    """`newsmon ARGS` in a fresh interpreter that reports its own peak RSS."""
    import time

    rss_file = tmp / f"rss-{os.getpid()}-{time.monotonic_ns()}.txt"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "NEWSMON_TEST_RSS_FILE": str(rss_file),
                **(env or {})}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _MEASURED_MAIN, *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=str(ROOT))
    peak_kib = int(rss_file.read_text()) if rss_file.exists() else 0
    return Measured(proc.returncode, proc.stdout, proc.stderr, round(peak_kib / 1024, 1),
                    round(time.monotonic() - started, 1))


def record_figures(section: str, figures: dict[str, Any]) -> None:
    """Merge this test's measured figures into LAST_RUN (the report's source)."""
    from datetime import UTC, datetime

    # Test workers run in parallel processes: the lock file keeps one merge at a time.
    with _figures_lock, open(f"{LAST_RUN}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(LAST_RUN.read_text()) if LAST_RUN.exists() else {}
        data[section] = {**figures, "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
        LAST_RUN.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")


def cookie(name: str, value: str, host: str = "127.0.0.1") -> Any:
    """A cookie for `host` as a browser would hold it (forged or copied sessions)."""
    import http.cookiejar

    return http.cookiejar.Cookie(0, name, value, None, False, host, False, False, "/", True,
                                 False, None, True, None, None, {})


def record_finding(finding: int, section: str, figures: dict[str, Any]) -> None:
    """Figures of a test for one finding of issue 18: `inputs` tried and, where the test
    measures them, `tracebacks` (tracebacks or 500s), `lost` (items lost without a recorded
    reason) and `unauthorised` (accesses that succeeded); `tests.faults.figures` sums them."""
    record_figures(f"issue18_{section}", {"finding": finding, **figures})
