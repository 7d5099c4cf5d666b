"""What cron mails: a run against dead hosts is a few lines per source, never a traceback.

Cron runs `newsmon run` with a bare environment and mails whatever reaches stderr. Before the
quiet console a run of the shipped sources without network wrote ~80 lines per outlet,
tracebacks included (issue "Operations at scale"). Dead hosts here are the two ways an
outlet is unreachable from a machine without network: a name that does not resolve (the
reserved `.invalid` TLD, RFC 2606) and a loopback port nothing listens on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli import cli
from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import SiteServer
from newsmon.lock import run_lock
from tests.support.cli import run_newsmon
from tests.support.db import rows
from tests.support.net import free_port
from tests.support.sites import make_articles, sources_toml

pytestmark = pytest.mark.e2e

EXIT_FAILURES, EXIT_OUTAGE, EXIT_LOCKED = 1, 3, 75


def dead_sources() -> list[dict]:
    """One source per adapter, each on a host that cannot answer."""
    return [
        {"name": "azattyq-dead", "title": "A", "adapter": "pangea",
         "base_url": "https://rus.azattyq.invalid", "languages": ["ru"],
         "feeds": ["/api/zrqiteuuir"], "sections": ["/z/360"]},
        {"name": "bureau-dead", "title": "B", "adapter": "wordpress",
         "base_url": "https://bureau.invalid", "languages": ["ru"], "feeds": ["/feed/"],
         "sections": ["/news/"]},
        {"name": "vlast-refused", "title": "C", "adapter": "feed",
         "base_url": f"http://127.0.0.1:{free_port()}", "languages": ["ru"],
         "feeds": ["/rss", "/atom"]},
        {"name": "kaztag-refused", "title": "D", "adapter": "sitemap",
         "base_url": f"http://127.0.0.1:{free_port()}", "languages": ["ru"],
         "sitemaps": ["/sitemap.xml"]},
    ]


@pytest.mark.e2e
def test_a_run_against_dead_hosts_mails_a_few_lines_per_source_and_exits_3(tmp_path: Path
                                                                           ) -> None:
    sources = dead_sources()
    sources_toml(tmp_path / "sources.toml", sources)
    log_file = tmp_path / "newsmon.log"
    result = run_newsmon("--db", str(tmp_path / "newsmon.db"), "run", "--sources",
                         str(tmp_path / "sources.toml"), cwd=tmp_path, clean_env=True,
                         env={"NEWSMON_LOG_FILE": str(log_file)})

    assert result.returncode == EXIT_OUTAGE, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert len(lines) <= 2 * len(sources) + 2, result.stderr
    for source in sources:  # each dead source named once, with the reason
        (line,) = [x for x in lines if f"{source['name']}:" in x]
        assert "DNS lookup failed" in line or "connection refused" in line, line
    assert "every source failed" in lines[-1]
    # The detail is not lost: the log file and crawl_errors have it.
    assert "Traceback" in log_file.read_text(encoding="utf-8")
    recorded = rows(tmp_path / "newsmon.db", "SELECT DISTINCT source FROM crawl_errors")
    assert {s for (s,) in recorded} == {s["name"] for s in sources}
    assert rows(tmp_path / "newsmon.db", "SELECT status FROM crawl_runs") == [("errors",)]


@pytest.mark.e2e
def test_one_dead_source_beside_a_live_one_is_exit_1_not_the_outage_code(tmp_path: Path
                                                                        ) -> None:
    articles = make_articles(3, sections=("kazakhstan",))
    with SiteServer() as server:
        site = pangea_site(articles, server.base_url, feed_size=3, page_size=3)
        server.pages.update(site)
        live = {"name": "azattyq-live", "title": "A", "adapter": "pangea",
                "base_url": server.base_url, "languages": ["ru"], "feeds": site.feeds}
        sources_toml(tmp_path / "sources.toml", [live, dead_sources()[1]])
        result = run_newsmon("--db", str(tmp_path / "newsmon.db"), "crawl", "--sources",
                             str(tmp_path / "sources.toml"), "-s", "DOWNLOAD_DELAY=0",
                             cwd=tmp_path, clean_env=True)

    assert result.returncode == EXIT_FAILURES, result.stderr
    assert "Traceback" not in result.stderr
    assert "bureau-dead:" in result.stderr and "azattyq-live" not in result.stderr
    assert "some pages failed" in result.stderr.splitlines()[-1]
    assert rows(tmp_path / "newsmon.db", "SELECT count(*) FROM items") == [(3,)]


OFF = """[[source]]
name = "off"
title = "A disabled outlet"
adapter = "feed"
base_url = "http://127.0.0.1:9"
languages = ["ru"]
feeds = ["/rss"]
enabled = false
"""


@pytest.mark.parametrize(("holder", "command"), [
    ("run", ["reclassify"]), ("run", ["recheck", "--delay", "0"]),
    ("reclassify", ["crawl", "--sources", "SOURCES"]), ("recheck", ["run", "--sources", "SOURCES"]),
])
def test_a_locked_out_command_exits_75_naming_itself_and_the_holder(
        tmp_path: Path, holder: str, command: list[str]) -> None:
    (tmp_path / "sources.toml").write_text(OFF, encoding="utf-8")
    args = [str(tmp_path / "sources.toml") if a == "SOURCES" else a for a in command]
    db_path = tmp_path / "newsmon.db"
    with run_lock(str(db_path), holder):
        result = CliRunner().invoke(cli, ["--db", str(db_path), *args])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert result.stderr.startswith(f"newsmon {command[0]}: another run is in progress (pid ")
    assert f", newsmon {holder})" in result.stderr
