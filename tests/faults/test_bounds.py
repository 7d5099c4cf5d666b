"""Issue 18, finding 10: what one hostile page or a full disk can cost is bounded and recorded.

A gzip bomb unpacks only to DOWNLOAD_MAXSIZE; a page of 80,000 tiny paragraphs (trafilatura's
quadratic case) is read to the first MAX_ELEMENTS elements, stored, and the cut recorded; a URL
past 2083 characters is recorded, not dropped; a dropped 1 MB page leaves a short log line; a
full disk ends the run closed, without a traceback, and nothing is lost for the next run.
"""

from __future__ import annotations

import gzip
import logging
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from extraction.article import MAX_ELEMENTS
from newsmon.demo.siteserver import Page, SiteServer, html, xml
from store import connect
from tests.faults.helpers import (
    FAST,
    ROOT,
    article_html,
    article_text,
    feed_source,
    record_finding,
    rss,
)
from tests.support.crawl import crawl, make_source
from tests.support.db import rows

FILLER = "ZZFILLERZZ"


@pytest.mark.crawl
def test_hostile_pages_cost_a_bounded_amount_and_leave_a_record(
        db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bomb = gzip.compress(b"<rss><channel>" + b" " * (40 * 1024 * 1024) + b"</channel></rss>")
    long_link = "/news/long?" + "q=" * 1100
    tiny = "<html><body><article>" + "<p>x</p>" * 80_000 + "</article></body></html>"
    dropped = "<html><body><p>" + ("\x01\x02" + FILLER) * 90_000 + "</p></body></html>"
    with SiteServer() as server:
        server.pages.update({
            "/bomb.xml.gz": Page(bomb, 200, {"Content-Type": "application/x-gzip"}),
            "/news/tiny.html": html(tiny),
            "/news/dropped.html": html(dropped),
            "/news/fine.html": html(article_html("Задержание", article_text(1))),
            "/rss": xml(rss(["/news/tiny.html", "/news/dropped.html", long_link,
                             "/news/fine.html"])),
        })
        source = make_source(name="bounds", adapter="feed", base_url=server.base_url,
                             feeds=["/rss", "/bomb.xml.gz"])
        with caplog.at_level(logging.DEBUG):
            result = crawl(source, db_path, settings={"DOWNLOAD_MAXSIZE": 8 * 1024 * 1024})
    errors = {e["url"].removeprefix(server.base_url): (e["stage"], e["reason"])
              for e in result.errors}
    assert errors["/bomb.xml.gz"][0] == "feed"
    assert "gzip body unpacks to more than" in errors["/bomb.xml.gz"][1]
    assert errors[long_link] == ("fetch", f"URL longer than 2083 characters "
                                          f"({len(server.base_url + long_link)}): not fetched")
    stage, reason = errors["/news/tiny.html"]
    assert stage == "extract" and reason.startswith(
        f"stored cut short: only the first {MAX_ELEMENTS} of 800")
    assert errors["/news/dropped.html"][0] == "extract"
    stored = {i["url"].removeprefix(server.base_url) for i in result.items()}
    assert stored == {"/news/tiny.html", "/news/fine.html"}
    longest = max(len(r.getMessage()) for r in caplog.records)
    assert longest < 20_000 and not any(FILLER * 10 in r.getMessage() for r in caplog.records)
    record_finding(10, "bounds_crawl", {"inputs": 4, "longest_log_record": longest,
                                    "lost": 0})


def limited(limit: int):  # noqa: ANN202 - a preexec_fn
    """In the child: files may not grow past `limit` bytes (a disk that fills up)."""
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.mark.e2e
@pytest.mark.slow
def test_a_full_disk_ends_the_run_cleanly_and_loses_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "newsmon.db"
    connect(db_path).close()
    with SiteServer() as server:
        paths = [f"/news/{n}.html" for n in range(60)]
        for n, path in enumerate(paths):
            server.pages[path] = html(article_html(f"Задержание {n}", article_text(n) * 5))
        server.pages["/rss"] = xml(rss(paths))
        sources = feed_source(tmp_path / "sources.toml", "full", server.base_url, ["/rss"])
        argv = [sys.executable, "-m", "newsmon", "--db", str(db_path), "crawl", "--sources",
                str(sources), *FAST]
        env = {**os.environ, "NEWSMON_LOG_FILE": str(tmp_path / "newsmon.log"),
               "PYTHONUNBUFFERED": "1"}
        full = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=240, preexec_fn=limited(db_path.stat().st_size + 150_000))
        assert rows(db_path, "SELECT count(*) FROM items")[0][0] < len(paths)  # it did fill
        again = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT,
                               timeout=240)
    output = full.stdout + full.stderr
    assert full.returncode == 1 and "Traceback" not in output, output[-3000:]
    assert "could not be recorded" in output or "cannot" in output
    statuses = [s for (s,) in rows(db_path, "SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses[0] in ("failed", "errors", "aborted") and "running" not in statuses
    assert again.returncode == 0, again.stderr[-2000:]
    assert rows(db_path, "SELECT count(*) FROM items") == [(len(paths),)]
    record_finding(10, "disk_full", {"inputs": 1, "first_run_exit": full.returncode,
                                 "items_after_rerun": len(paths), "lost": 0,
                                 "tracebacks": output.count("Traceback")})
