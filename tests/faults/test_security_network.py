"""The crawler stays on its sources' hosts and never lets a public source lead it to a private
address. No traffic leaves loopback: the decision and the middleware are tested with fake
source hosts, and the integration case redirects between two loopback ports."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.downloadermiddlewares.private import PrivateAddressMiddleware
from newsmon.demo.siteserver import SiteServer, html
from sites.addresses import is_private_host, private_target_refused
from tests.faults.helpers import FAST, article_html, article_text, feed_source, rows, rss
from tests.support.cli import run_newsmon
from tests.support.hostile import page, redirect

pytestmark = pytest.mark.e2e

PUBLIC_SOURCE = "https://rus.azattyq.org/"
PRIVATE_TARGETS = [
    "http://127.0.0.1/", "http://127.5.5.5:8080/x", "http://10.0.0.5/admin",
    "http://172.16.3.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8001/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://localhost:8001/-/triage-bulk", "http://foo.localhost/", "http://100.64.0.1/",
    "http://[fd00::1]/",
]


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_public_source_may_not_reach_a_private_address(target):
    assert private_target_refused(target, PUBLIC_SOURCE)


@pytest.mark.parametrize("target", ["https://rus.azattyq.org/a/1.html", "http://93.184.216.34/",
                                    "https://[2001:4860:4860::8888]/"])
def test_public_targets_are_left_to_the_offsite_rule(target):
    assert private_target_refused(target, PUBLIC_SOURCE) is None


@pytest.mark.parametrize("source", ["http://127.0.0.1:8080/", "http://10.1.2.3/",
                                    "http://localhost/"])
def test_a_source_on_a_private_address_may_be_crawled_there(source):
    assert private_target_refused("http://127.0.0.1:8080/a.html", source) is None
    assert is_private_host("127.0.0.1")


class _Stats(dict):
    """The two StatsCollector methods the middleware uses."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] = self.get(key, 0) + count

    def get_value(self, key: str) -> int | None:
        return self.get(key)


def test_middleware_refuses_a_redirect_from_a_public_source_to_loopback():
    source = SimpleNamespace(base_url=PUBLIC_SOURCE)
    crawler = SimpleNamespace(spider=SimpleNamespace(source=source), stats=_Stats())
    middleware = PrivateAddressMiddleware(crawler)  # type: ignore[arg-type]
    assert asyncio.run(middleware.process_request(Request(PUBLIC_SOURCE + "a/1.html"))) is None
    hop = Request("http://169.254.169.254/latest/meta-data/",
                  meta={"redirect_urls": [PUBLIC_SOURCE + "a/1.html"]})
    with pytest.raises(IgnoreRequest, match="private or loopback.*redirected from"):
        asyncio.run(middleware.process_request(hop))
    assert crawler.stats.get_value("newsmon/private_refused") == 1


def test_redirect_to_another_loopback_port_is_refused_and_recorded(tmp_path: Path):
    """A loopback source may redirect within its own host:port, never to another service."""
    with SiteServer({"/-/triage-bulk": html(article_html("Другой сервис", article_text(1)))}
                    ) as victim:
        routes = {
            "/a/inside.html": redirect("/a/target.html"),
            "/a/target.html": page(article_html("Своя страница", article_text(2))),
            "/a/outside.html": redirect(f"{victim.base_url}/-/triage-bulk", 307),
            "/a/meta.html": redirect("http://169.254.169.254/latest/meta-data/"),
            "/rss.xml": page(rss(["/a/inside.html", "/a/outside.html", "/a/meta.html",
                                  f"{victim.base_url}/-/triage-bulk"]),
                             content_type="application/rss+xml"),
        }
        with SiteServer(routes) as source:
            sources = feed_source(tmp_path / "sources.toml", "loop", source.base_url,
                                  ["/rss.xml"])
            db = tmp_path / "newsmon.db"
            result = run_newsmon("--db", str(db), "crawl", "--sources", str(sources), *FAST)
        assert victim.requested("/-/triage-bulk") == [], "the crawler reached another service"
    assert result.returncode == 1, result.stderr[-2000:]
    assert rows(db, "SELECT title FROM items") == [("Своя страница",)]
    errors = {url.removeprefix(source.base_url): (stage, reason)
              for url, stage, reason in rows(db, "SELECT url, stage, reason FROM crawl_errors")}
    assert errors["/a/outside.html"][0] == "fetch"
    assert "offsite" in errors["/a/outside.html"][1]
    assert "offsite" in errors["/a/meta.html"][1] or "private" in errors["/a/meta.html"][1]
