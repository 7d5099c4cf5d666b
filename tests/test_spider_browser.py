"""`fetch = "browser"`: a page that shows its article only after JavaScript runs (as a
Cloudflare check page does) is read through Debian's headless Chromium; plain HTTP is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crawler.browser import browser_problem
from newsmon.demo.siteserver import SiteServer, html, xml
from tests.support.crawl import crawl, make_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists(),
                       reason="Debian's chromium is not installed (CI installs it)"),
    pytest.mark.skipif(browser_problem() is not None, reason=str(browser_problem())),
]

TEXT = ("Суд в Павлодаре приговорил активиста к пяти годам по статье 405. " * 6).strip()
#: The article arrives only through a script, like a page behind a JavaScript challenge.
PAGE = f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Проверка</title>
</head><body><div id="root"><p>Checking your browser before accessing the site…</p></div>
<script>
document.getElementById("root").innerHTML =
  "<article><h1>Приговор активисту</h1><p>{TEXT}</p></article>";
document.title = "Приговор активисту";
</script></body></html>"""


def site(server: SiteServer) -> None:
    server.pages["/ru/rss/"] = xml(
        "<rss version='2.0'><channel><item><title>Приговор активисту</title>"
        f"<link>{server.base_url}/ru/news/prigovor/</link></item></channel></rss>")
    server.pages["/ru/news/prigovor/"] = html(PAGE)


def test_a_page_that_needs_javascript_is_read_through_chromium(db_path: Path) -> None:
    with SiteServer() as server:
        site(server)
        source = make_source(name="kaztag-kz", adapter="feed", base_url=server.base_url,
                             feeds=["/ru/rss/"], fetch="browser")
        result = crawl(source, db_path, timeout=120)
    (item,) = result.new_items()
    assert item["title"] == "Приговор активисту"
    assert TEXT[:60] in item["text"] and "Checking your browser" not in item["text"]


def test_plain_http_sees_only_the_check_page(db_path: Path) -> None:
    with SiteServer() as server:
        site(server)
        source = make_source(name="kaztag-kz", adapter="feed", base_url=server.base_url,
                             feeds=["/ru/rss/"])
        result = crawl(source, db_path)
    assert result.new_items() == []
    assert [e["stage"] for e in result.errors] == ["extract"]
